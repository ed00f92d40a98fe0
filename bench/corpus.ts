/**
 * Seeded generator of synthetic conflict reports for the benchmarks (our own wording throughout).
 *
 * Each report is about 3 KB: a headline, a dated lead event, two to five further events of varied
 * ACLED types (shelling, air and drone strikes, clashes, IEDs and landmines, abductions, arrests,
 * killings of civilians, protests, riots, looting, territory changes, agreements), written with
 * passive voice, nominalisations, lists of places, hedged and negated sentences, casualty phrases in
 * words and digits, and relative dates ("late Monday", "on 14 March", "yesterday"); the rest is
 * background, quotes and humanitarian context that must not become events. Places are drawn from the
 * gazetteer the extractor uses (Syrian villages and towns with their governorates, plus cities of
 * other conflict countries), so every run of one seed gives the same corpus for the same gazetteer.
 *
 *   npx tsx bench/corpus.ts [--seed 1] [--count 1000] [--out corpus.jsonl]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { SourceDocument } from '../src/model/index.js';
import type { Place } from '../src/geo/types.js';
import { int, mix, pick, rng, type Rng } from './lib/rng.js';

interface Theatre {
  iso2: string;
  country: string;
  demonym: string;
  state: string[]; // government forces, as reporters name them
  rebels: string[]; // non-state armed groups
  foreign: string[]; // foreign or allied forces
  weight: number;
}

const THEATRES: Theatre[] = [
  {
    iso2: 'SY', country: 'Syria', demonym: 'Syrian', weight: 70,
    state: ['Syrian government forces', 'the Syrian army', 'regime forces', 'Syrian army units', 'pro-government militias'],
    rebels: ['Hayat Tahrir al-Sham', 'HTS fighters', 'the Syrian National Army', 'SNA factions', 'the Syrian Democratic Forces', 'the SDF', 'Islamic State cells', 'ISIS militants', 'jihadist groups', 'local armed groups'],
    foreign: ['Turkish forces', 'the Turkish military', 'Russian warplanes', 'Russian forces', 'Israeli aircraft', 'the US-led coalition', 'Iran-backed militias', 'Hezbollah fighters'],
  },
  {
    iso2: 'UA', country: 'Ukraine', demonym: 'Ukrainian', weight: 10,
    state: ['Ukrainian forces', 'the Ukrainian army', 'Ukrainian air defence units'],
    rebels: ['pro-Russian separatists', 'partisan groups'],
    foreign: ['Russian forces', 'Russian troops', 'Russian artillery units', 'the Russian air force'],
  },
  {
    iso2: 'SD', country: 'Sudan', demonym: 'Sudanese', weight: 8,
    state: ['the Sudanese Armed Forces', 'the Sudanese army', 'army units'],
    rebels: ['the Rapid Support Forces', 'RSF fighters', 'armed tribesmen', 'unidentified gunmen'],
    foreign: ['foreign mercenaries'],
  },
  {
    iso2: 'YE', country: 'Yemen', demonym: 'Yemeni', weight: 6,
    state: ['government forces', 'troops loyal to the government'],
    rebels: ['Houthi fighters', 'the Houthi movement', 'AQAP militants', 'southern separatists'],
    foreign: ['Saudi-led coalition aircraft', 'US warplanes'],
  },
  {
    iso2: 'IQ', country: 'Iraq', demonym: 'Iraqi', weight: 6,
    state: ['Iraqi security forces', 'the Iraqi army', 'federal police'],
    rebels: ['Islamic State militants', 'ISIS remnants', 'armed men', 'a tribal militia'],
    foreign: ['Turkish drones', 'the US-led coalition', 'Iran-backed militias'],
  },
];

const OUTLETS = ['Northern Dispatch', 'Valley Courier', 'Frontier Wire', 'Morning Ledger', 'Plain Observer', 'Border Gazette', 'Riverside Monitor', 'Field Desk'];
const MONITORS = ['a local monitoring group', 'a war monitor', 'activists on the ground', 'local sources', 'a civil defence official', 'medical sources', 'residents', 'the local council'];
const NUM = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DIRS = ['northern', 'southern', 'eastern', 'western', 'north-western', 'south-eastern'];
const VICTIMS = ['civilians', 'people', 'children', 'women', 'farmers', 'workers', 'residents'];
const FIGHTERS = ['fighters', 'soldiers', 'members', 'gunmen', 'militants'];

interface PlaceRef {
  name: string;
  admin1: string | null;
  iso2: string;
}

interface Ctx {
  r: Rng;
  th: Theatre;
  places: PlaceRef[];
  published: Date;
  outlet: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const titleCase = (s: string) => s.replace(/(^|[\s-])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()).replace(/\b(Al|Ad|As|Ash|Ar|Az|At|El)-/g, (m) => m.toLowerCase().replace(/^./, (c) => c.toUpperCase()));

function count(r: Rng, max = 12): string {
  const n = int(r, 1, max);
  return r() < 0.6 ? NUM[n]! : String(n);
}

function dateExpr(c: Ctx): string {
  const { r, published } = c;
  const back = int(c.r, 1, 6);
  const d = new Date(published.getTime() - back * 86_400_000);
  const wd = WEEKDAYS[d.getUTCDay()]!;
  switch (int(r, 0, 7)) {
    case 0: return `late ${wd}`;
    case 1: return `on ${wd} night`;
    case 2: return 'yesterday';
    case 3: return `on ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
    case 4: return `on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
    case 5: return 'last night';
    case 6: return `early on ${wd}`;
    default: return `on ${wd}`;
  }
}

function where(c: Ctx, p: PlaceRef): string {
  const { r } = c;
  const area = p.admin1;
  const k = int(r, 0, 6);
  if (!area || k === 0) return `in ${p.name}`;
  if (k === 1) return `in the town of ${p.name} in ${area}`;
  if (k === 2) return `in ${p.name} in the ${pick(r, DIRS)} countryside of ${area}`;
  if (k === 3) return `in the village of ${p.name}, ${pick(r, DIRS)} ${area}`;
  if (k === 4) return `on the outskirts of ${p.name} in ${area} province`;
  if (k === 5) return `near ${p.name} in ${area}`;
  return `in ${p.name}, ${area} governorate`;
}

function placeList(c: Ctx, n: number): { text: string; area: string | null } {
  const ps = Array.from({ length: n }, () => pick(c.r, c.places));
  const names = ps.map((p) => p.name);
  const text = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return { text, area: ps[0]!.admin1 };
}

function casualties(c: Ctx, fighters: boolean): string {
  const { r } = c;
  const who = fighters ? pick(r, FIGHTERS) : pick(r, VICTIMS);
  switch (int(r, 0, 9)) {
    case 0: return `killing ${count(r)} ${who}`;
    case 1: return `killing at least ${int(r, 2, 40)} ${who} and wounding ${count(r, 20)} others`;
    case 2: return `wounding ${count(r)} ${who}`;
    case 3: return 'with no casualties reported';
    case 4: return `leaving dozens of ${who} injured`;
    case 5: return `killing a ${fighters ? 'soldier' : 'woman'} and wounding ${count(r, 6)} ${who}`;
    case 6: return `killing ${count(r, 4)} children and a woman`;
    case 7: return 'causing material damage only';
    default: return `killing ${count(r, 9)} ${who}, according to ${pick(r, MONITORS)}`;
  }
}

const actor = (c: Ctx, side: 'state' | 'rebels' | 'foreign') => pick(c.r, c.th[side]);
const anyArmed = (c: Ctx) => actor(c, pick(c.r, ['state', 'rebels', 'foreign'] as const));

/** One event paragraph (1–3 sentences) of a random type. */
function eventPara(c: Ctx): string {
  const { r } = c;
  const p = pick(r, c.places);
  const a = anyArmed(c);
  const b = actor(c, 'rebels');
  const when = dateExpr(c);
  switch (int(r, 0, 15)) {
    case 0: {
      const pl = placeList(c, int(r, 2, 4));
      return `${cap(a)} shelled the villages of ${pl.text}${pl.area ? ` in the ${pick(r, DIRS)} countryside of ${pl.area}` : ''} ${when}, ${casualties(c, false)}. Residents said the bombardment lasted for several hours and forced families to shelter in basements.`;
    }
    case 1:
      return `Following heavy artillery shelling by ${a} targeting ${p.name}, ${count(r)} houses were destroyed ${when}. ${cap(pick(r, MONITORS))} said ${casualties(c, false).replace(/^killing/, 'the strikes killed').replace(/^wounding/, 'the strikes wounded').replace(' and wounding ', ' and wounded ').replace(/^leaving/, 'the strikes left').replace(/^with /, 'there were ').replace(/^causing/, 'they caused')}.`;
    case 2:
      return `A drone launched by ${a} struck a vehicle ${where(c, p)} ${when}, ${casualties(c, true)}. The vehicle was reportedly carrying ${b === a ? 'fighters' : `members of ${b}`} towards the front line.`;
    case 3:
      return `Warplanes carried out ${count(r, 8)} air strikes ${where(c, p)} ${when}, ${casualties(c, false)}, ${pick(r, MONITORS)} reported. Rescue teams were still searching the rubble of a residential building hours later.`;
    case 4:
      return `Clashes erupted between ${actor(c, 'state')} and ${b} ${where(c, p)} ${when}, ${casualties(c, true)} on both sides. The fighting subsided by the morning, but sporadic gunfire could still be heard.`;
    case 5:
      return `An improvised explosive device planted on the side of the road exploded ${where(c, p)} ${when}, ${casualties(c, false)}. No group claimed responsibility for the blast.`;
    case 6:
      return `A landmine left over from earlier fighting went off in farmland ${where(c, p)} ${when}, killing a shepherd and wounding his son.`;
    case 7:
      return `Unidentified gunmen abducted ${count(r, 5)} men ${where(c, p)} ${when} and took them to an unknown destination, relatives said. Their families have received no ransom demand.`;
    case 8:
      return `${cap(actor(c, 'state'))} arrested ${count(r, 15)} young men during a raid ${where(c, p)} ${when}, accusing them of links to ${b}.`;
    case 9:
      return `Hundreds of residents demonstrated ${where(c, p)} ${when} against rising bread and fuel prices, chanting slogans against the local authorities. The protest ended peacefully.`;
    case 10:
      return `Angry crowds burned tyres and stormed the municipal building ${where(c, p)} ${when} after the death of a detainee in custody; security forces fired in the air to disperse them and ${count(r, 6)} people were injured.`;
    case 11:
      return `${cap(a)} seized control of ${p.name}${p.admin1 ? ` in ${p.admin1}` : ''} ${when} after ${b} withdrew from its positions there, according to ${pick(r, MONITORS)}.`;
    case 12:
      return `${cap(actor(c, 'foreign'))} deployed reinforcements, including tanks and armoured vehicles, to a base ${where(c, p)} ${when}, a military source said.`;
    case 13:
      return `${cap(b)} looted shops and burned several houses ${where(c, p)} ${when}, residents said, after the army pulled out of the area.`;
    case 14:
      return `A suicide bomber blew himself up at a checkpoint ${where(c, p)} ${when}, ${casualties(c, true)}.`;
    default:
      return `Gunmen on a motorcycle shot dead a local council member ${where(c, p)} ${when}. ${cap(pick(r, MONITORS))} said he had received threats in recent weeks.`;
  }
}

/** Paragraphs that talk about violence without reporting a new event (negation, hedging, history, context). */
function contextPara(c: Ctx, kind: number): string {
  const { r, th } = c;
  const p = pick(r, c.places);
  switch (kind) {
    case 0: return `${cap(actor(c, 'foreign'))} threatened to launch a wider operation ${where(c, p)} if attacks on its positions continued, but no new offensive has been announced.`;
    case 1: return `A spokesman for ${actor(c, 'rebels')} denied that its fighters had attacked the area and accused ${actor(c, 'state')} of spreading false reports.`;
    case 2: return `The region has seen repeated escalation since the spring of ${c.published.getUTCFullYear() - int(r, 1, 6)}, when a fragile truce brokered by regional powers began to unravel. Tens of thousands of people have been displaced from the front-line villages since then.`;
    case 3: return `Humanitarian organisations warned of a worsening situation in camps for displaced people, where families face shortages of water, heating fuel and medicine as winter approaches. Aid convoys have been delayed at crossings for weeks.`;
    case 4: return `"We no longer sleep at night. Every evening we hear the drones overhead and wait for the explosions," a ${pick(r, ['teacher', 'farmer', 'shopkeeper', 'nurse', 'mother of four'])} from ${p.name} told ${c.outlet} by phone.`;
    case 5: return `${c.outlet} could not independently verify the casualty figures, which varied between sources. ${cap(pick(r, MONITORS))} gave a higher toll than officials.`;
    case 6: return `Local officials said schools in ${p.name} would remain closed for the rest of the week as a precaution, and warned residents to stay away from agricultural land near the front line.`;
    case 7: return `The ${th.demonym} defence ministry said in a statement that its units had "responded to the sources of fire" and that operations would continue until the area was secured. It gave no further details.`;
    case 8: return `Analysts said the latest violence reflected a broader struggle over supply routes and the main highways that link the provinces to the border crossings.`;
    default: return `No casualties were reported in a separate incident overnight, when a mortar round fell in an empty field near ${p.name}.`;
  }
}

function report(c: Ctx, id: string): SourceDocument & { id: string } {
  const { r } = c;
  const lead = eventPara(c);
  const paras = [lead];
  // fill to about 3 KB: 2-5 more events, context in between
  const target = 2400 + Math.floor(r() * 1400);
  let events = int(r, 2, 5);
  const kinds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].sort(() => r() - 0.5); // each kind of context once at most
  while (paras.join('\n\n').length < target) {
    if ((events > 0 && r() < 0.55) || !kinds.length) {
      paras.push(eventPara(c));
      events--;
    } else paras.push(contextPara(c, kinds.pop()!));
  }
  const p = pick(r, c.places);
  const title = `${cap(pick(r, ['fighting', 'strikes', 'violence', 'tension', 'shelling']))} ${pick(r, ['escalates', 'continues', 'spreads', 'flares'])} around ${p.name}${p.admin1 ? `, ${p.admin1}` : ''}`;
  return {
    id,
    title,
    text: `${title}\n\n${paras.join('\n\n')}`,
    published: c.published.toISOString().slice(0, 10),
    source: c.outlet,
    url: `https://example.org/${c.outlet.toLowerCase().replace(/\s+/g, '-')}/${id}`,
  };
}

const NAME_OK = /^[A-Za-z][A-Za-z' -]{2,24}$/;

/** Places per country usable in text (clean Latin names), from the loaded gazetteer. */
export function placePools(places: readonly Place[]): Map<string, PlaceRef[]> {
  const pools = new Map<string, PlaceRef[]>();
  const wanted = new Set(THEATRES.map((t) => t.iso2));
  for (const p of places) {
    if (!wanted.has(p.iso2) || (p.kind !== 'populated' && p.kind !== 'region')) continue;
    if (p.iso2 !== 'SY' && p.population < 20_000 && p.kind !== 'region') continue;
    if (!NAME_OK.test(p.name)) continue;
    const ref = { name: titleCase(p.name.trim()), admin1: p.admin1, iso2: p.iso2 };
    let pool = pools.get(p.iso2);
    if (!pool) pools.set(p.iso2, (pool = []));
    pool.push(ref);
  }
  for (const pool of pools.values()) pool.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return pools;
}

/**
 * `count` reports for `seed`. Document k depends only on (seed, k), so a longer corpus of the same
 * seed starts with the shorter one.
 */
export function generateCorpus(opts: { seed: number; count: number; places: readonly Place[] }): (SourceDocument & { id: string })[] {
  const pools = placePools(opts.places);
  const theatres = THEATRES.filter((t) => (pools.get(t.iso2)?.length ?? 0) >= 20);
  if (!theatres.length) throw new Error('bench/corpus: the gazetteer has no usable places');
  const totalWeight = theatres.reduce((a, t) => a + t.weight, 0);
  const docs: (SourceDocument & { id: string })[] = [];
  for (let k = 0; k < opts.count; k++) {
    const r = rng(mix(opts.seed, k));
    let w = r() * totalWeight;
    const th = theatres.find((t) => (w -= t.weight) < 0) ?? theatres[0]!;
    const pool = pools.get(th.iso2)!;
    // a report is about one area: a window of ~40 neighbouring (same-admin1 first) places
    const anchor = pick(r, pool);
    const local = pool.filter((x) => x.admin1 === anchor.admin1);
    const places = local.length >= 8 ? Array.from({ length: 12 }, () => pick(r, local)) : Array.from({ length: 12 }, () => pick(r, pool));
    const published = new Date(Date.UTC(2023, 0, 1) + int(r, 0, 1000) * 86_400_000);
    docs.push(report({ r, th, places, published, outlet: pick(r, OUTLETS) }, `bench-s${opts.seed}-${k}`));
  }
  return docs;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, count: { type: 'string' }, out: { type: 'string' } } });
  const { loadGeocoder } = await import('../src/geo/index.js');
  const docs = generateCorpus({ seed: Number(values.seed ?? 1), count: Number(values.count ?? 1000), places: loadGeocoder().gazetteer.places });
  const body = docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
  if (values.out) writeFileSync(values.out, body);
  else process.stdout.write(body);
  const avg = docs.reduce((a, d) => a + Buffer.byteLength(d.text), 0) / docs.length;
  console.error(`bench/corpus: ${docs.length} reports, ${Math.round(avg)} bytes of text on average`);
}
