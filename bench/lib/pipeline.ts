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
 * Docs/s of `fn`: one pass over `warm`, then one timed pass over each run's documents (none seen before:
 * the extractor keeps caches across documents, and a document seen again is cheaper than a new one);
 * medians. `cpu` counts the CPU time of this process (user + system), which is what one core delivers
 * when the machine is shared; `wall` is elapsed time.
 */
function rate(warm: SourceDocument[], runs: SourceDocument[][], fn: (d: SourceDocument) => void): { cpu: number; wall: number } {
  for (const d of warm) fn(d);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (const docs of runs) {
    const t = performance.now();
    const c = process.cpuUsage();
    for (const d of docs) fn(d);
    const used = process.cpuUsage(c);
    wall.push((docs.length / (performance.now() - t)) * 1000);
    cpu.push(docs.length / ((used.user + used.system) / 1e6));
  }
  return { cpu: median(cpu), wall: median(wall) };
}

/** Extraction over `runs` (each a set of reports not seen before) after a warm-up over `warm`. */
export function benchExtract(geo: Geocoder, warm: SourceDocument[], runs: SourceDocument[][]): ExtractFigures {
  const extractor = createExtractor(geo);
  let events = 0;
  const ex = rate(warm, runs, (d) => void (events += extractor.extract(d).length));
  const nlp = winkNLP(model, []);
  const tok = rate(warm, runs, (d) => void nlp.readDoc(d.text).tokens().out());
  const docs = runs.flat();
  return {
    docs: runs[0]!.length,
    avgBytes: docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0) / docs.length,
    eventsPerDoc: events / (docs.length + warm.length),
    extractDocsPerS: ex.cpu,
    extractWallDocsPerS: ex.wall,
    tokeniseDocsPerS: tok.cpu,
    tokeniseWallDocsPerS: tok.wall,
    ratio: ex.cpu / tok.cpu,
    runs: runs.length,
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

/**
 * The geocoder's cost inside extraction: a fresh extractor runs over `warm`, then over each run's reports
 * (none seen before), with every geocoder call timed where it is made (resolve, and the name scan's
 * candidates/isPrefix); medians over the runs of the time per resolved mention.
 */
export function benchGeoMentions(geo: Geocoder, warm: SourceDocument[], runs: SourceDocument[][]): Omit<GeoFigures, 'loadMs' | 'importMs' | 'places'> {
  let resolves = 0;
  let lookups = 0;
  let resolveMs = 0;
  let lookupMs = 0;
  const clock = <T>(call: () => T, add: (ms: number) => void): T => {
    const t = performance.now();
    const r = call();
    add(performance.now() - t);
    return r;
  };
  const scan = (ms: number) => ((lookupMs += ms), lookups++);
  const timed: Geocoder = {
    candidates: (m) => clock(() => geo.candidates(m), scan),
    isPrefix: (m) => clock(() => geo.isPrefix(m), scan),
    resolve: (m, ctx) => clock(() => geo.resolve(m, ctx), (ms) => ((resolveMs += ms), resolves++)),
  };
  const ex = createExtractor(timed);
  for (const d of warm) ex.extract(d);
  const perResolve: number[] = [];
  const perMention: number[] = [];
  let mentions = 0;
  let scans = 0;
  for (const docs of runs) {
    resolves = lookups = resolveMs = lookupMs = 0;
    for (const d of docs) ex.extract(d);
    const n = Math.max(1, resolves);
    perResolve.push(resolveMs / n);
    perMention.push((resolveMs + lookupMs) / n);
    mentions += resolves;
    scans += lookups;
  }
  return { mentions: Math.round(mentions / runs.length), lookups: Math.round(scans / runs.length), resolveMsPerMention: median(perResolve), geoMsPerMention: median(perMention) };
}
