/**
 * Store bench, without HTTP: filtered listEvents/stats latency over N synthetic events (default
 * 1,000,000; the same data set and cached SQLite file as bench/api.ts), bulk-insert rate, and ingest
 * throughput with merging (10,000 generated reports into a fresh store).
 *
 *   npx tsx bench/store.ts [--events 1000000] [--runs 25] [--db FILE] [--skip-ingest]
 *
 * Set FRONTLINE_DATABASE_URL to bench PostgreSQL instead of SQLite.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { EventListQuerySchema, EventFilterSchema } from '../src/model/index.js';
import { openStore } from '../src/store/index.js';
import { CoreStore } from '../src/store/core.js';
import { SqliteDb } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { ingestPaths } from '../src/ingest/index.js';
import { fill } from './api.js';
import { generatedDoc, generatedExtractor } from '../test/ingest/generated.js';
import { writeFileSync } from 'node:fs';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export const STORE_QUERIES: [string, Record<string, unknown>][] = [
  ['latest 100 (no filter)', {}],
  ['country + date range', { country: 'Syria', from: '2024-01-01', to: '2024-06-30' }],
  ['admin1 + event type', { admin1: 'Idlib', event_type: 'Explosions/Remote violence' }],
  ['bbox (NW Syria) + from', { bbox: '36.0,35.5,37.2,36.7', from: '2023-01-01' }],
  ['near 25 km', { near: '35.904,36.726', km: '25' }],
  ['actor + from', { actor: 'tahrir', from: '2024-01-01' }],
  ['full text q + country', { q: 'ambush mortar', country: 'Ukraine' }],
  ['min fatalities, sorted', { min_fatalities: '20', sort: 'fatalities_desc' }],
  ['sub-event type, oldest first', { sub_event_type: 'Armed clash', sort: 'date_asc' }],
];

async function timeIt(runs: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < runs + 3; i++) {
    const t = process.hrtime.bigint();
    await fn();
    if (i >= 3) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { median_ms: +quantile(times, 0.5).toFixed(2), p95_ms: +quantile(times, 0.95).toFixed(2) };
}

export async function runStoreBench(opts: { events?: number; runs?: number; db?: string; skipIngest?: boolean } = {}) {
  const n = opts.events ?? 1_000_000;
  const runs = opts.runs ?? 25;
  const pg = process.env.FRONTLINE_DATABASE_URL;
  const file = opts.db ?? path.join(tmpdir(), `frontline-bench-${n}.db`);
  const store: Store = pg ? await openStore({ url: pg }) : new CoreStore(new SqliteDb(file));
  if (store instanceof CoreStore) store.statsCacheSize = 0; // measure the queries, not the cache
  const t0 = Date.now();
  const before = (await store.stats({})).total;
  await fill(store, n);
  const total = (await store.stats({})).total;
  if (total > before) {
    console.log(JSON.stringify({ bench: 'store-bulk-insert', store: store.kind, inserted: total - before, per_s: Math.round(((total - before) / (Date.now() - t0)) * 1000) }));
  }
  const results = [];
  for (const [name, params] of STORE_QUERIES) {
    const query = EventListQuerySchema.parse({ limit: 100, ...params });
    let count = 0;
    const t = await timeIt(runs, async () => {
      count = (await store.listEvents(query)).events.length;
    });
    const r = { name, ...t, results: count };
    results.push(r);
    console.log(JSON.stringify({ bench: 'store-list', store: store.kind, events: total, ...r }));
  }
  // page 2 via cursor
  const q = EventListQuerySchema.parse({ country: 'Syria', limit: 100 });
  const cursor = (await store.listEvents(q)).next_cursor!;
  const page2 = await timeIt(runs, () => store.listEvents({ ...q, cursor }));
  results.push({ name: 'page 2 via cursor', ...page2, results: 100 });
  console.log(JSON.stringify({ bench: 'store-list', store: store.kind, events: total, name: 'page 2 via cursor', ...page2 }));
  for (const [name, f] of [['stats country + year', { country: 'Syria', from: '2024-01-01', to: '2024-12-31' }], ['stats event type (all years)', { event_type: 'Battles' }], ['stats, no filter', {}]] as const) {
    const stats = await timeIt(name === 'stats, no filter' ? 3 : Math.min(runs, 10), () => store.stats(EventFilterSchema.parse(f)));
    results.push({ name, ...stats, results: 0 });
    console.log(JSON.stringify({ bench: 'store-stats', store: store.kind, events: total, name, ...stats }));
  }
  await store.close();

  let ingest: { documents: number; seconds: number; per_s: number; events: number } | null = null;
  if (!opts.skipIngest && !pg) {
    const dir = path.join(tmpdir(), `frontline-bench-ingest-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const jsonl = path.join(dir, 'docs.jsonl');
    writeFileSync(jsonl, Array.from({ length: 10_000 }, (_, k) => JSON.stringify(generatedDoc(k))).join('\n') + '\n');
    const s = new CoreStore(new SqliteDb(path.join(dir, 'ingest.db')));
    const t = Date.now();
    const sum = await ingestPaths(s, [jsonl], generatedExtractor);
    const secs = (Date.now() - t) / 1000;
    await s.close();
    rmSync(dir, { recursive: true, force: true });
    ingest = { documents: sum.documents, seconds: secs, per_s: Math.round(sum.documents / secs), events: sum.events_created };
    console.log(JSON.stringify({ bench: 'store-ingest', store: 'sqlite', ...ingest, merged: sum.events_merged }));
  }
  return { store: pg ? 'postgres' : 'sqlite', events: total, runs, results, ingest };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { events: { type: 'string' }, runs: { type: 'string' }, db: { type: 'string' }, 'skip-ingest': { type: 'boolean' } } });
  const res = await runStoreBench({
    events: values.events ? Number(values.events) : undefined,
    runs: values.runs ? Number(values.runs) : undefined,
    db: values.db,
    skipIngest: values['skip-ingest'],
  });
  console.error(`\nStore latency over ${res.events.toLocaleString('en')} events (${res.store}, ${res.runs} runs each, no HTTP):`);
  for (const r of res.results) console.error(`  ${r.name.padEnd(32)} median ${String(r.median_ms).padStart(8)} ms   p95 ${String(r.p95_ms).padStart(8)} ms   ${r.results} results`);
  if (res.ingest) console.error(`  ingest of 10,000 generated reports with merging: ${res.ingest.per_s} documents/s (${res.ingest.events} events)`);
}
