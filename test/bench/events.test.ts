import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHUNK, deleteStaleEventSets, fillRange, fillSqliteDb, pgEventsDb, schemaKey, staleEventDbs, syntheticEvents } from '../../bench/lib/events.js';
import { CoreStore } from '../../src/store/core.js';

const idx = (id: string) => Number(id.replace('BENCH', ''));

test('synthetic events: every set is the prefix of the larger ones, each chunk in date order', () => {
  const big = syntheticEvents(5, 0, 3 * CHUNK);
  assert.equal(big.length, 3 * CHUNK);
  assert.deepEqual(syntheticEvents(5, 0, CHUNK), big.slice(0, CHUNK));
  assert.deepEqual([...syntheticEvents(5, 0, CHUNK), ...syntheticEvents(5, CHUNK, 3 * CHUNK)], big);
  for (let c = 0; c < 3; c++) {
    const chunk = big.slice(c * CHUNK, (c + 1) * CHUNK);
    assert.ok(chunk.every((e, i) => i === 0 || chunk[i - 1]!.event_date! <= e.event_date!), `chunk ${c} in date order`);
    assert.deepEqual(new Set(chunk.map((e) => Math.floor(idx(e.event_id_cnty) / CHUNK))), new Set([c]));
  }
  // a range that cuts chunks holds the same events, in the order of the whole chunks
  const part = syntheticEvents(5, CHUNK / 2, CHUNK + 10);
  assert.deepEqual(part, big.filter((e) => idx(e.event_id_cnty) >= CHUNK / 2 && idx(e.event_id_cnty) < CHUNK + 10));
  assert.notDeepEqual(syntheticEvents(6, 0, 50), big.slice(0, 50));
});

test('fillRange: bulk inserts through the SQLite store, in batches, and the events can be queried', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-events-'));
  try {
    const store = new CoreStore(fillSqliteDb(path.join(dir, 'e.db')));
    const rate = await fillRange(store, 1, 0, 2_500, undefined, 1_000);
    assert.ok(rate > 0);
    assert.equal((await store.stats({})).total, 2_500);
    await fillRange(store, 1, 2_500, 3_000, undefined, 1_000);
    assert.equal((await store.stats({})).total, 3_000);
    const want = syntheticEvents(1, 0, 3_000).filter((e) => e.country === 'Syria').length;
    assert.equal((await store.stats({ country: 'Syria' })).total, want);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deleteStaleEventSets: removes sets of another schema key or without one, keeps the current ones and other files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-out-'));
  try {
    const cur = [`events-s1-n10000-${schemaKey('sqlite')}.db`];
    // PostgreSQL dumps of any key are stale: its sets are databases of the bench cluster now
    const stale = ['events-s1-n10000.db', 'events-s1-n10000-pg.pgdump', 'events-s1-n1000-0123abcd.db', 'events-s1-n1000-0123abcd.db.part-wal', 'events-s1-n100-pg-0123abcd.pgdump', `events-s1-n10000-pg-${schemaKey('postgres')}.pgdump`];
    const other = ['events-s2-n10000.db', 'corpus-s1-n200.jsonl', 'last-run.json'];
    for (const f of [...cur, ...stale, ...other]) writeFileSync(path.join(dir, f), '');
    assert.deepEqual(deleteStaleEventSets(1, dir).sort(), [...stale].sort());
    assert.deepEqual(readdirSync(dir).sort(), [...cur, ...other].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('staleEventDbs: PostgreSQL sets of another schema key (finished or not) are stale; the current ones and other databases are not', () => {
  const cur = [pgEventsDb(1, 10_000), pgEventsDb(1, 1_000_000), `${pgEventsDb(1, 100_000)}_part`];
  const stale = ['ev_s1_n10000_0123abcd', 'ev_s1_n1000000_0123abcd_part'];
  const other = ['postgres', 'bench_ingest', 'ev_s2_n10000_0123abcd', 'template1'];
  assert.match(pgEventsDb(1, 10_000), /^ev_s1_n10000_[0-9a-f]{8}$/);
  assert.deepEqual(staleEventDbs(1, [...cur, ...stale, ...other]), stale);
});
