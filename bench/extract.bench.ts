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
  'The area has seen repeated escalation in recent months, residents said, and many families have moved further north towards the border.',
  'Humanitarian groups called for an end to the violence and for safe access for aid convoys, saying that hospitals were overwhelmed.',
  'The monitor said it could not independently confirm the number of casualties, and the defence ministry did not respond to a request for comment.',
  'Schools in the district remained closed for a third day, and local councils asked people to stay away from open markets.',
  '"We heard the explosions all night and the children could not sleep," one resident told our correspondent by phone.',
  'Diplomats are due to meet next week to discuss the situation, although previous rounds of talks produced few results.',
  'Prices of bread and fuel have risen sharply since the start of the year, adding to the hardship of displaced families.',
  'Analysts say the escalation is linked to wider negotiations between regional powers over the future of the area.',
];

/** A ~3 KB report: a headline, a few event sentences among context, quotes and background, as real reports are. */
export function generatedReport(i: number): string {
  const pick = <T>(xs: T[], k: number) => xs[(i * 7 + k * 13) % xs.length]!;
  const parts: string[] = [`Escalation reported in northwest Syria (${i})`];
  for (let k = 0; parts.join('\n').length < 3000; k++) {
    if (k % 3 === 0) {
      parts.push(
        `${pick(ACTORS, k)} ${pick(VERBS, k)} the villages of ${pick(VILLAGES, k)}, ${pick(VILLAGES, k + 1)} and ${pick(VILLAGES, k + 2)} in the southern countryside of Idlib on Monday, killing ${(k % 4) + 1} civilians and wounding ${k % 3} others, according to local sources.`,
      );
    } else parts.push(pick(FILLER, k + i));
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
  const c1 = process.cpuUsage();
  for (let i = 0; i < n; i++) events += ex.extract({ id: `b${i}`, text: docs[i]!, published: '2024-07-23' }).length;
  const cpu = process.cpuUsage(c1);
  const s = (performance.now() - t1) / 1000;
  const cpuS = (cpu.user + cpu.system) / 1e6;
  // CPU time is the per-core figure on a shared machine; wall time is shown too
  console.log(
    `extract: ${n} docs, ${(bytes / n / 1024).toFixed(1)} KB average, ${events} events; ` +
      `${(n / cpuS).toFixed(0)} docs per CPU-second on one core (${((cpuS * 1000) / n).toFixed(2)} ms CPU/doc), ` +
      `${(n / s).toFixed(0)} docs/s wall; setup ${load.toFixed(0)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
