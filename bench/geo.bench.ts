/**
 * Geocoder bench: start-up time of the shipped gazetteer (in a fresh process, so nothing is cached),
 * and the cost of resolve() over many generated place mentions (village names with and without a
 * hint, spelling variants, "near X" / "the outskirts of X" / "southern <governorate>" phrases,
 * regions, world cities, and unknown words), plus isPrefix().
 *
 *   npx tsx bench/geo.bench.ts [--mentions 20000]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { loadGeocoder, type GeoContext } from '../src/geo/index.js';
import { int, pick, rng } from './lib/rng.js';
import { quantile } from './lib/stats.js';

export interface GeoBenchResult {
  loadMs: number;
  /** CPU time of the load (user + system), which machine load does not inflate the way it does wall time. */
  loadCpuMs: number;
  mentions: number;
  msPerResolve: number;
  cpuMsPerResolve: number;
  p99Ms: number;
  msPerIsPrefix: number;
  resolvedShare: number;
}

/** Spelling variants a reporter might write: a vowel dropped or doubled, an article added, e->i. */
function variant(r: () => number, name: string): string {
  switch (int(r, 0, 4)) {
    case 0: return name.replace(/[aeiou](?=[^aeiou]*$)/, '');
    case 1: return `al-${name}`;
    case 2: return name.replace(/e/g, 'i');
    case 3: return name.replace(/([aeiou])/, '$1$1');
    default: return name.toUpperCase();
  }
}

export function generateMentions(n: number, seed = 7): [string, GeoContext][] {
  const geo = loadGeocoder();
  const r = rng(seed);
  const places = geo.gazetteer.places;
  const syrian = places.filter((p) => p.iso2 === 'SY' && p.kind === 'populated');
  const world = places.filter((p) => p.iso2 !== 'SY' && p.kind === 'populated' && p.population > 20000);
  const regions = places.filter((p) => p.kind === 'region');
  const govs = ['Idlib', 'Aleppo', 'Hama', 'Homs', 'Latakia', 'Raqqa', 'Deir ez-Zor', 'Daraa'];
  const dirs = ['southern', 'northern', 'eastern', 'western', 'north-western', 'the southern countryside of'];
  const out: [string, GeoContext][] = [];
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.35) {
      const p = pick(r, syrian);
      out.push([p.name, { country: 'Syria', areaHints: r() < 0.7 ? [p.admin1!] : [] }]);
    } else if (k < 0.5) {
      const p = pick(r, syrian);
      out.push([variant(r, p.name), { country: 'Syria', areaHints: [p.admin1!] }]);
    } else if (k < 0.6) {
      const p = pick(r, syrian);
      out.push([`${pick(r, ['near', 'the outskirts of', 'around'])} ${p.name}`, { country: 'Syria' }]);
    } else if (k < 0.67) {
      out.push([`${pick(r, dirs)} ${pick(r, govs)}`, { country: 'Syria' }]);
    } else if (k < 0.72) {
      out.push([pick(r, regions).name, { country: 'Syria' }]);
    } else if (k < 0.92) {
      const p = pick(r, world);
      out.push([p.name, r() < 0.5 ? { country: p.country } : {}]);
    } else {
      out.push([`Qz${Math.floor(r() * 1e6).toString(36)}ville`, { country: 'Syria' }]);
    }
  }
  return out;
}

/** Start-up time in a fresh process (the in-process loader is cached). */
function coldLoad(): { wall: number; cpu: number } {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const code = `const m=await import(${JSON.stringify(pathToFileURL(`${here}../src/geo/index.ts`).href)});` +
    `const c=process.cpuUsage();const t=performance.now();m.loadGeocoder();const u=process.cpuUsage(c);` +
    `console.log(JSON.stringify({wall:performance.now()-t,cpu:(u.user+u.system)/1000}));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { wall: number; cpu: number };
}

export function runGeoBench(n = 20000): GeoBenchResult {
  const cold = coldLoad();
  const geo = loadGeocoder();
  const mentions = generateMentions(n);
  for (const [m, c] of mentions.slice(0, 500)) geo.resolve(m, c); // warm-up
  const times: number[] = [];
  let resolved = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const [m, c] of mentions) {
    const t = performance.now();
    if (geo.resolve(m, c)) resolved++;
    times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const t1 = performance.now();
  for (const [m] of mentions) geo.isPrefix(m.split(' ')[0]!);
  const prefixMs = (performance.now() - t1) / mentions.length;
  return { loadMs: cold.wall, loadCpuMs: cold.cpu, mentions: n, msPerResolve: total / n, cpuMsPerResolve: (cpu.user + cpu.system) / 1000 / n, p99Ms: quantile(times, 0.99), msPerIsPrefix: prefixMs, resolvedShare: resolved / n };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { mentions: { type: 'string', default: '20000' } } });
  const r = runGeoBench(Number(values.mentions));
  console.log(`geo: gazetteer start-up ${r.loadMs.toFixed(0)} ms wall, ${r.loadCpuMs.toFixed(0)} ms CPU (fresh process, module import excluded)`);
  console.log(`geo: resolve ${r.msPerResolve.toFixed(4)} ms per mention on average (${r.cpuMsPerResolve.toFixed(4)} ms CPU), p99 ${r.p99Ms.toFixed(3)} ms, over ${r.mentions} mentions (${(100 * r.resolvedShare).toFixed(1)}% resolved)`);
  console.log(`geo: isPrefix ${(r.msPerIsPrefix * 1000).toFixed(2)} µs per call`);
}
