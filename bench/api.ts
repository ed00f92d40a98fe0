/**
 * API latency bench: GET /api/events (and /api/stats, /api/export) over a store of N synthetic events
 * (default 1,000,000), through real HTTP on 127.0.0.1 with keep-alive. Prints the median and p95 per
 * typical query, as JSON lines and a table.
 *
 *   npx tsx bench/api.ts [--events 1000000] [--runs 25] [--db FILE] [--fresh]
 *
 * The generated SQLite file is kept (default: $TMPDIR/frontline-bench-<N>.db) and reused by later runs,
 * since filling it takes a few minutes. Set FRONTLINE_DATABASE_URL to bench PostgreSQL instead (the
 * database is filled once if it holds fewer than N events). Events are synthetic: spread over 2015-2024,
 * 40 places in 8 countries with jitter, every event type, a dozen actors, skewed fatalities.
 */
import { existsSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { EVENT_TYPES, SUB_EVENT_TYPES, type CodedEvent, type EventType, type SubEventType } from '../src/model/index.js';
import { openStore } from '../src/store/index.js';
import { CoreStore } from '../src/store/core.js';
import { SqliteDb } from '../src/store/sqlite.js';
import type { Store } from '../src/store/types.js';
import { buildServer } from '../src/server/index.js';

// Deterministic PRNG (mulberry32) so every run generates the same data set.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES: [country: string, iso: number, admin1: string, location: string, lat: number, lon: number][] = [
  ['Syria', 760, 'Idlib', 'Sarmin', 35.904, 36.726], ['Syria', 760, 'Idlib', 'Ariha', 35.813, 36.609],
  ['Syria', 760, 'Idlib', 'Saraqib', 35.864, 36.806], ['Syria', 760, 'Aleppo', 'Atarib', 36.139, 36.83],
  ['Syria', 760, 'Aleppo', 'Afrin', 36.512, 36.869], ['Syria', 760, 'Hama', 'Kafr Nabudah', 35.43, 36.53],
  ['Syria', 760, 'Deir ez-Zor', 'Al Mayadin', 35.02, 40.45], ['Syria', 760, 'Al-Hasakah', 'Qamishli', 37.05, 41.22],
  ['Ukraine', 804, 'Donetsk', 'Bakhmut', 48.595, 38.0], ['Ukraine', 804, 'Donetsk', 'Avdiivka', 48.139, 37.743],
  ['Ukraine', 804, 'Kharkiv', 'Kupiansk', 49.71, 37.615], ['Ukraine', 804, 'Zaporizhia', 'Orikhiv', 47.567, 35.784],
  ['Ukraine', 804, 'Kherson', 'Kherson', 46.636, 32.617], ['Sudan', 729, 'Khartoum', 'Omdurman', 15.645, 32.478],
  ['Sudan', 729, 'North Darfur', 'El Fasher', 13.63, 25.35], ['Sudan', 729, 'West Darfur', 'Geneina', 13.45, 22.44],
  ['Sudan', 729, 'Al Jazirah', 'Wad Madani', 14.4, 33.52], ['Yemen', 887, "Ta'izz", "Ta'izz", 13.58, 44.02],
  ['Yemen', 887, 'Marib', 'Marib', 15.46, 45.32], ['Yemen', 887, 'Al Hudaydah', 'Al Hudaydah', 14.8, 42.95],
  ['Myanmar', 104, 'Sagaing', 'Monywa', 22.11, 95.13], ['Myanmar', 104, 'Shan-North', 'Lashio', 22.93, 97.75],
  ['Myanmar', 104, 'Rakhine', 'Sittwe', 20.15, 92.9], ['Myanmar', 104, 'Kachin', 'Myitkyina', 25.38, 97.4],
  ['Democratic Republic of Congo', 180, 'Nord-Kivu', 'Goma', -1.68, 29.22],
  ['Democratic Republic of Congo', 180, 'Nord-Kivu', 'Beni', 0.49, 29.47],
  ['Democratic Republic of Congo', 180, 'Ituri', 'Bunia', 1.56, 30.25], ['Mali', 466, 'Mopti', 'Mopti', 14.49, -4.19],
  ['Mali', 466, 'Gao', 'Gao', 16.27, -0.04], ['Mali', 466, 'Timbuktu', 'Timbuktu', 16.77, -3.0],
  ['Somalia', 706, 'Banadir', 'Mogadishu', 2.04, 45.34], ['Somalia', 706, 'Lower Shabelle', 'Afgooye', 2.14, 45.12],
  ['Somalia', 706, 'Bay', 'Baidoa', 3.11, 43.65], ['Syria', 760, 'Daraa', 'Daraa', 32.62, 36.1],
  ['Syria', 760, 'Homs', 'Palmyra', 34.55, 38.27], ['Ukraine', 804, 'Sumy', 'Sumy', 50.91, 34.8],
  ['Sudan', 729, 'South Kordofan', 'Kadugli', 11.01, 29.72], ['Yemen', 887, 'Sanaa', 'Sanaa', 15.35, 44.2],
  ['Myanmar', 104, 'Magway', 'Pakokku', 21.33, 95.08], ['Mali', 466, 'Segou', 'Segou', 13.43, -6.26],
];
const ACTORS = [
  'Military Forces of Syria (2024-)', 'Hayat Tahrir al-Sham', 'Military Forces of Turkey (2016-)', 'Islamic State (Syria)',
  'Military Forces of Russia (2000-)', 'Military Forces of Ukraine (2019-)', 'Rapid Support Forces', 'Military Forces of Sudan (2019-)',
  'Houthi Movement', 'Military Forces of Myanmar (2021-)', 'M23: March 23 Movement', 'JNIM: Group for Support of Islam and Muslims',
  'Al Shabaab', 'Civilians (Syria)', 'Protesters (Sudan)',
];
const WORDS = ['shelling', 'clashes', 'drone', 'airstrike', 'convoy', 'checkpoint', 'village', 'market', 'outpost', 'ambush', 'mortar', 'raid'];

export function syntheticEvent(i: number, r: () => number): CodedEvent {
  const [country, iso, admin1, location, lat, lon] = PLACES[Math.floor(r() * PLACES.length)]!;
  const eventType = EVENT_TYPES[Math.floor(r() * r() * EVENT_TYPES.length)] as EventType; // skewed to violence
  const subs = Object.keys(SUB_EVENT_TYPES[eventType]) as SubEventType[];
  const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(r() * 3652) * 86_400_000).toISOString().slice(0, 10);
  const a1 = ACTORS[Math.floor(r() * ACTORS.length)]!;
  const a2 = r() < 0.7 ? ACTORS[Math.floor(r() * ACTORS.length)]! : null;
  const fatalities = r() < 0.6 ? 0 : Math.floor(1 / Math.max(r(), 0.01));
  const w1 = WORDS[Math.floor(r() * WORDS.length)]!;
  const w2 = WORDS[Math.floor(r() * WORDS.length)]!;
  return {
    event_id_cnty: `BENCH${i}`, event_date: day, time_precision: 1,
    disorder_type: eventType === 'Protests' || eventType === 'Riots' ? 'Demonstrations' : eventType === 'Strategic developments' ? 'Strategic developments' : 'Political violence',
    event_type: eventType, sub_event_type: subs[Math.floor(r() * subs.length)]!,
    actor1: a1, assoc_actor_1: null, inter1: 1, actor2: a2, assoc_actor_2: null, inter2: a2 ? 2 : 0, interaction: a2 ? 12 : 10,
    civilian_targeting: eventType === 'Violence against civilians' ? 'Civilian targeting' : null,
    iso, country, admin1, admin2: null, admin3: null, location,
    latitude: Math.round((lat + (r() - 0.5) * 0.3) * 1e4) / 1e4, longitude: Math.round((lon + (r() - 0.5) * 0.3) * 1e4) / 1e4,
    geo_precision: 1, geo_note: null, source: `Bench Wire ${i % 50}`,
    notes: `On ${day}, ${w1} and ${w2} near ${location} (${admin1}) involving ${a1}${a2 ? ` and ${a2}` : ''}.`,
    fatalities, fatalities_approximate: false, injuries: Math.floor(r() * 3), weapons: [], targets: [], confidence: 0.7,
    document_id: `bench-doc-${Math.floor(i / 3)}`, evidence: [],
  };
}

async function count(store: Store): Promise<number> {
  return (await store.stats({})).total;
}

/** Fill the store up to n synthetic events (resumable: continues from what is there). */
export async function fill(store: Store, n: number, log = (s: string) => console.error(s)): Promise<void> {
  let have = await count(store);
  if (have >= n) return;
  const t0 = Date.now();
  const r = rng(have + 1);
  const BATCH = 10_000;
  while (have < n) {
    const batch: CodedEvent[] = [];
    for (let i = have; i < Math.min(n, have + BATCH); i++) batch.push(syntheticEvent(i, r));
    await store.bulkInsert(batch);
    have += batch.length;
    const rate = Math.round((have / Math.max(1, Date.now() - t0)) * 1000);
    log(`bench/api: ${have.toLocaleString('en')} / ${n.toLocaleString('en')} events (${rate}/s)`);
  }
}

function getJson(agent: http.Agent, port: number, url: string): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: buf.length, body: buf.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export interface ApiBenchResult {
  name: string;
  url: string;
  median_ms: number;
  p95_ms: number;
  results: number;
  bytes: number;
}

export async function runApiBench(opts: { events?: number; runs?: number; db?: string; fresh?: boolean } = {}) {
  const n = opts.events ?? 1_000_000;
  const runs = opts.runs ?? 25;
  const pg = process.env.FRONTLINE_DATABASE_URL;
  const file = opts.db ?? path.join(tmpdir(), `frontline-bench-${n}.db`);
  if (!pg && opts.fresh) for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) rmSync(f);
  const store = pg ? await openStore({ url: pg }) : new CoreStore(new SqliteDb(file));
  await fill(store, n);
  const total = await count(store);
  const app = await buildServer({ store, extractor: { extract: () => [] }, webRoot: '/nonexistent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  const first = JSON.parse((await getJson(agent, port, '/api/events?country=Syria&limit=100')).body) as { next_cursor: string };
  const queries: [string, string][] = [
    ['latest 100 (no filter)', '/api/events?limit=100'],
    ['country + date range', '/api/events?country=Syria&from=2024-01-01&to=2024-06-30&limit=100'],
    ['admin1 + event type', '/api/events?admin1=Idlib&event_type=Explosions%2FRemote%20violence&limit=100'],
    ['bbox (NW Syria)', '/api/events?bbox=36.0,35.5,37.2,36.7&from=2023-01-01&limit=100'],
    ['near 25 km', '/api/events?near=35.904,36.726&km=25&limit=100'],
    ['actor', '/api/events?actor=tahrir&from=2024-01-01&limit=100'],
    ['full text q', '/api/events?q=ambush%20mortar&country=Ukraine&limit=100'],
    ['min fatalities, sorted', '/api/events?min_fatalities=20&sort=fatalities_desc&limit=100'],
    ['page 2 via cursor', `/api/events?country=Syria&limit=100&cursor=${encodeURIComponent(first.next_cursor)}`],
    ['stats: country + year', '/api/stats?country=Syria&from=2024-01-01&to=2024-12-31'],
    ['export CSV: admin1 + month', '/api/export?format=csv&admin1=Idlib&from=2024-06-01&to=2024-06-30'],
  ];
  const out: ApiBenchResult[] = [];
  for (const [name, url] of queries) {
    const times: number[] = [];
    let last = { status: 0, bytes: 0, body: '' };
    for (let i = 0; i < runs + 3; i++) {
      const t = process.hrtime.bigint();
      last = await getJson(agent, port, url);
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (last.status !== 200) throw new Error(`${url}: HTTP ${last.status} ${last.body.slice(0, 200)}`);
      if (i >= 3) times.push(ms);
    }
    let results = 0;
    if (url.startsWith('/api/events')) results = (JSON.parse(last.body) as { events: unknown[] }).events.length;
    else if (url.startsWith('/api/stats')) results = (JSON.parse(last.body) as { total: number }).total;
    else results = last.body.trim().split('\n').length - 1;
    const r = { name, url, median_ms: +quantile(times, 0.5).toFixed(2), p95_ms: +quantile(times, 0.95).toFixed(2), results, bytes: last.bytes };
    out.push(r);
    console.log(JSON.stringify({ bench: 'api', store: store.kind, events: total, ...r }));
  }
  agent.destroy();
  await app.close();
  await store.close();
  return { store: store.kind, events: total, runs, results: out };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { events: { type: 'string' }, runs: { type: 'string' }, db: { type: 'string' }, fresh: { type: 'boolean' } },
  });
  const res = await runApiBench({
    events: values.events ? Number(values.events) : undefined,
    runs: values.runs ? Number(values.runs) : undefined,
    db: values.db,
    fresh: values.fresh,
  });
  console.error(`\nAPI latency over ${res.events.toLocaleString('en')} events (${res.store}, ${res.runs} runs each, real HTTP):`);
  for (const r of res.results) {
    console.error(`  ${r.name.padEnd(30)} median ${String(r.median_ms).padStart(8)} ms   p95 ${String(r.p95_ms).padStart(8)} ms   ${r.results} results`);
  }
}
