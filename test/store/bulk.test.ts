/**
 * bulkInsert's fast path (indexes dropped for the load and built once at its end) against its normal
 * path (indexes kept up row by row): the same loads into two stores must leave the same rows, the same
 * search and filter results, the same stats aggregates and the same schema. SQLite always; PostgreSQL
 * when FRONTLINE_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodedEvent, EventFilter, StoredEvent } from '../../src/model/index.js';
import { CoreStore } from '../../src/store/core.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/index.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { freshPgUrl, pgUrl } from '../helpers/pg.js';
import { codedEvent, sourceDoc } from './fixtures.js';

/** A small seeded PRNG (mulberry32), so both stores get the same events. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = [
  ['Syria', 760, 'Idlib', 'Sarmin', 35.9, 36.72],
  ['Syria', 760, 'Aleppo', 'Atarib', 36.14, 36.83],
  ['Ukraine', 804, 'Donetsk', 'Avdiivka', 48.14, 37.74],
  ['Ukraine', 804, null, 'somewhere', null, null],
  ['Sudan', 729, 'Khartoum', 'Omdurman', 15.64, 32.48],
] as const;
const ACTORS = ['Military Forces of Syria', 'Hayat Tahrir al-Sham', 'Military Forces of Russia', 'Rapid Support Forces', 'Civilians (Sudan)'];
const WORDS = ['mortar', 'drone', 'ambush', 'convoy', 'checkpoint', 'shelling', 'market', 'bridge', 'quarry', 'artillery'];
const TYPES = [
  ['Explosions/Remote violence', 'Air/drone strike'],
  ['Explosions/Remote violence', 'Shelling/artillery/missile attack'],
  ['Battles', 'Armed clash'],
  ['Violence against civilians', 'Attack'],
] as const;

/** n events: mixed places (some without coordinates or admin1), types, actors, dates; some ids repeat. */
function events(seed: number, n: number): CodedEvent[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const [country, iso, admin1, location, lat, lon] = pick(PLACES);
    const [event_type, sub_event_type] = pick(TYPES);
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(r() * 400) * 86_400_000).toISOString().slice(0, 10);
    return codedEvent({
      event_id_cnty: r() < 0.05 ? 'DUP1' : `S${seed}-${i}`,
      document_id: `bulk-${seed}-${Math.floor(i / 3)}`,
      event_date: r() < 0.03 ? null : day,
      event_type,
      sub_event_type,
      country,
      iso,
      admin1,
      admin2: null,
      location,
      latitude: lat === null ? null : lat + (r() - 0.5) / 10,
      longitude: lon === null ? null : lon + (r() - 0.5) / 10,
      actor1: pick(ACTORS),
      actor2: r() < 0.3 ? null : pick(ACTORS),
      fatalities: Math.floor(r() * r() * 20),
      notes: `${pick(WORDS)} ${pick(WORDS)} near ${location} (${i})`,
    } as Partial<CodedEvent>);
  });
}

const noTimes = (e: StoredEvent) => ({ ...e, created_at: '', updated_at: '' });

async function allEvents(store: CoreStore, f: EventFilter = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ sort: 'date_desc', limit: 500, ...f, cursor } as never);
    out.push(...page.events.map(noTimes));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

const STATS_TABLES = ['stats_day', 'stats_month', 'stats_type_day', 'stats_actor_month', 'stats_actor_type_month', 'stats_actor_country_month', 'stats_actor_admin1_month', 'stats_actor_subtype_month'];

/** Every row the bulk path writes or derives, timestamps left out, in a fixed order. */
async function tables(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.values(r).map((v) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : v))));
  out.events = norm(await db.all('SELECT seq, id, sort_date, event_date, event_type, sub_event_type, actor1, actor2, country, admin1, location, latitude, longitude, fatalities, notes, review_status, edits FROM events ORDER BY seq'));
  out.event_data = (await db.all<{ seq: unknown; data: string }>('SELECT seq, data FROM event_data ORDER BY seq')).map((r) => [String(r.seq), noTimes(JSON.parse(r.data) as StoredEvent)]);
  out.contributions = norm(await db.all('SELECT seq, event_seq, document_id, coded FROM contributions ORDER BY seq'));
  out.actors = norm(await db.all('SELECT id, name_lc FROM actors ORDER BY id'));
  out.event_actors = norm(await db.all('SELECT actor_id, event_seq FROM event_actors ORDER BY actor_id, event_seq'));
  for (const t of STATS_TABLES) out[t] = norm(await db.all(`SELECT * FROM ${t} WHERE n <> 0`)).sort();
  return out;
}

async function schema(db: Db): Promise<unknown[]> {
  return db.kind === 'sqlite'
    ? db.all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    : db.all("SELECT tablename, indexname, replace(indexdef, current_schema() || '.', '') AS def FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname");
}

const FILTERS: EventFilter[] = [
  {},
  { country: 'Syria' },
  { country: 'ukraine', from: '2023-03-01', to: '2023-09-30' },
  { admin1: 'Idlib', event_type: 'Battles' },
  { actor: 'Rapid Support Forces' },
  { q: 'mortar' },
  { q: 'quarry bridge', country: 'Sudan' },
  { q: 'report' },
  { bbox: [36, 35, 37.5, 37] } as unknown as EventFilter,
  { near: [48.14, 37.74], km: 5 } as unknown as EventFilter,
  { min_fatalities: 5 },
];

function suite(name: string, open: () => Promise<{ store: CoreStore; db: Db; cleanup: () => Promise<void> }>) {
  describe(`bulkInsert fast path (${name})`, () => {
    it('leaves the same rows, search results, stats and schema as the normal path', async () => {
      const normal = await open();
      const fast = await open();
      try {
        for (const [store, rebuild] of [[normal.store, false], [fast.store, true]] as const) {
          // an ingested report first, so the load goes into a table that already has rows and documents
          await store.ingest(sourceDoc('d1', 'A report of mortar fire on the bridge.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'S1-3', notes: 'mortar fire on a bridge' })]);
          // the normal path in batches of 100 events (aggregates upserted statement by statement), the fast
          // one in whole loads (on PostgreSQL, aggregates and rows through COPY)
          const batches = (xs: CodedEvent[]) => (rebuild ? [xs] : Array.from({ length: Math.ceil(xs.length / 100) }, (_, i) => xs.slice(i * 100, i * 100 + 100)));
          assert.equal(await store.bulkInsert(batches(events(1, 1500)), { rebuildIndexes: rebuild }), 1500);
          // batches from a generator: one transaction
          assert.equal(await store.bulkInsert((function* () { yield* batches(events(2, 700)); yield []; yield* batches(events(3, 900)); })(), { rebuildIndexes: rebuild }), 1600);
          assert.equal(await store.bulkInsert(events(4, 40)), 40);
          await store.review('S1-7', { action: 'edit', reviewer: 'amal', fields: { notes: 'zeppelin seen over the quarry' } });
        }
        assert.deepEqual(await tables(fast.db), await tables(normal.db));
        assert.deepEqual(await schema(fast.db), await schema(normal.db));
        for (const f of FILTERS) {
          const [a, b] = [await allEvents(fast.store, f), await allEvents(normal.store, f)];
          assert.ok(a.length > 0 || f.q === 'report', `${JSON.stringify(f)} matches something`);
          assert.deepEqual(a, b, JSON.stringify(f));
          assert.deepEqual(await fast.store.stats(f), await normal.store.stats(f), `stats ${JSON.stringify(f)}`);
        }
        assert.deepEqual((await allEvents(fast.store, { q: 'zeppelin' })).length, 1);
        assert.deepEqual((await allEvents(fast.store, { q: 'report' })).length, 1, 'the ingested document is still searched');
      } finally {
        await normal.cleanup();
        await fast.cleanup();
      }
    });

    it('keeps text with backslashes, tabs, line breaks and a literal \\N exactly as given (PostgreSQL loads it with COPY)', async () => {
      const { store, cleanup } = await open();
      try {
        const odd = ['C:\\temp\\N and \\N alone', 'tab\there', 'two\nlines\r\nand CR\r', 'quote " and \' and ; ,', 'Ḥamā — حماة ✓', '\\'];
        const load = events(7, 260).map((e, i) => ({ ...e, event_id_cnty: `ODD-${i}`, notes: odd[i % odd.length]!, admin1: i % 5 === 0 ? null : e.admin1 }));
        assert.equal(await store.bulkInsert(load), 260);
        for (const i of [0, 1, 2, 3, 4, 5, 10, 259]) {
          const got = await store.getEvent(`ODD-${i}`);
          assert.equal(got?.notes, odd[i % odd.length], `ODD-${i}`);
          assert.equal(got?.admin1, load[i]!.admin1, `ODD-${i} admin1`);
          assert.deepEqual(got?.evidence, load[i]!.evidence);
        }
        assert.equal((await allEvents(store, { q: 'lines' })).length, Math.ceil((260 - 2) / odd.length));
      } finally {
        await cleanup();
      }
    });
  });
}

suite('SQLite', async () => {
  const db = new SqliteDb(':memory:');
  const store = new CoreStore(db);
  return { store, db, cleanup: () => store.close() };
});

if (pgUrl) {
  suite('PostgreSQL', async () => {
    const { url, drop } = await freshPgUrl();
    const store = (await openStore({ url })) as CoreStore;
    const db = (store as unknown as { db: Db }).db;
    return { store, db, cleanup: async () => { await store.close(); await drop(); } };
  });
}
