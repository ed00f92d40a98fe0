/**
 * The in-memory gazetteer: reads data/gazetteer/ (places.tsv.gz, countries.tsv, regions.tsv) and
 * any user gazetteer directories (*.tsv / *.tsv.gz in the places format), and indexes every name
 * and alternate name by normalizeName() (exact) and looseKey() (fallback). Lookups are Map gets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Place, PlaceKind } from './types.js';
import { KEYS_VERSION, nameKeys, nameTokens } from './normalize.js';

export interface CountryInfo {
  iso2: string;
  name: string;
  iso: number | null;
  capital: string;
  lat: number;
  lon: number;
  aliases: string[];
}

/** Columns of the places format (shipped places.tsv.gz and user gazetteer files). */
export const PLACE_COLUMNS = ['id', 'kind', 'name', 'lat', 'lon', 'iso2', 'admin1', 'admin2', 'admin3', 'population', 'alt'] as const;

/** Shared by the many places without alternate names (never mutated: aliases replace it with a new array). */
const NO_ALTS: string[] = [];

/** What ids() and looseIds() return for an unknown key (frozen: callers only read the lists). */
const NO_IDS: number[] = Object.freeze([]) as unknown as number[];

const KINDS = new Set<PlaceKind>(['country', 'admin1', 'admin2', 'admin3', 'populated', 'neighbourhood', 'region']);

export class Gazetteer {
  readonly places: Place[] = [];
  /** Alternate names per place index (parallel to places). */
  readonly alts: string[][] = [];
  /** Place indexes by primary key; a single index is stored bare (most keys name one place). */
  readonly byKey = new Map<string, number | number[]>();
  readonly byLoose = new Map<string, number | number[]>();

  /** Indexes of the places with this primary key. */
  ids(key: string): number[] {
    const v = this.byKey.get(key);
    return v === undefined ? NO_IDS : typeof v === 'number' ? [v] : v;
  }

  /** Indexes of the places with this loose key. */
  looseIds(key: string): number[] {
    const v = this.byLoose.get(key);
    return v === undefined ? NO_IDS : typeof v === 'number' ? [v] : v;
  }
  readonly prefixes = new Set<string>();
  readonly countries = new Map<string, CountryInfo>(); // by iso2
  readonly countryByKey = new Map<string, CountryInfo>();

  /** Countries by their exact (lower-cased) names first: "Niger" and "Nigeria" share a phonetic key. */
  readonly countryByName = new Map<string, CountryInfo>();

  addCountry(c: CountryInfo): void {
    this.countries.set(c.iso2, c);
    for (const n of [c.name, ...c.aliases]) {
      const l = n.toLowerCase().trim();
      if (!this.countryByName.has(l)) this.countryByName.set(l, c);
    }
    for (const n of [c.name, ...c.aliases]) {
      const k = nameTokens(n).join('');
      if (k && !this.countryByKey.has(k)) this.countryByKey.set(k, c);
    }
  }

  countryOf(iso2: string): CountryInfo | undefined {
    return this.countries.get(iso2);
  }

  /** Country by ACLED name, ISO2 or any alias. */
  findCountry(s: string | null | undefined): CountryInfo | undefined {
    if (!s) return undefined;
    const t = s.trim();
    if (/^[A-Za-z]{2}$/.test(t)) {
      const c = this.countries.get(t.toUpperCase());
      if (c) return c;
    }
    return this.countryByName.get(t.toLowerCase()) ?? this.countryByKey.get(nameTokens(t).join(''));
  }

  /** Countries present in each 1-degree cell (for "is this foreign place near the report's country?"). */
  private readonly cells = new Map<number, Set<string>>();

  /** True when a place of country iso2 lies in the same or a neighbouring 1-degree cell as p. */
  nearCountry(p: { lat: number; lon: number }, iso2: string): boolean {
    const la = Math.floor(p.lat), lo = Math.floor(p.lon);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      if (this.cells.get((la + dy) * 1000 + lo + dx)?.has(iso2)) return true;
    }
    return false;
  }

  add(p: Place, alts: string[], keys?: string): void {
    const i = this.places.length;
    const cell = Math.floor(p.lat) * 1000 + Math.floor(p.lon);
    const set = this.cells.get(cell);
    if (set) set.add(p.iso2); else this.cells.set(cell, new Set([p.iso2]));
    this.places.push(p);
    this.alts.push(alts);
    if (keys !== undefined) this.indexKeys(i, keys);
    else this.indexNames(i, [p.name, ...alts]);
  }

  /** Indexes stored keys ("tok tok~loose|..."), without building intermediate objects (start-up path). */
  private indexKeys(i: number, stored: string): void {
    let start = 0;
    while (start <= stored.length) {
      let end = stored.indexOf('|', start);
      if (end < 0) end = stored.length;
      const entry = stored.slice(start, end);
      start = end + 1;
      const t = entry.indexOf('~');
      const tokPart = t < 0 ? entry : entry.slice(0, t);
      const loose = t < 0 ? '' : entry.slice(t + 1);
      if (!tokPart) continue;
      if (tokPart.indexOf(' ') < 0) push(this.byKey, tokPart, i);
      else {
        const toks = tokPart.split(' ');
        push(this.byKey, toks.join(''), i);
        let acc = '';
        for (let j = 0; j < toks.length - 1; j++) this.prefixes.add((acc += toks[j]));
      }
      if (loose) push(this.byLoose, loose, i);
    }
  }

  /** Indexes names of place i (alternate names marked with a leading "~" are weak: matched, never literal). */
  indexNames(i: number, names: string[]): void {
    const seenK = new Set<string>();
    const seenL = new Set<string>();
    for (const n of names) {
      const { toks, key: k, loose: l } = nameKeys(n);
      if (!k || seenK.has(k)) continue;
      seenK.add(k);
      push(this.byKey, k, i);
      for (let j = 1; j < toks.length; j++) this.prefixes.add(toks.slice(0, j).join(''));
      if (l && !seenL.has(l)) {
        seenL.add(l);
        push(this.byLoose, l, i);
      }
    }
  }

  /** Loads a file in the places format (optionally gzipped); returns the number of places added. */
  loadPlacesFile(file: string): number {
    let buf = readFileSync(file);
    if (file.endsWith('.gz')) buf = gunzipSync(buf);
    const text = buf.toString('utf8');
    let n = 0;
    let start = 0;
    let keysOk = false;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      if (!line || line.startsWith('id\t')) continue;
      if (line.startsWith('#')) {
        // "#keys=<version>": the last column holds keys precomputed by the current rules
        if (line.startsWith('#keys=')) keysOk = line.slice(6).trim() === KEYS_VERSION;
        continue;
      }
      const f = line.split('\t');
      const kind = f[1] as PlaceKind;
      const lat = Number(f[3]), lon = Number(f[4]);
      if (!KINDS.has(kind) || !f[2] || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const iso2 = f[5] ?? '';
      const c = this.countries.get(iso2);
      this.add(
        {
          id: f[0]!, kind, name: f[2], lat, lon, country: c?.name ?? iso2, iso2, iso: c?.iso ?? null,
          admin1: f[6] || null, admin2: f[7] || null, admin3: f[8] || null, population: Number(f[9]) || 0,
        },
        f[10] ? f[10].split('|').filter(Boolean) : NO_ALTS,
        keysOk && f[11] !== undefined ? f[11] : undefined,
      );
      n++;
    }
    return n;
  }

  /** Loads the hand-written regions file (name, kind, lat, lon, iso2, admin1, admin2, alt). */
  loadRegionsFile(file: string): number {
    let n = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim() || line.startsWith('#') || line.startsWith('name\t')) continue;
      const [name, kind, lat, lon, iso2, admin1, admin2, alt] = line.split('\t');
      if (!name || !KINDS.has(kind as PlaceKind)) continue;
      const c = this.countries.get(iso2 ?? '');
      this.add(
        {
          id: `region:${name}`, kind: kind as PlaceKind, name, lat: Number(lat), lon: Number(lon), country: c?.name ?? iso2 ?? '',
          iso2: iso2 ?? '', iso: c?.iso ?? null, admin1: admin1 || null, admin2: admin2 || null, admin3: null, population: 0,
        },
        alt ? alt.split('|').filter(Boolean) : [],
      );
      n++;
    }
    return n;
  }

  /**
   * Loads the hand-written aliases file (iso2, admin1, name of an existing place, alternate names):
   * extra names (exonyms, Kurdish and Turkish names...) attached to places already loaded.
   */
  loadAliasesFile(file: string): number {
    let n = 0;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim() || line.startsWith('#') || line.startsWith('iso2\t')) continue;
      const [iso2, admin1, name, alt] = line.split('\t');
      if (!iso2 || !name || !alt) continue;
      const key = nameKeys(name).key;
      const hits = (this.ids(key)).filter((i) => {
        const p = this.places[i]!;
        return p.iso2 === iso2 && (!admin1 || p.admin1 === admin1) && (p.kind === 'populated' || p.kind === 'region' || p.kind === 'neighbourhood');
      });
      const exact = hits.filter((i) => this.places[i]!.name === name);
      for (const i of exact.length ? exact : hits) {
        const names = alt.split('|').filter(Boolean);
        this.alts[i] = [...this.alts[i]!, ...names];
        this.indexNames(i, names);
        n++;
      }
    }
    return n;
  }

  loadCountriesFile(file: string): void {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      if (!line.trim()) continue;
      const [iso2, name, iso, capital, lat, lon, aliases] = line.split('\t');
      if (!iso2 || !name) continue;
      const c: CountryInfo = {
        iso2, name, iso: iso ? Number(iso) : null, capital: capital ?? '', lat: Number(lat), lon: Number(lon),
        aliases: aliases ? aliases.split('|').filter(Boolean) : [],
      };
      this.addCountry(c);
      this.add(
        { id: `country:${iso2}`, kind: 'country', name, lat: c.lat, lon: c.lon, country: name, iso2, iso: c.iso, admin1: null, admin2: null, admin3: null, population: 0 },
        c.aliases,
      );
    }
  }

  /** Loads every *.tsv and *.tsv.gz of a user gazetteer directory (places format). */
  loadDir(dir: string): number {
    if (!existsSync(dir)) return 0;
    let n = 0;
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.tsv') || f.endsWith('.tsv.gz')) n += this.loadPlacesFile(join(dir, f));
    }
    return n;
  }
}

function push(m: Map<string, number | number[]>, k: string, i: number): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, i);
  else if (typeof l === 'number') {
    if (l !== i) m.set(k, [l, i]);
  } else if (l[l.length - 1] !== i) l.push(i);
}
