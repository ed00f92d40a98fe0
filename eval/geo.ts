/**
 * Geocoder-only measurement: resolves the `location` of every gold event with the context
 * {country, areaHints:[admin1]} and again with {country} only, and prints found %, within 10 km %,
 * admin1 equal % and the misses.
 *
 * Run: npx tsx eval/geo.ts [GOLD.jsonl]   (default ../shared/eval/dev/gold.jsonl)
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haversineKm, loadGeocoder, normalizeName, type GeoContext, type GeoResolution } from '../src/geo/index.js';

interface GoldEvent {
  country: string;
  admin1: string | null;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  geo_precision: number;
  doc: number;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const goldPath = resolve(process.argv[2] ?? resolve(root, '..', 'shared', 'eval', 'dev', 'gold.jsonl'));
const events: GoldEvent[] = [];
let docNo = 0;
for (const line of readFileSync(goldPath, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const doc = JSON.parse(line) as { events?: GoldEvent[] };
  docNo++;
  for (const e of doc.events ?? []) if (e.location) events.push({ ...e, doc: docNo });
}

const t0 = performance.now();
const geo = loadGeocoder();
const loadMs = performance.now() - t0;

const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
const fmt = (r: GeoResolution | null): string =>
  r ? `${r.location} (${r.latitude},${r.longitude}) p${r.geo_precision} ${r.admin1 ?? '-'}${r.geo_note ? ` [${r.geo_note}]` : ''}` : 'null';

function run(label: string, ctxOf: (e: GoldEvent) => GeoContext): void {
  let found = 0, withCoords = 0, foundWithCoords = 0, within = 0, adminEq = 0, adminExact = 0, points = 0, pointsWithin = 0, areas = 0;
  const misses: string[][] = [];
  for (const e of events) {
    const r = geo.resolve(e.location!, ctxOf(e));
    const hasCoords = e.latitude !== null && e.longitude !== null;
    if (hasCoords) withCoords++;
    let d: number | null = null;
    if (r) {
      found++;
      if (normalizeName(r.admin1 ?? '') === normalizeName(e.admin1 ?? '')) adminEq++;
      if ((r.admin1 ?? null) === (e.admin1 ?? null)) adminExact++;
      if (hasCoords && r.latitude !== null && r.longitude !== null) {
        foundWithCoords++;
        d = haversineKm({ lat: r.latitude, lon: r.longitude! }, { lat: e.latitude!, lon: e.longitude! });
        if (d <= 10) within++;
        if (r.geo_precision < 3) {
          points++;
          if (d <= 10) pointsWithin++;
        }
      }
      if (r.geo_precision === 3) areas++;
    }
    const bad = !r || (d !== null && d > 10) || normalizeName(r.admin1 ?? '') !== normalizeName(e.admin1 ?? '');
    if (bad) {
      misses.push([`${e.location} (${e.country}/${e.admin1})`, hasCoords ? `${e.latitude},${e.longitude} p${e.geo_precision}` : `- p${e.geo_precision}`,
        fmt(r), d === null ? '' : `${d.toFixed(1)} km`]);
    }
  }
  console.log(`\n## ${label}`);
  console.log(`events with a location: ${events.length}`);
  console.log(`found: ${found} (${pct(found, events.length)})`);
  console.log(`within 10 km: ${within} of ${foundWithCoords} found with gold coordinates (${pct(within, foundWithCoords)}); of all ${withCoords} with coordinates: ${pct(within, withCoords)}`);
  console.log(`within 10 km, point answers only (precision 1-2): ${pointsWithin} of ${points} (${pct(pointsWithin, points)}); area answers (precision 3): ${areas}`);
  console.log(`admin1 equal (normalised): ${adminEq} of ${found} found (${pct(adminEq, found)}); exact spelling: ${pct(adminExact, found)}`);
  console.log(`\nmisses (${misses.length}):`);
  console.log('| location (gold country/admin1) | gold | ours | distance |\n|---|---|---|---|');
  for (const m of misses) console.log(`| ${m.join(' | ')} |`);
}

console.log(`gold: ${goldPath}\ngazetteer: ${geo.size} places, loaded in ${loadMs.toFixed(0)} ms`);
run('context {country, areaHints:[admin1]}', (e) => ({ country: e.country, areaHints: e.admin1 ? [e.admin1] : [] }));
run('context {country} only', (e) => ({ country: e.country }));

// as the extractor would call it: the places already resolved in the same report (our own first-pass
// answers for the report's other events, never the gold coordinates) as ctx.nearby
function withNearby(base: (e: GoldEvent) => GeoContext): (e: GoldEvent) => GeoContext {
  const first = new Map<GoldEvent, GeoResolution | null>(events.map((e) => [e, geo.resolve(e.location!, base(e))]));
  return (e) => {
    const nearby = events
      .filter((o) => o.doc === e.doc && o !== e && o.location !== e.location)
      .map((o) => first.get(o))
      .filter((r): r is GeoResolution => !!r && r.geo_precision < 3 && r.latitude !== null)
      .map((r) => ({ lat: r.latitude!, lon: r.longitude! }));
    return { ...base(e), nearby };
  };
}
run('context {country, areaHints:[admin1], nearby: other places of the report}', withNearby((e) => ({ country: e.country, areaHints: e.admin1 ? [e.admin1] : [] })));
run('context {country, nearby} (no admin hint)', withNearby((e) => ({ country: e.country })));
