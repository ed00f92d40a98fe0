/**
 * `npm run bench`: how fast Frontline is, as one table (every figure a median of several runs).
 *
 *   npm run bench                      full run (under 10 minutes on a fresh clone of this 2-core machine)
 *   npm run bench -- --quick           smoke run (small corpus, 10^4 and 10^5 events, short load runs)
 *   npm run bench -- --only extract,geo,ingest,api,stream,serve   a subset
 *   npm run bench -- --seed 7 --no-pg --readme
 *   npm run bench -- --sizes 10000,100000   other event-set sizes (default 10^4, 10^5, 10^6)
 *
 * Sections: extract+geocode documents/s on one core against a tokenise-only floor (bench/corpus.ts
 * reports, ~3 KB each); geocoder load time and cost per place mention; ingest into SQLite and
 * PostgreSQL (documents/s, events/s); API latency (median, p95) of five typical filtered queries over
 * 10^4..10^6 stored events, on both stores, with autocannon on loopback at 1 and 50 clients against
 * `frontline serve` in its own process; POST /api/documents → /api/stream latency; serve's start-up
 * time and peak RSS with 10^6 events. Synthetic event sets are cached in bench/out/ (keyed by seed
 * and size); PostgreSQL runs in the bench's own cluster in bench/out/pg-cluster unless FRONTLINE_DATABASE_URL
 * is set, and is skipped with a note when no server is installed. Results also go to
 * bench/out/last-run.json; --readme rewrites the figures section of bench/README.md.
 */
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadGeocoder } from '../src/geo/index.js';
import { createExtractor } from '../src/extract/index.js';
import { openStore } from '../src/store/index.js';
import { generateCorpus } from './corpus.js';
import { runGeoBench } from './geo.bench.js';
import { benchExtract, benchGeoLoad, benchGeoMentions } from './lib/pipeline.js';
import { benchIngest, freshSqlite, preExtracted, startPool, writeJsonl } from './lib/ingest.js';
import { defaultWorkers, type ExtractorPool } from '../src/extract/pool.js';
import { deleteStaleEventSets, ensureSqliteEvents, pgEventsDb, schemaKey, staleEventDbs } from './lib/events.js';
import { startPg, type BenchPg } from './lib/pg.js';
import { spawnPgFill } from './lib/pg-fill.js';
import { lockBenchOut } from './lib/lock.js';
import { startServe, type Served } from './lib/serve.js';
import { load } from './lib/load.js';
import { streamLatency } from './lib/stream.js';
import { fmt, median } from './lib/stats.js';
import { OUT, REPO, TMP, outDirs } from './lib/paths.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    seed: { type: 'string' },
    only: { type: 'string' },
    'no-pg': { type: 'boolean' },
    readme: { type: 'boolean' },
    sizes: { type: 'string' },
  },
});
const QUICK = !!args.quick;
const SEED = Number(args.seed ?? 1);
const ONLY = new Set((args.only ?? 'extract,geo,ingest,api,stream,serve').split(',').map((s) => s.trim()));
const CFG = QUICK
  ? { corpus: 60, runs: 2, storeOnlyDocs: 150, sizes: [10_000, 100_000], apiSizes: [10_000, 100_000], serveSize: 100_000, loadS: 0.5, loadRuns: 2, streamDocs: 5, startups: 2, workers: 2, extractRuns: 3 }
  : { corpus: 200, runs: 3, storeOnlyDocs: 200, sizes: [10_000, 100_000, 1_000_000], apiSizes: [10_000, 100_000, 1_000_000], serveSize: 1_000_000, loadS: 0.5, loadRuns: 3, streamDocs: 10, startups: 3, workers: 2, extractRuns: 7 };

if (args.sizes) {
  const sz = args.sizes.split(',').map((x) => Number(x.trim().replace(/_/g, ''))).filter((x) => Number.isInteger(x) && x > 0).sort((a, b) => a - b);
  if (!sz.length) throw new Error(`--sizes: expected a comma-separated list of event counts, got "${args.sizes}"`);
  Object.assign(CFG, { sizes: sz, apiSizes: sz, serveSize: sz.at(-1)! });
}

/** The five typical queries: what the dashboard and an analyst ask most. */
export const QUERIES: [string, string][] = [
  ['country + date range', '/api/events?country=Syria&from=2024-01-01&to=2024-06-30&limit=100'],
  ['admin1 + event type', '/api/events?admin1=Idlib&event_type=Explosions%2FRemote%20violence&limit=100'],
  ['bbox + from', '/api/events?bbox=36.0,35.5,37.2,36.7&from=2023-01-01&limit=100'],
  ['actor + from', '/api/events?actor=tahrir&from=2024-01-01&limit=100'],
  ['full text + country', '/api/events?q=ambush%20mortar&country=Ukraine&limit=100'],
];

const withDbName = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

interface Row {
  section: string;
  measure: string;
  value: string;
  target?: string;
  met?: boolean | null;
}
const rows: Row[] = [];
const notes: string[] = [];
const json: Record<string, unknown> = {};
const row = (section: string, measure: string, value: string, target?: string, met?: boolean | null) => rows.push({ section, measure, value, target, met });

function machine() {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? '?';
  return { cores: os.cpus().length, cpu, node: process.version, memGb: Math.round(os.totalmem() / 2 ** 30), load: os.loadavg().map((x) => x.toFixed(1)).join(' ') };
}

outDirs();
const mach = machine();
json.machine = mach;
json.config = { quick: QUICK, seed: SEED, ...CFG };
log(`${QUICK ? 'quick' : 'full'} run, seed ${SEED}; ${mach.cores} cores (${mach.cpu}), Node ${mach.node}, load average ${mach.load}`);

// no user gazetteer from the developer's home: the shipped data only (also for bench/geo.bench.ts)
process.env.FRONTLINE_HOME = path.join(TMP, 'home');
const geo = loadGeocoder();
// Sets of CFG.corpus reports, each read once by whatever it times (the extractor keeps caches across
// documents, and a report seen again costs it about half of a new one): set 0 warms up; then the
// extract runs, the geocoder runs, and the ingest runs (in this thread, then with the pool), each on
// reports not seen before.
const SET = { warm: 0, extract: 1, geo: 1 + CFG.extractRuns, ingest: 1 + CFG.extractRuns + CFG.runs }; // ingest: 4 × runs sets (2 stores × thread/pool)
const corpus = generateCorpus({ seed: SEED, count: Math.max(CFG.storeOnlyDocs, CFG.corpus * (SET.ingest + 4 * CFG.runs)), places: geo.gazetteer.places });
const corpusSet = (k: number) => corpus.slice(k * CFG.corpus, (k + 1) * CFG.corpus);
const corpusSets = (first: number, n: number) => Array.from({ length: n }, (_, i) => corpusSet(first + i));
const extractor = createExtractor(geo);

// ---- PostgreSQL --------------------------------------------------------------------------------
// Started first: on a first run its event sets are filled by another process while this one measures.
let pgs: BenchPg | null = null;
const needPg = !args['no-pg'] && ['ingest', 'api', 'stream', 'serve'].some((s) => ONLY.has(s));
const needEvents = ['api', 'stream', 'serve'].some((s) => ONLY.has(s));
// one run at a time per checkout: the event sets and the bench cluster live in bench/out (released at exit)
if (needPg || needEvents) await lockBenchOut(log);
if (needPg) {
  const p = await startPg();
  if ('skip' in p) notes.push(p.skip);
  else {
    pgs = p;
    notes.push(p.note);
  }
} else if (args['no-pg']) notes.push('PostgreSQL skipped (--no-pg)');
const stopPg = () => pgs?.stop();
process.once('exit', stopPg);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (stopPg(), process.exit(130)));

let pgFill: ReturnType<typeof spawnPgFill> | null = null;
let pgFillStarted = 0;
let pgFillEnded = 0;
if (pgs && needEvents) {
  const names = await pgs.databases();
  for (const stale of staleEventDbs(SEED, names)) await pgs.drop(stale);
  if (CFG.apiSizes.some((n) => !names.includes(pgEventsDb(SEED, n)))) {
    log(`PostgreSQL: filling the missing event sets of ${CFG.apiSizes.join(', ')} in another process (schema key ${schemaKey('postgres')})`);
    pgFill = spawnPgFill(pgs.url, SEED, CFG.apiSizes);
    pgFillStarted = Date.now();
    pgFill.done.then(() => (pgFillEnded = Date.now()), () => undefined);
    process.once('exit', pgFill.kill);
  }
}

// ---- extract + geocode -------------------------------------------------------------------------
if (ONLY.has('extract')) {
  log(`extract: ${CFG.extractRuns} runs of ${CFG.corpus} reports (${elapsed()})`);
  const f = benchExtract(geo, corpusSet(SET.warm), corpusSets(SET.extract, CFG.extractRuns));
  json.extract = f;
  row('extract', `extract+geocode, 1 core (runs of ${f.docs} reports not seen before, ${fmt(f.avgBytes / 1024, 1)} KB avg, ${fmt(f.eventsPerDoc, 1)} events/report)`, `${fmt(f.extractDocsPerS)} docs/CPU-s (${fmt(f.extractWallDocsPerS)}/s wall)`, '≥ 500 docs/s (CPU)', f.extractDocsPerS >= 500);
  row('extract', 'tokenise-only floor (wink-nlp readDoc + tokens)', `${fmt(f.tokeniseDocsPerS)} docs/CPU-s (${fmt(f.tokeniseWallDocsPerS)}/s wall)`);
  row('extract', 'pipeline / floor', `${fmt(f.ratio * 100, 1)} % of the floor (${fmt(1 / f.ratio, 0)}× slower)`);
}

// ---- geocoder ----------------------------------------------------------------------------------
if (ONLY.has('geo')) {
  log(`geo: load time (${CFG.runs} fresh processes) and per-mention cost (${elapsed()})`);
  const l = benchGeoLoad(CFG.runs);
  const m = benchGeoMentions(geo, corpusSet(SET.warm), corpusSets(SET.geo, CFG.runs));
  // the geo engineer's mixed-mention bench (variants, "near X", regions, world cities, unknown words)
  const mixed = Array.from({ length: CFG.runs }, () => runGeoBench(QUICK ? 5000 : 10000));
  const mixedMs = median(mixed.map((x) => x.msPerResolve));
  json.geo = { ...l, ...m, mixed };
  row('geo', `gazetteer load (${l.places.toLocaleString('en')} places; module import ${fmt(l.importMs, 0)} ms more)`, `${fmt(l.loadMs, 0)} ms`, '< 2000 ms', l.loadMs < 2000);
  row('geo', `geocode per place mention (resolve, ${m.mentions} mentions)`, `${fmt(m.resolveMsPerMention, 3)} ms`, '< 1 ms', m.resolveMsPerMention < 1);
  row('geo', `geocoder per mention incl. name scan (${m.lookups} lookups)`, `${fmt(m.geoMsPerMention, 3)} ms`, '< 1 ms', m.geoMsPerMention < 1);
  row('geo', `geocode per mention, mixed mentions of bench/geo.bench.ts (${mixed[0]!.mentions}; p99 ${fmt(median(mixed.map((x) => x.p99Ms)), 2)} ms)`, `${fmt(mixedMs, 3)} ms`, '< 1 ms', mixedMs < 1);
}

let pool: { pool: ExtractorPool; startMs: number } | null = null; // extraction workers, started by the first ingest
try {
  // ---- ingest ----------------------------------------------------------------------------------
  // measured per store just before its API rounds: SQLite's while PostgreSQL's event set may still be
  // filling in another process (its target is per CPU-second of this process), PostgreSQL's after it
  const ingestOut: Record<string, unknown> = {};
  let storeOnlyInput: { jsonl: string; cached: ReturnType<typeof preExtracted>; many: number } | null = null;
  async function ingestStore(name: 'SQLite' | 'PostgreSQL') {
    if (!storeOnlyInput) {
      const many = corpus.slice(0, CFG.storeOnlyDocs);
      storeOnlyInput = { jsonl: writeJsonl(many, path.join(OUT, `corpus-s${SEED}-n${many.length}.jsonl`)), cached: preExtracted(extractor, many), many: many.length };
    }
    // each run ingests reports this extractor (or pool) has not seen: sets of its own per store and kind
    const first = SET.ingest + (name === 'SQLite' ? 0 : 2 * CFG.runs);
    const jsonls = (from: number) =>
      corpusSets(from, CFG.runs).map((docs, i) => writeJsonl(docs, path.join(OUT, `corpus-s${SEED}-set${from + i}-n${docs.length}.jsonl`)));
    const { jsonl: jsonlMany, cached } = storeOnlyInput;
    let fresh: (run: number) => Promise<import('../src/store/types.js').Store>;
    if (name === 'SQLite') fresh = freshSqlite('ingest');
    else {
      const p = pgs!;
      fresh = async () => openStore({ url: await p.database('bench_ingest') });
    }
    log(`ingest ${name}: ${CFG.runs} runs of ${CFG.corpus} reports with extraction (in this thread, then in ${CFG.workers} workers), ${storeOnlyInput.many} pre-extracted × ${CFG.runs} (${elapsed()})`);
    const full = await benchIngest({ jsonls: jsonls(first), extractor, freshStore: fresh });
    // what `frontline ingest` does with a large input: extraction in a pool of worker threads (started
    // and warmed before timing, as the in-process extractor is loaded and warmed before timing)
    pool ??= await startPool(CFG.workers, corpusSet(SET.warm)); // (the warm-up set goes through it once per worker)
    const pooled = await benchIngest({ jsonls: jsonls(first + CFG.runs), extractor: pool.pool, freshStore: fresh });
    const storeOnly = await benchIngest({ jsonls: Array(CFG.runs).fill(jsonlMany), extractor: cached, freshStore: fresh });
    ingestOut[name] = { full, pooled, storeOnly, poolStartMs: pool.startMs, workers: pool.pool.size };
    json.ingest = ingestOut;
    const isSqlite = name === 'SQLite';
    // SQLite runs in this process, so its CPU time is the whole ingest on one core (as for extraction)
    const cpu = (f: typeof full) => (isSqlite ? ` (${fmt(f.docsPerCpuS)} docs/CPU-s)` : '');
    // the target is read on what `frontline ingest` does by default on this machine (see defaultWorkers)
    const byDefault = defaultWorkers() > 0 ? pooled : full;
    const target = (f: typeof full): [string?, boolean?] => (isSqlite && f === byDefault ? ['≥ 300 docs/s (wall)', f.docsPerS >= 300] : []);
    row('ingest', `ingest into ${name}, with extraction in this thread (${full.docs} reports)`, `${fmt(full.docsPerS)} docs/s, ${fmt(full.eventsPerS)} events/s${cpu(full)}`, ...target(full));
    row(
      'ingest',
      `ingest into ${name}, extraction in ${pool.pool.size} worker threads (${pooled.docs} reports; pool start ${fmt(pool.startMs)} ms)`,
      `${fmt(pooled.docsPerS)} docs/s, ${fmt(pooled.eventsPerS)} events/s`,
      ...target(pooled),
    );
    row('ingest', `ingest into ${name}, events extracted beforehand (${storeOnly.docs} reports)`, `${fmt(storeOnly.docsPerS)} docs/s, ${fmt(storeOnly.eventsPerS)} events/s${cpu(storeOnly)}`);
  }

  // ---- event sets --------------------------------------------------------------------------------
  // SQLite's are filled in this process while a child process (started before the extract section)
  // fills PostgreSQL's, both through the stores' bulkInsert. PostgreSQL's measurements of a size wait for
  // its set. Only a first run (nothing cached) overlaps the fills with measurements, and the table says so.
  const sizes = CFG.apiSizes;
  let sqliteFiles = new Map<number, string>();
  if (needEvents) {
    const stale = deleteStaleEventSets(SEED);
    if (stale.length) log(`deleted ${stale.length} cached event sets of another schema or generator: ${stale.join(', ')}`);
    log(`event sets ${sizes.join(', ')} (SQLite files in bench/out, schema key ${schemaKey('sqlite')}; PostgreSQL databases ${pgEventsDb(SEED, sizes[0]!)}…) (${elapsed()})`);
    const t = Date.now();
    try {
      const r = await ensureSqliteEvents(SEED, sizes, log);
      sqliteFiles = r.files;
      if (r.insertPerS) row('events', `bulk insert of synthetic events, SQLite (${r.inserted.toLocaleString('en')} generated now, up to ${sizes.at(-1)!.toLocaleString('en')})`, `${fmt(r.insertPerS)} events/s, ${fmt(r.ms / 1000, 0)} s`);
      json.sqliteFill = { insertPerS: r.insertPerS, ms: r.ms };
    } catch (err) {
      pgFill?.kill();
      throw err;
    }
    json.fillMs = Date.now() - t;
  }
  // ---- API latency -------------------------------------------------------------------------------
  const api: Record<string, Record<string, unknown>> = {};
  const memory: Record<string, unknown> = {};
  const growth: { store: string; n: number; c1p50: number; c1p95: number; c50p50: number; c50p95: number; rps50: number; startupMs: number; peakMb: number; dataMb: number }[] = [];
  async function dataMb(storeName: string, n: number, url?: string): Promise<number> {
    if (storeName === 'SQLite') return statSync(sqliteFiles.get(n)!).size / 2 ** 20;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b) / 2 ** 20;
    } finally {
      await c.end();
    }
  }
  async function apiRound(storeName: string, n: number, serve: Served, pgUrl?: string) {
    const rowsOut: Record<string, unknown>[] = [];
    for (const [name, q] of QUERIES) {
      const url = serve.url + q;
      await load(url, 1, 0.2); // warm-up (caches, JIT)
      const res: Record<string, { p50: number; p95: number; rps: number; errors: number }> = {};
      // 10^4 events: one client only (the growth table); 50 clients from 10^5 up
      for (const c of n >= 100_000 ? [1, 50] : [1]) {
        const runs = [];
        for (let i = 0; i < CFG.loadRuns; i++) runs.push(await load(url, c, CFG.loadS));
        res[`c${c}`] = {
          p50: median(runs.map((r) => r.p50)),
          p95: median(runs.map((r) => r.p95)),
          rps: median(runs.map((r) => r.rps)),
          errors: runs.reduce((a, r) => a + r.errors, 0),
        };
        if (res[`c${c}`]!.errors) notes.push(`${storeName} ${n}: ${name} at ${c} clients had ${res[`c${c}`]!.errors} failed requests`);
      }
      rowsOut.push({ name, url: q, ...res });
    }
    api[`${storeName} ${n}`] = { queries: rowsOut };
    const med = (k: 'c1' | 'c50', f: 'p50' | 'p95' | 'rps') => median(rowsOut.map((r) => (r[k] as Record<string, number> | undefined)?.[f] ?? NaN));
    const mem = serve.memory();
    growth.push({ store: storeName, n, c1p50: med('c1', 'p50'), c1p95: med('c1', 'p95'), c50p50: med('c50', 'p50'), c50p95: med('c50', 'p95'), rps50: med('c50', 'rps'), startupMs: serve.startupMs, peakMb: mem.peakMb, dataMb: await dataMb(storeName, n, pgUrl) });
    return rowsOut;
  }

  const doApi = ONLY.has('api');
  const doServe = ONLY.has('serve');
  const doStream = ONLY.has('stream');
  const targets: { store: string; n: number; rows: Record<string, unknown>[] }[] = [];
  const storesToRun: ('SQLite' | 'PostgreSQL')[] = ['SQLite', ...(pgs ? (['PostgreSQL'] as const) : [])];
  for (const storeName of storesToRun) {
    if (ONLY.has('ingest') && (storeName === 'SQLite' || pgs)) await ingestStore(storeName);
    for (const n of sizes) {
      if (!doApi && !(doServe && n === CFG.serveSize) && !(doStream && n === sizes[0])) continue;
      let serveOpts: { db?: string; pgUrl?: string };
      if (storeName === 'SQLite') serveOpts = { db: sqliteFiles.get(n)! };
      else {
        // each size is a database of the bench cluster, filled by the child process on a first run
        if (pgFill) {
          const w = Date.now();
          await pgFill.ready(n);
          if (Date.now() - w > 1000) log(`waited ${fmt((Date.now() - w) / 1000, 0)} s for PostgreSQL's set of ${n.toLocaleString('en')} events (${elapsed()})`);
        }
        const url = pgs!.urlOf(pgEventsDb(SEED, n));
        serveOpts = { pgUrl: url };
      }
      log(`serve ${storeName} with ${n.toLocaleString('en')} events (${elapsed()})`);
      const serve = await startServe(serveOpts);
      try {
        if (doApi) {
          const r = await apiRound(storeName, n, serve, serveOpts.pgUrl);
          targets.push({ store: storeName, n, rows: r });
        }
        if (doServe && n === CFG.serveSize) {
          const mem = serve.memory();
          memory[storeName] = { startupMs: serve.startupMs, ...mem };
        }
      } finally {
        await serve.stop();
      }
      if (doServe && n === CFG.serveSize) {
        const times = [memory[storeName] ? (memory[storeName] as { startupMs: number }).startupMs : NaN];
        for (let i = 1; i < CFG.startups; i++) {
          const s = await startServe(serveOpts);
          times.push(s.startupMs);
          await s.stop();
        }
        const m = memory[storeName] as { startupMs: number; peakMb: number; rssMb: number };
        m.startupMs = median(times);
        row('serve', `serve start-up with ${n.toLocaleString('en')} events, ${storeName} (spawn → listening, incl. gazetteer)`, `${fmt(m.startupMs / 1000, 2)} s`);
        row('serve', `serve peak RSS with ${n.toLocaleString('en')} events, ${storeName}${doApi ? ' (after the load runs)' : ''}`, `${fmt(m.peakMb, 0)} MB`);
      }
      // stream latency on the smallest set (a copy for SQLite, so the cache stays clean)
      if (doStream && n === sizes[0]) {
        let opts = serveOpts;
        if (storeName === 'SQLite') {
          const copy = path.join(TMP, 'stream.db');
          for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
          copyFileSync(serveOpts.db!, copy);
          opts = { db: copy };
        } else {
          // a copy of this size's database, so the cached set stays as generated
          const url = await pgs!.copy(pgEventsDb(SEED, n), 'bench_stream');
          opts = { pgUrl: url };
        }
        log(`stream latency, ${storeName} (${elapsed()})`);
        const s = await startServe(opts);
        try {
          const st = await streamLatency(s.url, corpus.slice(0, CFG.streamDocs));
          (json.stream ??= {} as Record<string, unknown>) && ((json.stream as Record<string, unknown>)[storeName] = st);
          row('stream', `POST /api/documents → event on /api/stream, ${storeName} (${st.samples} reports, ${n.toLocaleString('en')} events stored)`, `median ${fmt(st.p50)} ms, p95 ${fmt(st.p95)} ms`, '< 1 s', st.p50 < 1000);
          row('stream', `POST /api/documents response time, ${storeName}`, `median ${fmt(st.postP50)} ms`);
        } finally {
          await s.stop();
          if (storeName === 'PostgreSQL') await pgs!.drop('bench_stream');
        }
      }
    }
  }
  if (pgFill) {
    const steps = await pgFill.done;
    for (const st of steps) {
      row('events', `bulk insert of synthetic events, PostgreSQL (${st.from.toLocaleString('en')} → ${st.to.toLocaleString('en')}, generated now in another process, alongside this one's work)`, `${fmt(st.eventsPerS)} events/s; ${fmt(st.ms / 1000, 0)} s with the copy of the smaller set and ANALYZE`);
    }
    json.pgFill = steps;
    notes.push(`first run: PostgreSQL's event sets were filled by another process from ${fmt((pgFillStarted - started) / 1000, 0)} s to ${fmt((pgFillEnded - started) / 1000, 0)} s into the run; what was measured meanwhile shared the two cores with it`);
  }
  json.api = api;
  json.memory = memory;
  json.growth = growth;

  // API rows: per query at the largest size; growth rows (median of the five queries) per size
  for (const t of targets) {
    if (t.n !== sizes.at(-1) && t.n !== 100_000) continue;
    for (const r of t.rows) {
      const c1 = r.c1 as { p50: number; p95: number };
      const c50 = r.c50 as { p50: number; p95: number; rps: number };
      const big = t.n >= 1_000_000;
      row('api', `${t.store} ${t.n.toLocaleString('en')} events: ${r.name as string}`, `1 client ${fmt(c1.p50)} / ${fmt(c1.p95)} ms; 50 clients ${fmt(c50.p50)} / ${fmt(c50.p95)} ms (${fmt(c50.rps)} req/s)`, big ? '< 50 ms median' : undefined, big ? c1.p50 < 50 : undefined);
    }
  }
  for (const g of growth) {
    row('growth', `${g.store} ${g.n.toLocaleString('en')} events: median of the five queries; serve start-up, peak RSS; data size`, `1 client ${fmt(g.c1p50)} / ${fmt(g.c1p95)} ms; 50 clients ${fmt(g.c50p50)} / ${fmt(g.c50p95)} ms, ${fmt(g.rps50)} req/s; ${fmt(g.startupMs / 1000, 1)} s, ${fmt(g.peakMb, 0)} MB; ${fmt(g.dataMb, 0)} MB`);
  }
} finally {
  await (pool as { pool: ExtractorPool } | null)?.pool.close(); // (assigned in ingestStore)
  pgFill?.kill();
  stopPg();
  pgs = null;
}

// ---- the table -----------------------------------------------------------------------------------
const SECTIONS = ['extract', 'geo', 'ingest', 'events', 'stream', 'serve', 'api', 'growth'];
rows.sort((a, b) => SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section)); // stable: per section in order of measurement
const W1 = Math.max(...rows.map((r) => r.measure.length), 10);
const W2 = Math.max(...rows.map((r) => r.value.length), 10);
const lines: string[] = [];
lines.push(`Frontline bench — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${QUICK ? 'quick' : 'full'} run, seed ${SEED}, ${elapsed()}`);
lines.push(`machine: ${mach.cores} cores, ${mach.cpu}, ${mach.memGb} GB, Node ${mach.node}, load average at start ${mach.load}`);
lines.push(`figures: medians of ${CFG.extractRuns} runs (extract), ${CFG.runs} runs (ingest) or ${CFG.loadRuns} × ${CFG.loadS} s autocannon runs (API: median / p95 ms)`);
lines.push('');
lines.push(`${'section'.padEnd(8)} ${'measure'.padEnd(W1)}  ${'figure'.padEnd(W2)}  target`);
lines.push(`${'-'.repeat(8)} ${'-'.repeat(W1)}  ${'-'.repeat(W2)}  ${'-'.repeat(22)}`);
for (const r of rows) {
  const mark = r.met === undefined || r.met === null ? '' : r.met ? ' ✓ met' : ' ✗ NOT met';
  lines.push(`${r.section.padEnd(8)} ${r.measure.padEnd(W1)}  ${r.value.padEnd(W2)}  ${r.target ?? ''}${mark}`);
}
for (const n of notes) lines.push(`note: ${n}`);
const table = lines.join('\n');
console.log(table);
json.rows = rows;
json.notes = notes;
writeFileSync(path.join(OUT, 'last-run.json'), JSON.stringify(json, null, 2));
writeFileSync(path.join(OUT, 'last-run.txt'), table + '\n');

/** The growth table of bench/README.md: per size, both stores side by side. */
function growthMarkdown(): string {
  const g = (json.growth ?? []) as { store: string; n: number; c1p50: number; c1p95: number; c50p50: number; c50p95: number; startupMs: number; peakMb: number; dataMb: number }[];
  const sizesSeen = [...new Set(g.map((x) => x.n))].sort((a, b) => a - b);
  const stores = [...new Set(g.map((x) => x.store))];
  const head = ['events', ...stores.flatMap((s) => [`${s} 1 client median / p95`, `${s} 50 clients median / p95`, `${s} start-up, peak RSS, data`])];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const n of sizesSeen) {
    const cells = [`10^${Math.round(Math.log10(n))}` + (Math.log10(n) % 1 ? ` (${n.toLocaleString('en')})` : '')];
    for (const st of stores) {
      const x = g.find((y) => y.store === st && y.n === n);
      if (!x) cells.push('—', '—', '—');
      else cells.push(`${fmt(x.c1p50)} / ${fmt(x.c1p95)} ms`, Number.isFinite(x.c50p50) ? `${fmt(x.c50p50)} / ${fmt(x.c50p95)} ms` : '—', `${fmt(x.startupMs / 1000, 1)} s, ${fmt(x.peakMb, 0)} MB, ${fmt(x.dataMb, 0)} MB`);
    }
    out.push(`| ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

function replaceBetween(md: string, name: string, body: string): string | null {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const a = md.indexOf(start);
  const b = md.indexOf(end);
  if (a < 0 || b < a) return null;
  return `${md.slice(0, a + start.length)}\n${body}\n${md.slice(b)}`;
}

if (args.readme) {
  const file = path.join(REPO, 'bench', 'README.md');
  let md = readFileSync(file, 'utf8');
  const withTable = replaceBetween(md, 'table', `\`\`\`\n${table}\n\`\`\``);
  if (!withTable) log('README: no <!-- bench:table --> markers; not updated');
  else {
    md = withTable;
    if ((json.growth as unknown[] | undefined)?.length) md = replaceBetween(md, 'growth', growthMarkdown()) ?? md;
    writeFileSync(file, md);
    log('README: figures updated');
  }
}
