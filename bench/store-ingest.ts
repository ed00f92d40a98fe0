/**
 * The store's own cost of ingesting real reports: bench/corpus.ts reports (seed 1) run once through the
 * real extractor, their events cached in a JSON file; then `store.ingest` of every report with its cached
 * events into a fresh store (documents, merging, transactions, indexes), timed in CPU and wall clock.
 * SQLite's figure is CPU time of this process per document; PostgreSQL's (FRONTLINE_DATABASE_URL set)
 * is wall clock per document (the server's CPU is elsewhere). Median of --runs runs.
 *
 * With --extract, the extractor runs inside the timed loop as well (end-to-end ingest per document).
 *
 *   npx tsx bench/store-ingest.ts [--docs 300] [--runs 3] [--cache FILE] [--extract]
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CodedEvent, SourceDocument } from '../src/model/index.js';
import { openStore } from '../src/store/index.js';

const { values } = parseArgs({ options: { docs: { type: 'string' }, runs: { type: 'string' }, cache: { type: 'string' }, extract: { type: 'boolean' } } });
const n = Number(values.docs ?? 300);
const runs = Number(values.runs ?? 3);
const cache = values.cache ?? path.join(tmpdir(), `frontline-store-ingest-s1-n${n}.json`);

let items: { doc: SourceDocument; events: CodedEvent[] }[];
let extract: ((doc: SourceDocument) => CodedEvent[]) | null = null;
if (existsSync(cache) && !values.extract) items = JSON.parse(readFileSync(cache, 'utf8')) as typeof items;
else {
  const { loadGeocoder } = await import('../src/geo/index.js');
  const { createExtractor } = await import('../src/extract/index.js');
  const { generateCorpus } = await import('./corpus.js');
  const geo = loadGeocoder();
  const ex = createExtractor(geo);
  items = generateCorpus({ seed: 1, count: n, places: geo.gazetteer.places }).map((doc) => ({ doc, events: ex.extract(doc) }));
  if (!existsSync(cache)) writeFileSync(cache, JSON.stringify(items));
  if (values.extract) extract = (d) => ex.extract(d);
}

const pg = process.env.FRONTLINE_DATABASE_URL;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs: number[] = [];
const wallMs: number[] = [];
let created = 0;
for (let r = 0; r < runs; r++) {
  let store;
  const file = path.join(tmpdir(), `frontline-store-ingest-${process.pid}.db`);
  if (pg) {
    store = await openStore({ url: pg });
    const { default: pgmod } = await import('pg');
    const c = new pgmod.Client({ connectionString: pg });
    await c.connect();
    const tables = (await c.query<{ t: string }>("SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' AND tablename <> 'spatial_ref_sys'")).rows.map((r) => r.t);
    await c.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    await c.end();
  } else {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    store = await openStore({ path: file });
  }
  const t = performance.now();
  const c = process.cpuUsage();
  created = 0;
  for (const it of items) {
    const res = await store.ingest(it.doc, extract ?? ((d) => it.events.map((e) => ({ ...e, document_id: d.id! }))));
    created += res.events.length;
  }
  const used = process.cpuUsage(c);
  wallMs.push((performance.now() - t) / items.length);
  cpuMs.push((used.user + used.system) / 1000 / items.length);
  await store.close();
  if (!pg) for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}
const evs = items.reduce((a, it) => a + it.events.length, 0);
console.log(JSON.stringify({
  bench: values.extract ? 'ingest-with-extraction' : 'store-ingest', store: pg ? 'postgres' : 'sqlite', docs: items.length, events_in: evs, events_out: created, runs,
  cpu_ms_per_doc: +median(cpuMs).toFixed(3), wall_ms_per_doc: +median(wallMs).toFixed(3), docs_per_cpu_s: Math.round(1000 / median(cpuMs)),
}));
