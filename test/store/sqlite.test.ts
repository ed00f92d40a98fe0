import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { SQLITE_MIGRATIONS, SqliteDb } from '../../src/store/sqlite.js';
import { CoreStore } from '../../src/store/core.js';
import { codedEvent, sourceDoc } from './fixtures.js';
import { storeSuite } from './store.suite.js';

// Explicit SQLite (not openStore) so the suite runs on SQLite even when FRONTLINE_DATABASE_URL is set.
storeSuite('SQLite', async () => {
  const store = new CoreStore(new SqliteDb(':memory:'));
  return { store, cleanup: () => store.close() };
});

it('SQLite file: WAL mode, migrations applied once, data kept across reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-store-'));
  try {
    const path = join(dir, 'f.db');
    const prev = process.env.FRONTLINE_DATABASE_URL;
    delete process.env.FRONTLINE_DATABASE_URL;
    try {
      const s1 = await openStore({ path });
      assert.equal(s1.kind, 'sqlite');
      await s1.ingest(sourceDoc('d1', 'A report.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'K1' })]);
      await s1.close();
      const s2 = await openStore({ path });
      assert.ok(await s2.getEvent('K1'));
      await s2.close();
    } finally {
      if (prev !== undefined) process.env.FRONTLINE_DATABASE_URL = prev;
    }
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), SQLITE_MIGRATIONS.map((m) => ({ version: m.version })));
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('SQLite: a database at schema version 1 is migrated forward at open, keeping its events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-migrate-'));
  try {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    old.exec(SQLITE_MIGRATIONS[0]!.sql);
    old.prepare("INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01')").run();
    const ev = { ...codedEvent({ event_id_cnty: 'OLD1', document_id: 'od' }), sources: [], review_status: 'unreviewed', created_at: 'x', updated_at: 'x' };
    old.prepare(`INSERT INTO events (id, sort_date, event_date, event_type, sub_event_type, actor1, country, fatalities, notes, review_status, data, edits, created_at, updated_at)
      VALUES ('OLD1', '2024-07-22', '2024-07-22', ?, ?, ?, 'Syria', 0, 'old note', 'unreviewed', ?, '{}', 'x', 'x')`).run(ev.event_type, ev.sub_event_type, ev.actor1, JSON.stringify(ev));
    old.close();
    const store = new CoreStore(new SqliteDb(path));
    const got = await store.getEvent('OLD1');
    assert.equal(got?.event_id_cnty, 'OLD1');
    assert.equal((await store.listEvents({ sort: 'date_desc', limit: 10, q: 'old' })).events.length, 1);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('SQLite: stats are cached until this store or another connection writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-stats-'));
  try {
    const path = join(dir, 's.db');
    const a = new CoreStore(new SqliteDb(path));
    const b = new CoreStore(new SqliteDb(path));
    await a.ingest(sourceDoc('s1', 'One.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'S1' })]);
    assert.equal((await a.stats({})).total, 1);
    await a.ingest(sourceDoc('s2', 'Two.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'S2', event_date: '2023-01-01' })]);
    assert.equal((await a.stats({})).total, 2, 'own write');
    await b.ingest(sourceDoc('s3', 'Three.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'S3', event_date: '2022-01-01' })]);
    assert.equal((await a.stats({})).total, 3, 'another connection’s write');
    await b.review('S3', { action: 'reject', reviewer: 'amal' });
    assert.equal((await a.stats({})).total, 2);
    const s = await a.stats({});
    s.by_type.length = 0;
    assert.equal((await a.stats({})).by_type.length, 1, 'callers get their own copy');
    await Promise.all([a.close(), b.close()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('SQLite: full-text indexes written at the end of each transaction match their tables after ingest, merge, edit, unmerge and bulk insert', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-fts-'));
  try {
    const path = join(dir, 'f.db');
    const store = new CoreStore(new SqliteDb(path));
    const ev = (id: string, over: Record<string, unknown> = {}) => (d: { id?: string }) => [codedEvent({ document_id: d.id!, event_id_cnty: id, ...over })];
    await store.ingest(sourceDoc('t1', 'Shelling of Sarmin reported by a first outlet.'), ev('T1', { notes: 'shelling of sarmin' }));
    // a batch: a new event, a report merging into T1 (its notes change), and one merging into the new event
    await store.ingestMany([
      sourceDoc('t2', 'A quarry near Binnish was struck.'),
      sourceDoc('t3', 'Second outlet: heavy shelling of Sarmin.'),
      sourceDoc('t4', 'The Binnish quarry strike, a later account.'),
    ], (d) => ({
      t2: ev('T2', { location: 'Binnish', latitude: 35.95, longitude: 36.71, notes: 'quarry strike' }),
      t3: ev('T3', { notes: 'heavy artillery shelling of sarmin', confidence: 0.99 }),
      t4: ev('T4', { location: 'Binnish', latitude: 35.95, longitude: 36.71, notes: 'strike on a gravel quarry', confidence: 0.99 }),
    })[d.id as 't2' | 't3' | 't4']!(d));
    await store.review('T1', { action: 'edit', reviewer: 'amal', fields: { notes: 'zeppelin sighting before the shelling' } });
    assert.ok(await store.unmerge('T2', 't4'));
    await store.bulkInsert([codedEvent({ document_id: 'bulk-1', event_id_cnty: 'B1', notes: 'mortar fire at dawn' })]);
    const search = async (q: string) => (await store.listEvents({ sort: 'date_desc', limit: 10, q })).events.map((e) => e.event_id_cnty).sort();
    assert.deepEqual(await search('zeppelin'), ['T1']);
    assert.deepEqual(await search('gravel'), ['T4'], 'the unmerged report is its own event again');
    assert.deepEqual(await search('quarry'), ['T2', 'T4']);
    assert.deepEqual(await search('mortar'), ['B1']);
    assert.deepEqual(await search('heavy'), ['T1'], 'through the text of a merged document');
    await store.close();
    const db = new Database(path);
    try {
      // FTS5 compares its index with the content tables (rank 1: external content)
      db.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)").run();
      db.prepare("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)").run();
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM fts_pending').get(), { n: 0 });
      assert.deepEqual(db.prepare('SELECT count(*) AS n FROM fts_deferred').get(), { n: 0 });
      // outside the store's transactions the triggers index at once
      db.prepare("UPDATE events SET notes = 'quiet day' WHERE id = 'B1'").run();
      db.prepare("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)").run();
      assert.equal((db.prepare("SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH 'quiet'").get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('SQLite: a new event is stored as exactly the JSON of the event ingest returns', async () => {
  const store = new CoreStore(new SqliteDb(':memory:'));
  const r = await store.ingest(sourceDoc('j1', 'A report.'), (d) => [
    codedEvent({ document_id: d.id, event_id_cnty: 'J1', notes: 'quote " and \u2028 and ü' }),
    codedEvent({ document_id: d.id, event_id_cnty: 'J1', location: 'Binnish', latitude: 35.95, longitude: 36.71 }),
    codedEvent({ document_id: d.id, event_id_cnty: ' J3 ', location: 'Atarib', latitude: 36.1364, longitude: 36.83 }),
  ]);
  assert.deepEqual(r.events.map((e) => e.event_id_cnty), ['J1', 'J1-2', 'J3']);
  const db = (store as unknown as { db: { all: (sql: string, p: unknown[]) => Promise<{ data: string }[]> } }).db;
  for (const e of r.events) {
    const [row] = await db.all('SELECT d.data FROM events e JOIN event_data d ON d.seq = e.seq WHERE e.id = ?', [e.event_id_cnty]);
    assert.equal(row!.data, JSON.stringify(e));
  }
  await store.close();
});

it('SQLite: ingest never changes the events the extractor returned (they may be deep-frozen)', async () => {
  const store = new CoreStore(new SqliteDb(':memory:'));
  const freeze = <T>(o: T): T => {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) freeze(v);
      Object.freeze(o);
    }
    return o;
  };
  const frozen = (id: string, over = {}) => (d: { id?: string }) => freeze([codedEvent({ document_id: d.id!, event_id_cnty: id, ...over })]);
  await store.ingest(sourceDoc('z1', 'One report.'), frozen('Z1'));
  const r = await store.ingestMany([sourceDoc('z2', 'Another report of it.'), sourceDoc('z3', 'A third.')], (d) => frozen(d.id === 'z2' ? 'Z2' : 'Z3', { fatalities: 7 })(d));
  assert.deepEqual(r.map((x) => (x instanceof Error ? x.message : x.events.map((e) => [e.event_id_cnty, e.sources.length]))), [[['Z1', 2]], [['Z1', 3]]]);
  await store.close();
});
