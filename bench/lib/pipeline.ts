/**
 * Extraction benchmarks on one core (this process, one thread): extract+geocode documents/s with the
 * real extractor and geocoder, a tokenise-only wink-nlp pass over the same documents as the floor, the
 * geocoder's load time (fresh child processes) and its cost per place mention (the extractor's own
 * geocoder calls, recorded and replayed).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { SourceDocument } from '../../src/model/index.js';
import type { GeoContext, Geocoder } from '../../src/geo/types.js';
import { createExtractor } from '../../src/extract/index.js';
import { median } from './stats.js';
import { REPO } from './paths.js';

export interface ExtractFigures {
  docs: number;
  avgBytes: number;
  eventsPerDoc: number;
  extractDocsPerS: number; // documents per CPU-second of this (single-threaded) process, median over runs
  extractWallDocsPerS: number; // documents per wall-clock second (lower on a shared machine)
  tokeniseDocsPerS: number;
  tokeniseWallDocsPerS: number;
  ratio: number; // extract / tokenise (CPU)
  runs: number;
}

/**
 * Docs/s of `fn` over all docs, `runs` times after one warm-up pass; medians. `cpu` counts the CPU time
 * of this process (user + system), which is what one core delivers when the machine is shared; `wall`
 * is elapsed time.
 */
function rate(docs: SourceDocument[], runs: number, fn: (d: SourceDocument) => void): { cpu: number; wall: number } {
  for (const d of docs.slice(0, Math.min(docs.length, 50))) fn(d);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    for (const d of docs) fn(d);
    const used = process.cpuUsage(c);
    wall.push((docs.length / (performance.now() - t)) * 1000);
    cpu.push(docs.length / ((used.user + used.system) / 1e6));
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export function benchExtract(geo: Geocoder, docs: SourceDocument[], runs: number): ExtractFigures {
  const extractor = createExtractor(geo);
  let events = 0;
  for (const d of docs) events += extractor.extract(d).length;
  const ex = rate(docs, runs, (d) => void extractor.extract(d));
  const nlp = winkNLP(model, []);
  const tok = rate(docs, runs, (d) => void nlp.readDoc(d.text).tokens().out());
  return {
    docs: docs.length,
    avgBytes: docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0) / docs.length,
    eventsPerDoc: events / docs.length,
    extractDocsPerS: ex.cpu,
    extractWallDocsPerS: ex.wall,
    tokeniseDocsPerS: tok.cpu,
    tokeniseWallDocsPerS: tok.wall,
    ratio: ex.cpu / tok.cpu,
    runs,
  };
}

export interface GeoFigures {
  loadMs: number; // median of fresh processes: loadGeocoder() only
  importMs: number; // importing src/geo (module load through tsx)
  places: number;
  mentions: number; // resolve() calls the extractor made over the corpus
  lookups: number; // candidates()/isPrefix() calls (the name scan)
  resolveMsPerMention: number; // replayed resolve() calls only
  geoMsPerMention: number; // all geocoder calls (scan + resolve) per resolved mention
}

export function benchGeoLoad(runs: number): { loadMs: number; importMs: number; places: number } {
  const res: { import_ms: number; load_ms: number; places: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench', 'lib', 'geo-load-child.ts')], { cwd: REPO, encoding: 'utf8', env: { ...process.env, FRONTLINE_HOME: path.join(REPO, 'bench', 'out', 'tmp', 'home') } });
    res.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  return { loadMs: median(res.map((r) => r.load_ms)), importMs: median(res.map((r) => r.import_ms)), places: res[0]!.places };
}

/** Record the geocoder calls the extractor makes over docs, then replay them `runs` times. */
export function benchGeoMentions(geo: Geocoder, docs: SourceDocument[], runs: number): Omit<GeoFigures, 'loadMs' | 'importMs' | 'places'> {
  const resolves: [string, GeoContext | undefined][] = [];
  const lookups: [0 | 1, string][] = [];
  const recorder: Geocoder = {
    candidates: (m) => (lookups.push([0, m]), geo.candidates(m)),
    isPrefix: (m) => (lookups.push([1, m]), geo.isPrefix(m)),
    resolve: (m, ctx) => (resolves.push([m, ctx ? structuredClone(ctx) : undefined]), geo.resolve(m, ctx)),
  };
  const ex = createExtractor(recorder);
  for (const d of docs) ex.extract(d);
  const n = Math.max(1, resolves.length);
  const resolveMs: number[] = [];
  const allMs: number[] = [];
  // CPU time of this process (single-threaded), as for extraction: wall time on a shared machine is inflated
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < runs + 1; i++) {
    const t0 = cpuMs();
    for (const [m, ctx] of resolves) geo.resolve(m, ctx);
    const t1 = cpuMs();
    for (const [k, m] of lookups) if (k === 0) geo.candidates(m);
    else geo.isPrefix(m);
    const t2 = cpuMs();
    if (i === 0) continue; // warm-up
    resolveMs.push((t1 - t0) / n);
    allMs.push((t2 - t0) / n);
  }
  return { mentions: resolves.length, lookups: lookups.length, resolveMsPerMention: median(resolveMs), geoMsPerMention: median(allMs) };
}
