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
