/**
 * Extractor throughput on generated ~3 KB reports (through extract + geo; the model and gazetteer are
 * loaded once, before timing).   npx tsx bench/extract.bench.ts [--docs 2000]
 */
import { parseArgs } from 'node:util';
import { loadGeocoder } from '../src/geo/index.js';
import { createExtractor } from '../src/extract/index.js';

const VILLAGES = ['Kansafra', 'al-Bara', 'Fleifel', 'Sarmin', 'Nayrab', 'Harbal', 'Ariha', 'Saraqib', 'Kafr Nabl', 'Maarat al-Numan', 'Jisr al-Shughur', 'Tal Tamir', 'Ain Issa', 'Manbij', 'Afrin'];
const ACTORS = ['Government forces', 'Turkish forces', 'Russian warplanes', 'Hayat Tahrir al-Sham fighters', 'the Syrian army', 'Unidentified gunmen', 'SDF fighters'];
const VERBS = ['shelled', 'carried out airstrikes on', 'attacked', 'targeted', 'pounded with artillery'];
const FILLER = [
  'The area has seen repeated escalation in recent months, residents said.',
  'Humanitarian groups called for an end to the violence and for access for aid convoys.',
  'The observatory said it could not independently confirm the number of casualties.',
  'Schools in the district remained closed and many families moved further north.',
];

export function generatedReport(i: number): string {
  const pick = <T>(xs: T[], k: number) => xs[(i * 7 + k * 13) % xs.length]!;
  const parts: string[] = [`Escalation reported in northwest Syria (${i})`];
  for (let k = 0; parts.join('\n').length < 3000; k++) {
    parts.push(
      `${pick(ACTORS, k)} ${pick(VERBS, k)} the villages of ${pick(VILLAGES, k)}, ${pick(VILLAGES, k + 1)} and ${pick(VILLAGES, k + 2)} in the southern countryside of Idlib on Monday, killing ${(k % 4) + 1} civilians and wounding ${k % 3} others, according to local sources.`,
      pick(FILLER, k),
    );
  }
  return parts.join('\n\n');
}

async function main() {
  const { values } = parseArgs({ options: { docs: { type: 'string', default: '2000' } } });
  const n = Number(values.docs);
  const t0 = performance.now();
  const ex = createExtractor(loadGeocoder());
  ex.extract({ id: 'warm', text: generatedReport(0), published: '2024-07-23' });
  const load = performance.now() - t0;
  const docs = Array.from({ length: n }, (_, i) => generatedReport(i));
  const bytes = docs.reduce((a, d) => a + Buffer.byteLength(d), 0);
  let events = 0;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) events += ex.extract({ id: `b${i}`, text: docs[i]!, published: '2024-07-23' }).length;
  const s = (performance.now() - t1) / 1000;
  console.log(`extract: ${n} docs, ${(bytes / n / 1024).toFixed(1)} KB average, ${events} events, ${(n / s).toFixed(0)} docs/s on one core (${((s * 1000) / n).toFixed(2)} ms/doc); setup ${load.toFixed(0)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
