/**
 * eval: owns scoring the extractor against gold files (`npm run eval`, `frontline eval [GOLD.jsonl]`).
 * Reads a gold JSONL file and the corpus beside it, runs the extractor with the shipped geocoder,
 * prints detection P/R/F1, per-field accuracy, misses and false alarms, and the seed article's score.
 * Must not touch the store or the network; the scoring itself is pure (./score.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGeocoder } from '../geo/index.js';
import { createExtractor } from '../extract/index.js';
import { canonicalActorName, loadLexicon } from '../extract/lexicon.js';
import type { CodedEvent } from '../model/index.js';
import { aggregate, matchDocument, normName, type ActorEquality, type DocumentMatch, type ScoredEvent, type Scores } from './score.js';

export * from './score.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_GOLD = path.resolve(REPO_ROOT, '../shared/eval/dev/gold.jsonl');
export const SEED_TEXT = path.resolve(REPO_ROOT, '../shared/mission/seed-article.txt');
export const SEED_EXPECTED = path.resolve(REPO_ROOT, '../shared/mission/seed-article.expected.json');

interface GoldLine {
  id: string;
  published?: string | null;
  events: ScoredEvent[];
}
interface CorpusLine {
  id: string;
  text: string;
  published?: string | null;
  outlet?: string | null;
  url?: string | null;
  title?: string | null;
}

/** Actor names agree when equal after normalisation or when both name the same canonical actor. */
export function dictionaryActorEquality(): ActorEquality {
  const lex = loadLexicon();
  return (a, b, country) => {
    const na = a ? normName(a) : null;
    const nb = b ? normName(b) : null;
    if (na === nb) return true;
    if (!a || !b) return false;
    const c = country ?? '';
    const ca = canonicalActorName(lex, a, c) ?? a;
    const cb = canonicalActorName(lex, b, c) ?? b;
    return normName(ca) === normName(cb);
  };
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`.padStart(6);
}

function brief(e: ScoredEvent): string {
  return `${e.event_date ?? '----------'} ${e.sub_event_type.padEnd(33).slice(0, 33)} ${String(e.actor1 ?? '-').slice(0, 30).padEnd(30)} → ${String(e.actor2 ?? '-').slice(0, 26).padEnd(26)} @ ${e.location} (${e.admin1 ?? '-'}) f${e.fatalities}`;
}

export function formatScores(title: string, s: Scores): string {
  const lines = [
    `${title}: ${s.documents} documents, ${s.predicted} predicted, ${s.gold} gold (required)`,
    `  detection  P ${pct(s.precision)}  R ${pct(s.recall)}  F1 ${pct(s.f1)}`,
    `  over ${s.pairedPredictions} matched pairs:`,
  ];
  const names: [keyof Scores['fields'], string][] = [
    ['event_type', 'event type'], ['sub_event_type', 'sub-event type'], ['actor1', 'actor1'], ['actor2', 'actor2'],
    ['fatalities', 'fatalities exact'], ['within_10km', 'within 10 km'], ['admin1', 'admin1'], ['date', 'date exact'],
  ];
  for (const [k, label] of names) {
    const f = s.fields[k];
    lines.push(`    ${label.padEnd(17)} ${f.total ? pct(f.right / f.total) : '   n/a'}  (${f.right}/${f.total})`);
  }
  return lines.join('\n');
}

export interface EvalResult {
  scores: Scores;
  seed: Scores | null;
  matches: { id: string; match: DocumentMatch }[];
}

/** Run the extractor over a gold file and its corpus; returns scores (no printing). */
export function runEval(goldFile: string, corpusFile?: string): EvalResult {
  const gold = readJsonl<GoldLine>(goldFile);
  const corpusPath = corpusFile ?? path.join(path.dirname(goldFile), 'corpus.jsonl');
  if (!existsSync(corpusPath)) throw new Error(`corpus not found beside the gold file: ${corpusPath}`);
  const corpus = new Map(readJsonl<CorpusLine>(corpusPath).map((d) => [d.id, d]));
  const extractor = createExtractor(loadGeocoder());
  const actorEq = dictionaryActorEquality();
  const matches: { id: string; match: DocumentMatch }[] = [];
  for (const g of gold) {
    const doc = corpus.get(g.id);
    if (!doc) throw new Error(`gold document ${g.id} is not in ${corpusPath}`);
    const preds = extractor.extract({
      id: doc.id,
      text: doc.text,
      published: doc.published || null,
      source: doc.outlet ?? null,
      url: doc.url ?? null,
      title: doc.title ?? null,
    });
    matches.push({ id: g.id, match: matchDocument<ScoredEvent, ScoredEvent>(preds as ScoredEvent[], g.events) });
  }
  const scores = aggregate(matches.map((m) => m.match), actorEq);
  let seed: Scores | null = null;
  if (existsSync(SEED_TEXT) && existsSync(SEED_EXPECTED)) seed = scoreSeed(extractor.extract.bind(extractor), actorEq).scores;
  return { scores, seed, matches };
}

/** The seed article against its expected coding (optional events neither missed nor false alarms). */
export function scoreSeed(
  extract: (doc: { id: string; text: string; published: string }) => CodedEvent[],
  actorEq: ActorEquality = dictionaryActorEquality(),
): { scores: Scores; match: DocumentMatch } {
  const expected = JSON.parse(readFileSync(SEED_EXPECTED, 'utf8')) as {
    document: { published: string };
    events: ScoredEvent[];
    optional_events?: ScoredEvent[];
  };
  const gold = [
    ...expected.events.map((e) => ({ ...e, optional: false })),
    ...(expected.optional_events ?? []).map((e) => ({ ...e, optional: true, fatalities: e.fatalities ?? 0, actor2: e.actor2 ?? null })),
  ];
  const preds = extract({ id: 'seed-article', text: readFileSync(SEED_TEXT, 'utf8'), published: expected.document.published });
  const match = matchDocument<ScoredEvent, ScoredEvent>(preds as ScoredEvent[], gold);
  return { scores: aggregate([match], actorEq), match };
}

export async function evalCommand(argv: string[]): Promise<number> {
  const args = argv.filter((a) => !a.startsWith('--'));
  const goldFile = path.resolve(args[0] ?? DEFAULT_GOLD);
  const corpusIdx = argv.indexOf('--corpus');
  const corpusFile = corpusIdx >= 0 ? argv[corpusIdx + 1] : undefined;
  if (!existsSync(goldFile)) {
    console.error(`frontline eval: gold file not found: ${goldFile}`);
    return 2;
  }
  let result: EvalResult;
  try {
    result = runEval(goldFile, corpusFile ? path.resolve(corpusFile) : undefined);
  } catch (e) {
    console.error(`frontline eval: ${(e as Error).message}`);
    return 1;
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ scores: result.scores, seed: result.seed }, null, 1));
    return 0;
  }
  const quiet = argv.includes('--quiet');
  if (!quiet) {
    console.log('Misses (gold events not found):');
    for (const { id, match } of result.matches) for (const g of match.misses) console.log(`  ${id}  ${brief(g)}`);
    console.log('False alarms (predicted events with no gold event):');
    for (const { id, match } of result.matches) for (const p of match.falseAlarms) console.log(`  ${id}  ${brief(p)}`);
    if (argv.includes('--pairs')) {
      console.log('Pairs (pred ⇄ gold):');
      for (const { id, match } of result.matches)
        for (const p of match.pairs) console.log(`  ${id}  ${brief(p.pred)}\n  ${' '.repeat(id.length)}  ${brief(p.gold)}`);
    }
    console.log('');
  }
  console.log(formatScores(`Gold ${path.relative(process.cwd(), goldFile) || goldFile}`, result.scores));
  if (result.seed) console.log(formatScores('Seed article', result.seed));
  return 0;
}
