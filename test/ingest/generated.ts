/**
 * Generated wire reports (our own wording) and a small deterministic extractor for them, used by the
 * ingest tests that need thousands of documents (kill -9 recovery). Several outlets report the same
 * strike with different tolls, so merging is exercised. Not a model of real extraction.
 */
import type { Extractor } from '../../src/extract/types.js';
import type { CodedEvent, SourceDocument } from '../../src/model/index.js';

const TOWNS = [
  ['Sarmin', 'Idlib', 35.9037, 36.7239], ['Nayrab', 'Idlib', 35.8691, 36.7183], ['Binnish', 'Idlib', 35.95, 36.71],
  ['Harbal', 'Aleppo', 36.4307, 37.1669], ['Kharbashah', 'Aleppo', 36.3327, 37.4061], ['Saraqib', 'Idlib', 35.8644, 36.8006],
  ['Ariha', 'Idlib', 35.8128, 36.6093], ['Atarib', 'Aleppo', 36.1364, 36.83], ['Darat Izza', 'Aleppo', 36.2847, 36.8514],
  ['Kafr Nabl', 'Idlib', 35.6133, 36.5606], ['Maarrat Misrin', 'Idlib', 35.9989, 36.6747], ['Jisr al-Shughur', 'Idlib', 35.8126, 36.3179],
] as const;
const ACTORS = [
  ['Military Forces of Syria', 'Hayat Tahrir al-Sham'], ['Military Forces of Turkey', 'Military Forces of Syria'],
  ['Military Forces of Russia', 'Hayat Tahrir al-Sham'], ['Syrian Democratic Forces', 'Syrian National Army'],
] as const;
const OUTLETS = ['Northern Dispatch', 'Valley Courier', 'Frontier Wire', 'Morning Ledger', 'Plain Observer'];

function day(n: number): string {
  return new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Document k of a generated batch; about 1.7 reports per underlying strike. */
export function generatedDoc(k: number): SourceDocument & { id: string } {
  const e = (k * 2654435761) % 5881; // spread reports of one strike over the batch
  const [town] = TOWNS[e % TOWNS.length]!;
  const [a1, a2] = ACTORS[(e >> 3) % ACTORS.length]!;
  const outlet = OUTLETS[k % OUTLETS.length]!;
  const dead = (e + k) % 4;
  const text = `${outlet} - ${day(e % 2940)}: ${a1} carried out a strike on ${a2} positions in ${town}; local sources counted ${dead} dead. Dispatch number ${k}.`;
  return { id: `gen-${k}`, text, published: day((e % 2940) + 1), source: outlet, url: null, title: null };
}

const RE = /^(.+?) - (\d{4}-\d{2}-\d{2}): (.+?) carried out a strike on (.+?) positions in (.+?); local sources counted (\d+) dead/;

export const generatedExtractor: Extractor = {
  extract(doc: SourceDocument): CodedEvent[] {
    const m = RE.exec(doc.text);
    if (!m) return [];
    const [, outlet, date, a1, a2, townName, dead] = m;
    const town = TOWNS.find((t) => t[0] === townName);
    if (!town) return [];
    const start = doc.text.indexOf(townName!);
    return [{
      event_id_cnty: `GEN-${doc.id}`, event_date: date!, time_precision: 1, disorder_type: 'Political violence',
      event_type: 'Explosions/Remote violence', sub_event_type: 'Air/drone strike', actor1: a1!, assoc_actor_1: null, inter1: 1,
      actor2: a2!, assoc_actor_2: null, inter2: 2, interaction: 12, civilian_targeting: null, iso: 760, country: 'Syria',
      admin1: town[1], admin2: null, admin3: null, location: town[0], latitude: town[2], longitude: town[3], geo_precision: 1,
      geo_note: null, source: outlet!, notes: `${a1} struck ${a2} in ${town[0]}.`, fatalities: Number(dead), fatalities_approximate: false,
      injuries: 0, weapons: [], targets: [], confidence: 0.7, document_id: doc.id,
      evidence: [{ field: 'location', document_id: doc.id, start, end: start + townName!.length, text: townName! }],
    }];
  },
};
