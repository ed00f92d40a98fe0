/**
 * Golden fixtures for the extractor: test/fixtures/extract/NAME.txt (reports written in our own words)
 * and NAME.expected.json ({ published, events: [projected fields] }).
 *
 * After a reviewed change to the extractor, regenerate one fixture's expected output with
 *   npx tsx test/extract/golden.ts NAME [--published YYYY-MM-DD]
 * then read the diff (git diff test/fixtures/extract/) before committing it.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadGeocoder } from '../../src/geo/index.js';
import { createExtractor } from '../../src/extract/index.js';
import type { CodedEvent } from '../../src/model/index.js';
import { normPlace } from '../../src/eval/score.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/extract/', import.meta.url));

export const PROJECTED = [
  'event_date', 'time_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'location', 'admin1',
  'geo_precision', 'fatalities', 'injuries', 'weapons',
] as const;

export type Projected = Pick<CodedEvent, (typeof PROJECTED)[number]>;

/** Projected fields; the location is folded (case, diacritics, punctuation) so gazetteer spelling updates do not break fixtures. */
export function project(e: CodedEvent): Projected {
  const p = Object.fromEntries(PROJECTED.map((k) => [k, e[k]])) as Projected;
  p.location = normPlace(e.location);
  return p;
}

export interface Golden {
  name: string;
  text: string;
  published: string | null;
  expected: Projected[];
}

export function listGoldens(): Golden[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -4);
      const expFile = path.join(FIXTURE_DIR, `${name}.expected.json`);
      const exp = existsSync(expFile) ? (JSON.parse(readFileSync(expFile, 'utf8')) as { published: string | null; events: Projected[] }) : { published: null, events: [] };
      return { name, text: readFileSync(path.join(FIXTURE_DIR, f), 'utf8'), published: exp.published, expected: exp.events };
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: npx tsx test/extract/golden.ts NAME [--published YYYY-MM-DD]');
    process.exit(2);
  }
  const txt = path.join(FIXTURE_DIR, `${name}.txt`);
  const expFile = path.join(FIXTURE_DIR, `${name}.expected.json`);
  const pi = process.argv.indexOf('--published');
  const old = existsSync(expFile) ? (JSON.parse(readFileSync(expFile, 'utf8')) as { published: string | null }) : { published: null };
  const published = pi > 0 ? (process.argv[pi + 1] ?? null) : old.published;
  const ex = createExtractor(loadGeocoder());
  const events = ex.extract({ id: name, text: readFileSync(txt, 'utf8'), published }).map(project);
  writeFileSync(expFile, `${JSON.stringify({ published, events }, null, 1)}\n`);
  console.log(`wrote ${expFile} (${events.length} events)`);
}
