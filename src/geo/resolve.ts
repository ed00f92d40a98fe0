/**
 * Resolving a place mention in context: parsing the mention ("the outskirts of X", "near X",
 * "the northern countryside of Aleppo", "southern Idlib", "X province"), finding candidates and
 * choosing among them by country, admin hints, nearby places, population and kind. Pure logic over
 * a loaded Gazetteer.
 */
import type { GeoContext, GeoResolution, Place } from './types.js';
import type { Gazetteer } from './gazetteer.js';
import { haversineKm as greatCircleKm } from '../model/distance.js';
import { memoize } from '../model/memo.js';
import { editDistance, isArticle, nameKeys, nameTokens, normalizeName } from './normalize.js';

/** Great-circle distance in km between two gazetteer points (see src/model/distance.ts). */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return greatCircleKm(a.lat, a.lon, b.lat, b.lon);
}

type Mode = 'plain' | 'near' | 'countryside' | 'area' | 'admin' | 'point';

interface Parsed {
  target: string;
  mode: Mode;
  dir: string | null; // "northern", "south-west"...
  /** "the town of X", "X village": the text says X is a settlement, not a neighbourhood of a city */
  settlement?: boolean;
}

const DIR = String.raw`(?:north|south|east|west|northern|southern|eastern|western|central|north[- ]?(?:east|west)(?:ern)?|south[- ]?(?:east|west)(?:ern)?|upper|lower|rural)`;
const NEAR_HEAD = String.raw`(?:near|nearby|around|outside|close\s+to|next\s+to|by|in\s+the\s+vicinity\s+of|on\s+the\s+outskirts\s+of|at\s+the\s+outskirts\s+of|in\s+the\s+outskirts\s+of|(?:the\s+)?(?:outskirts|environs|vicinity|edges?|surroundings|periphery|fringes|approaches|area|areas|surrounding\s+areas?)\s+(?:of|around)|(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of)`;

/** Splits a mention into its target name and what the words around it say. */
/** Longest mention considered a place name; longer input is not a place and is refused at once. */
export const MAX_MENTION = 160;

export function parseMention(raw: string, depth = 0): Parsed {
  let s = raw.normalize('NFC').replace(/[\u200e\u200f]/g, '').replace(/\s+/g, ' ').trim();
  s = s.replace(/^[\s"'“”‘’(\[]+|[\s"'“”‘’)\].,;:!?]+$/g, '');
  s = s.replace(/^(?:in|at|on|from|into|inside|within)\s+/i, '');
  s = s.replace(/^the\s+/i, '');
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^${NEAR_HEAD}\\s+(?:the\\s+)?(.+)$`, 'i').exec(s))) {
    if (depth >= 3) return { target: m[1]!, mode: 'near', dir: null };
    const inner = parseMention(m[1]!, depth + 1);
    return { target: inner.target, mode: inner.mode === 'plain' || inner.mode === 'point' ? 'near' : inner.mode, dir: inner.dir };
  }
  if ((m = new RegExp(`^(?:(${DIR})\\s+)?(?:countryside|rural\\s+areas?|countryside\\s+areas?|villages|suburbs)\\s+(?:of|around)\\s+(?:the\\s+)?(.+)$`, 'i').exec(s))) {
    return { target: stripTail(m[2]!), mode: 'countryside', dir: m[1]?.toLowerCase() ?? null };
  }
  if ((m = new RegExp(`^(?:(${DIR})\\s+)?(.+?)(?:'s)?\\s+(?:countryside|rural\\s+areas?|hinterland|suburbs|villages)$`, 'i').exec(s))) {
    return { target: m[2]!, mode: 'countryside', dir: m[1]?.toLowerCase() ?? null };
  }
  if ((m = /^(.+?)\s+(?:outskirts|surroundings|environs|vicinity|periphery|area|areas|front|frontline|front line|battlefront|axis|sector|hills?|hilltops?|heights|desert|steppe|badia)$/i.exec(s))) {
    return { target: m[1]!, mode: 'near', dir: null };
  }
  if ((m = /^(?:(?:the\s+)?(?:province|governorate|region|state|oblast|district|subdistrict|county|muhafazat)\s+of\s+)(.+)$/i.exec(s))) {
    return { target: m[1]!, mode: 'admin', dir: null };
  }
  if ((m = /^(.+?)\s+(?:province|governorate|region|state|oblast|district|subdistrict|county|muhafazah?|nahiya)$/i.exec(s))) {
    // "the northern Sagaing region": the direction says which part of the area
    const d = new RegExp(`^(${DIR})\\s+(.+)$`, 'i').exec(m[1]!);
    if (d) return { target: d[2]!, mode: 'area', dir: d[1]!.toLowerCase() };
    return { target: m[1]!, mode: 'admin', dir: null };
  }
  if ((m = /^(?:(?:the\s+)?(city|town|village|hamlet|neighbou?rhood|camp|area)\s+of\s+)(.+)$/i.exec(s))) {
    return { target: m[2]!, mode: 'point', dir: null, settlement: /^(?:town|village|hamlet)$/i.test(m[1]!) };
  }
  if ((m = /^(.+?)\s+(?:city|town|village|neighbou?rhood|camp)$/i.exec(s))) {
    // "east Deir Ezzor village": a direction before a place means the part of the area around it
    const d = new RegExp(`^(${DIR})\\s+(.+)$`, 'i').exec(m[1]!);
    if (d && depth < 3 && !/^(?:new|old)$/i.test(d[1]!)) return { target: d[2]!, mode: 'area', dir: d[1]!.toLowerCase() };
    return { target: m[1]!, mode: 'point', dir: null };
  }
  if ((m = new RegExp(`^(${DIR})\\s+(?:parts\\s+of\\s+|part\\s+of\\s+)?(?:the\\s+)?(.+)$`, 'i').exec(s))) {
    return { target: m[2]!, mode: 'area', dir: m[1]!.toLowerCase() };
  }
  return { target: s, mode: 'plain', dir: null };
}

/** parseMention of a whole mention, memoised per string (bounded); the result is shared: read it, never change it. */
const parseCached = memoize(parseMention, 20000);

function stripTail(s: string): string {
  return s.replace(/\s+(?:province|governorate|city)$/i, '');
}

/** Normalised names of the admin areas a hint refers to, by level. */
interface HintKeys {
  a1: Set<string>;
  a2: Set<string>;
  a3: Set<string>;
}

interface Scored {
  i: number;
  p: Place;
  score: number;
  exact: boolean;
  /** One of the place's names is literally the mention (letters only, article aside). */
  lit?: boolean;
  /** Exact-key matches: fewest letters by which a name of the place differs from the mention. */
  letters?: number;
  /** Edit distance of a loose (spelling-variant) match. */
  dist?: number;
}

interface ExactHit {
  i: number;
  same: boolean;
  weak: boolean;
  letters: number;
}

interface LooseHit {
  i: number;
  best: number;
}

interface NameInfo {
  key: string;
  loose: string;
  exact: ExactHit[];
  vowel: number[] | null;
  looseHits: Map<string, LooseHit[]> | null;
}

const ARABIC_RE = /[\u0600-\u06ff]/;

const KIND_BONUS: Record<Place['kind'], number> = {
  populated: 6, neighbourhood: -6, region: 12, admin1: 3, admin2: 0, admin3: -2, country: 4,
};

export class Resolver {
  private readonly hintCache = new Map<string, HintKeys>();
  private readonly keyMemo = new Map<number, { strong: string[]; all: string[] }>();

  private keysOf(i: number): { strong: string[]; all: string[] } {
    let k = this.keyMemo.get(i);
    if (!k) {
      const p = this.g.places[i]!;
      const strong = new Set<string>([normalizeName(p.name)]);
      const all = new Set<string>(strong);
      for (const a of this.g.alts[i]!) {
        const key = normalizeName(a);
        all.add(key);
        if (a[0] !== '~') strong.add(key);
      }
      k = { strong: [...strong], all: [...all] };
      if (this.keyMemo.size > 50000) this.keyMemo.clear();
      this.keyMemo.set(i, k);
    }
    return k;
  }

  /** Admin1 names present in each 0.1-degree cell, per country (built on first use). */
  private readonly admin1Cells = new Map<string, Map<number, Set<string>>>();

  /** True when a place of admin1 `a1` (same country) lies within about 10 km of p. */
  private nearAdmin1(p: Place, a1: string): boolean {
    let cells = this.admin1Cells.get(p.iso2);
    if (!cells) {
      cells = new Map();
      for (const q of this.g.places) {
        if (q.iso2 !== p.iso2 || !q.admin1 || q.kind === 'admin1' || q.kind === 'country') continue;
        const c = Math.floor(q.lat * 10) * 10000 + Math.floor(q.lon * 10);
        const set = cells.get(c);
        if (set) set.add(q.admin1); else cells.set(c, new Set([q.admin1]));
      }
      this.admin1Cells.set(p.iso2, cells);
    }
    const la = Math.floor(p.lat * 10), lo = Math.floor(p.lon * 10);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      if (cells.get((la + dy) * 10000 + lo + dx)?.has(a1)) return true;
    }
    return false;
  }

  /** True when one of the place's keys differs from the key only in its vowels ("Jenin" / "Janin"). */
  private vowelsOnly(i: number, key: string): boolean {
    const c = key.replace(/[aiu]/g, '');
    return this.allKeys(i).some((k) => k.replace(/[aiu]/g, '') === c);
  }

  /** Primary keys of the place's own names (not its weak names). */
  private strongKeys(i: number): string[] {
    return this.keysOf(i).strong;
  }

  private allKeys(i: number): string[] {
    return this.keysOf(i).all;
  }

  constructor(private readonly g: Gazetteer) {}

  candidates(mention: string): Place[] {
    if (mention.length > MAX_MENTION) return [];
    const k = normalizeName(mention);
    return this.g.ids(k).map((i) => this.g.places[i]!);
  }

  isPrefix(mention: string): boolean {
    if (mention.length > MAX_MENTION) return false;
    const k = normalizeName(mention);
    if (!k) return isArticle(mention);
    return this.g.prefixes.has(k) || this.g.byKey.has(k);
  }

  /** Admin-area keys a hint refers to ("Idleb" -> idlib; "Jebel Saman" -> its admin2 key). */
  private hintKeys(hint: string): HintKeys {
    let s = this.hintCache.get(hint);
    if (s) return s;
    s = { a1: new Set<string>(), a2: new Set<string>(), a3: new Set<string>() };
    const k = this.hintKey(hint);
    if (k) {
      // the largest area the hint names: "Daraa" is the governorate, not also the district and subdistrict of that name
      const areas = this.g.ids(k).map((i) => this.g.places[i]!).filter((p) => p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3');
      const top = Math.min(...areas.map((p) => LEVEL[p.kind]!));
      for (const p of areas.filter((a) => LEVEL[a.kind] === top)) {
        if (p.admin1) s.a1.add(normalizeName(p.admin1));
        if (top >= 2 && p.admin2) s.a2.add(normalizeName(p.admin2));
        if (top >= 3 && p.admin3) s.a3.add(normalizeName(p.admin3));
      }
      if (!areas.length) {
        // a region named as the area ("in the Ghouta", "in Jabal al-Zawiya"): its governorate
        const regions = this.g.ids(k).map((i) => this.g.places[i]!).filter((p) => p.kind === 'region' && p.admin1);
        for (const r of regions) s.a1.add(normalizeName(r.admin1!));
        if (!regions.length) s.a1.add(k);
      }
    }
    this.hintCache.set(hint, s);
    return s;
  }

  /** Key of an admin-area hint: the whole hint if it names an area ("Rural Damascus", "Lower Shabelle"), else its target. */
  private hintKey(hint: string): string {
    let k = this.hintKeyMemo.get(hint);
    if (k === undefined) {
      k = this.hintKeyOf(hint);
      if (this.hintKeyMemo.size >= 20000) this.hintKeyMemo.clear();
      this.hintKeyMemo.set(hint, k);
    }
    return k;
  }
  private readonly hintKeyMemo = new Map<string, string>();

  /** The admin areas (and countries) a hint's key names, in index order (read-only, memoised). */
  private hintAreas(hint: string): Place[] {
    let a = this.hintAreaMemo.get(hint);
    if (a === undefined) {
      a = this.g.ids(this.hintKey(hint)).map((i) => this.g.places[i]!).filter(isArea);
      if (this.hintAreaMemo.size >= 20000) this.hintAreaMemo.clear();
      this.hintAreaMemo.set(hint, a);
    }
    return a;
  }
  private readonly hintAreaMemo = new Map<string, Place[]>();

  private hintKeyOf(hint: string): string {
    const whole = normalizeName(hint);
    if (this.g.ids(whole).some((i) => isArea(this.g.places[i]!))) return whole;
    const target = normalizeName(parseCached(hint).target);
    if (this.g.ids(target).some((i) => isArea(this.g.places[i]!))) return target;
    // a misspelt area name ("Quinetra"): the area whose key is one letter away
    const lk = nameKeys(parseCached(hint).target).loose;
    for (const i of lk ? this.g.looseIds(lk) : []) {
      const p = this.g.places[i]!;
      if (isArea(p) && p.kind !== 'country' && editDistance(target, normalizeName(p.name)) <= 1) return normalizeName(p.name);
    }
    return target;
  }

  /** Per-name parts of a lookup that do not depend on the context (bounded; see nameInfo). */
  private readonly nameMemo = new Map<string, NameInfo | null>();

  /**
   * What a lookup of `target` finds whatever the context: its keys, the exact-key candidates with how
   * literally they match, and (on first use) the vowel-variant and loose candidates. Null for an empty key.
   */
  private nameInfo(target: string): NameInfo | null {
    let info = this.nameMemo.get(target);
    if (info !== undefined) return info;
    const nk = nameKeys(target);
    const key = nk.key;
    if (!key) info = null;
    else {
      const lit = literal(target);
      const exact: ExactHit[] = [];
      for (const i of this.g.ids(key)) {
        const p = this.g.places[i]!;
        const alts = this.g.alts[i]!;
        const same = literal(p.name) === lit || alts.some((a) => a[0] !== '~' && literal(a) === lit);
        // matched only through a weak name ("Sarja" for "Western Sarja")
        const weak = !same && !this.strongKeys(i).includes(key);
        // same key, different letters ("Nayrabiyeh" for "Nayrab"): the more letters differ, the less likely
        let letters = 0;
        if (!same) {
          letters = Infinity;
          if (p.name[0] !== '~' && !ARABIC_RE.test(p.name)) letters = Math.min(letters, editDistance(lit, literal(p.name)));
          for (const n of alts) if (n[0] !== '~' && !ARABIC_RE.test(n)) letters = Math.min(letters, editDistance(lit, literal(n)));
        }
        exact.push({ i, same, weak, letters });
      }
      info = { key, loose: nk.loose, exact, vowel: null, looseHits: null };
    }
    if (this.nameMemo.size >= 20000) this.nameMemo.clear();
    this.nameMemo.set(target, info);
    return info;
  }

  /** Places of the keys one vowel away from the key, in the order the variants list them, each once. */
  private vowelIds(info: NameInfo): number[] {
    if (info.vowel) return info.vowel;
    const out: number[] = [];
    const seen = new Set<number>();
    for (const v of vowelVariants(info.key)) {
      const ids = this.g.byKey.get(v);
      if (ids === undefined) continue;
      if (typeof ids === 'number') {
        if (!seen.has(ids)) { seen.add(ids); out.push(ids); }
        continue;
      }
      for (const i of ids) {
        if (seen.has(i)) continue;
        seen.add(i);
        out.push(i);
      }
    }
    return (info.vowel = out);
  }

  /**
   * Loose-key (consonant skeleton) candidates close enough to the key, with their edit distance, in
   * bucket order. `country` matters only for a big bucket (searched within the report's country alone).
   */
  private looseHits(info: NameInfo, country: string | undefined): LooseHit[] {
    const all = this.g.looseIds(info.loose);
    const memoKey = all.length <= 300 ? '' : country ?? '-';
    const memo = (info.looseHits ??= new Map());
    let hits = memo.get(memoKey);
    if (hits) return hits;
    hits = [];
    // a big bucket (short skeletons) is only searched within the report's country
    const loose = all.length <= 300 ? all : country ? all.filter((i) => this.g.places[i]!.iso2 === country) : [];
    if (loose.length <= 3000) {
      const key = info.key;
      const max = Math.max(2, Math.floor(key.length / 3));
      for (const i of loose) {
        let best = Infinity;
        for (const k of this.allKeys(i)) {
          if (Math.abs(k.length - key.length) >= best) continue;
          best = Math.min(best, editDistance(key, k));
        }
        if (best > max) continue;
        hits.push({ i, best });
      }
    }
    memo.set(memoKey, hits);
    return hits;
  }

  /**
   * A candidate that fits the context: in the country (iso2, when known), in the named areas, and near
   * the report's other places (when there are any). A method, not a closure per call (tsx wraps named closures).
   */
  private fits(c: Scored, iso2: string | undefined, ctx: GeoContext): boolean {
    return (!iso2 || c.p.iso2 === iso2) && this.inHints(c.p, ctx) &&
      (!ctx.nearby?.length || ctx.nearby.some((q) => haversineKm(c.p, q) < 50));
  }

  private lookup(target: string, ctx: GeoContext = {}): Scored[] {
    const info = this.nameInfo(target);
    if (!info) return [];
    const out: Scored[] = [];
    const seen = new Set<number>();
    for (const e of info.exact) {
      seen.add(e.i);
      const far = e.same ? 0 : Number.isFinite(e.letters) ? Math.min(12, e.letters * 2) : 0;
      out.push({ i: e.i, p: this.g.places[e.i]!, score: (e.same ? 17 : e.weak ? 7 : 12) - far, exact: true, lit: e.same, letters: e.letters });
    }
    // one vowel written differently, added or left out ("al-Sobha" = "Sabha", "Tal'adah" = "Tilaada",
    // "Hamdaniya" = "Hamadaniyeh"): nearer than any consonant-skeleton match, never as near as the key itself
    // also when every exact name lies outside the named areas or far from the report's other places
    // ("the al-Hamdaniya desert" by Maadan: Hamadaniyeh near it, not Hamdaniyeh 200 km off)
    const country = this.g.findCountry(ctx.country ?? null);
    const home = country?.iso2;
    if (!out.some((c) => this.fits(c, home, ctx))) {
      for (const i of this.vowelIds(info)) {
        if (seen.has(i)) continue;
        seen.add(i);
        out.push({ i, p: this.g.places[i]!, score: 1, exact: false, dist: 1 });
      }
    }
    if (info.loose) {
      for (const h of this.looseHits(info, country?.iso2)) {
        if (seen.has(h.i)) continue;
        out.push({ i: h.i, p: this.g.places[h.i]!, score: 4 - 6 * h.best, exact: false, dist: h.best });
      }
    }
    return out;
  }

  private score(c: Scored[], ctx: GeoContext, mode: Mode, settlement = false): void {
    const country = this.g.findCountry(ctx.country ?? null);
    const hints = (ctx.areaHints ?? []).map((h) => this.hintKeys(h));
    const cities = (ctx.areaHints ?? []).map((h) => this.hintCity(h, country?.iso2)).filter((x): x is Place => !!x);
    for (const s of c) {
      const p = s.p;
      let sc = s.score + KIND_BONUS[p.kind];
      // a neighbourhood of the city the text names is as likely as a village
      // (unless the text calls it a town or village)
      if (p.kind === 'neighbourhood' && settlement) sc -= 10;
      else if (p.kind === 'neighbourhood' && cities.some((c) => haversineKm(p, c) < 15)) sc += 7;
      if (country) sc += p.iso2 === country.iso2 ? 60 : -40;

      hints.forEach((h, n) => {
        // hints come nearest first: the area named right by the mention counts most
        const w = 40 / 2 ** n;
        if (p.admin1 && h.a1.has(normalizeName(p.admin1))) sc += w;
        if (p.admin2 && h.a2.has(normalizeName(p.admin2))) sc += w * 0.5;
        if (p.admin3 && h.a3.has(normalizeName(p.admin3))) sc += w * 0.3;
      });
      if (ctx.nearby?.length) {
        let d = Infinity;
        for (const q of ctx.nearby) d = Math.min(d, haversineKm(p, q));
        sc += 25 * Math.exp(-d / 40);
      }
      sc += 5 * Math.min(6.5, Math.log10(1 + p.population));
      if (mode === 'admin' || mode === 'area') {
        if (p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3' || p.kind === 'country' || p.kind === 'region') sc += 25;
      } else if (mode === 'point' || mode === 'near') {
        if (p.kind === 'populated' || p.kind === 'neighbourhood') sc += 10;
      }
      s.score = sc;
    }
  }

  resolve(mention: string, ctx: GeoContext = {}): GeoResolution | null {
    if (!mention || !mention.trim() || mention.length > MAX_MENTION) return null;
    // the whole mention first: "Rural Damascus", "Eastern Ghouta", "Jabal al-Zawiya"
    const whole = parseCached(mention);
    let parsed: Parsed = whole;
    let cands = this.lookup(whole.target, ctx);
    if (!cands.length && whole.mode === 'plain') return this.unknownInArea(whole, ctx);
    if (whole.mode !== 'plain') {
      // a name that literally contains the words ("Rural Damascus", "Eastern Ghouta", "Nakhla Camp")
      const asIs = this.lookup(mention.trim().replace(/^(?:in|at|the)\s+/i, '').replace(/^the\s+/i, ''), ctx);
      const asIsExact = asIs.filter((c) => c.lit);
      if (asIsExact.length && !/countryside|outskirts|\bnear\b|around|vicinity|environs/i.test(mention)) {
        cands = asIsExact;
        parsed = { target: mention, mode: 'plain', dir: null };
      }
    }
    const country = this.g.findCountry(ctx.country ?? null);
    if (country) {
      // a well-known place of another country named exactly, nothing of that name in the report's country
      // ("Kabul" in a Pakistan report): that place, not a spelling variant or a hinted area at home
      const abroad = this.wellKnownAbroad(cands, country.iso2, ctx);
      if (abroad) {
        const r = this.toResolution(abroad.p, parsed);
        if (r.place) r.location = plainName(this.displayName(abroad.i, parsed.target));
        return r;
      }
      // outside the report's country only exact names of places near it (a border town across the line)
      cands = cands.filter((c) => c.p.iso2 === country.iso2 || (c.exact && this.g.nearCountry(c.p, country.iso2)));
    }
    // spelling-variant (loose) matches only when no exact match fits the country and the named areas
    if (cands.some((c) => c.exact && this.fits(c, country?.iso2, ctx))) cands = cands.filter((c) => c.exact);
    if (!cands.length) return this.unknownInArea(parsed, ctx);
    const mode = parsed.mode;
    // directional / countryside phrases about an admin area or a country mean the area itself
    const adminish = mode === 'area' || mode === 'admin' || (mode === 'countryside' && parsed.dir !== null);
    if (adminish) {
      const areas = cands.filter((c) => c.p.kind === 'admin1' || c.p.kind === 'admin2' || c.p.kind === 'admin3' || c.p.kind === 'country' || c.p.kind === 'region');
      if (areas.length) cands = areas;
    }
    cands = collapseNested(cands, adminish);
    this.score(cands, ctx, mode, parsed.settlement);
    cands.sort((a, b) => b.score - a.score);
    // fold candidates that are the same spot (one place from several sources) into the best one
    const distinct: Scored[] = [];
    for (const c of cands) {
      if (!distinct.some((d) => haversineKm(d.p, c.p) < 4)) distinct.push(c);
    }
    let best = distinct[0]!;
    // a name that is itself a first-level admin area of the report's country ("Diyala") is that area,
    // whatever the hints say, unless the best candidate is the town it is named after (inside it) or a
    // city in its own right (Kyiv, Sanaa: a capital city apart from the province of its name)
    const a1 = distinct.find((c) => c.lit && c.p.kind === 'admin1' && (!country || c.p.iso2 === country.iso2));
    if (a1 && a1 !== best && !inside(best.p, a1.p) && !adminish && !isCity(best)) {
      // ("Sanaa" with a hint around a village Sana': the capital city of that name, else the area)
      const big = distinct.find((c) => c.lit && isCity(c) && c.p.iso2 === a1.p.iso2);
      const r = this.toResolution(big?.p ?? a1.p, parsed);
      if (big && r.place) r.location = plainName(this.displayName(big.i, parsed.target));
      return r;
    }
    const second = distinct[1];
    const fallback = this.hintFallback(best, parsed, ctx);
    if (fallback) return fallback;
    // a spelling variant with other consonants ("Nyaung Kone" for "Nyaung Gon") matched to a town of
    // the world cities list (towns of 1,000+ people: most villages are not in it, many share a name) is a guess at a namesake unless the text corroborates
    // it (an area named around the mention or other places of the report nearby). The village-level
    // lists (OCHA Syria, user imports) name nearly every place, so a near spelling there stands.
    if (!best.exact && best.p.id.startsWith('gn:') && !this.vowelsOnly(best.i, normalizeName(parsed.target)) && !ctx.areaHints?.length &&
      !ctx.nearby?.some((q) => haversineKm(best.p, q) < 50)) return null;
    const MARGIN = 6;
    // a village against a neighbourhood: the kind of place is itself evidence, so a smaller lead decides
    // two spellings equally far from the mention and nothing else to go by: size alone does not say
    // which one the text meant
    const margin = second && (best.p.kind === 'neighbourhood') !== (second.p.kind === 'neighbourhood') ? 3 : best.exact || ctx.areaHints?.length || ctx.nearby?.length ? MARGIN : 25;
    const comparable = best.exact ? true : !second?.exact && second?.dist === best.dist;
    if (second && best.score - second.score < margin && comparable) {
      return this.ambiguous(parsed, best, second, distinct, ctx);
    }
    const r = this.toResolution(best.p, parsed);
    if (r.place) r.location = plainName(this.displayName(best.i, parsed.target));
    return r;
  }

  /** The place's own spelling of the name the text used, when it has one ("Idlib" rather than OCHA's "Idleb"). */
  private displayName(i: number, target: string): string {
    const p = this.g.places[i]!;
    const lit = literal(target);
    if (literal(p.name) === lit) return p.name;
    // a written form (capitalised), not GeoNames' lower-case ASCII search names
    const same = this.g.alts[i]!.find((a) => a[0] !== '~' && /^[^a-z]*[A-Z]/.test(a) && literal(a) === lit);
    return same ? same.replace(/\s+/g, ' ').trim() : p.name;
  }

  private ambiguous(parsed: Parsed, a: Scored, b: Scored, all: Scored[], ctx: GeoContext): GeoResolution | null {
    const n = all.filter((c) => a.score - c.score < 6).length;
    const a2 = a.p.iso2 === 'SY' ? sharedAdmin(a, b, 'admin2') : null;
    const a1 = sharedAdmin(a, b, 'admin1');
    const area = a2 ? this.findAdmin(a.p.iso2, 'admin2', a2, a1) : a1 ? this.findAdmin(a.p.iso2, 'admin1', a1, a1) : null;
    void ctx;
    if (!area) return null;
    const r = this.toResolution(area, { ...parsed, mode: 'admin' });
    r.geo_note = `ambiguous: ${n} places named ${parsed.target}; placed at ${area.name}`;
    return r;
  }

  /**
   * The well-known place (a capital, a provincial seat, or a city of 100,000+) of another country whose
   * name is literally the mention, when no place of the report's country has that name (exact key);
   * the largest such place (a capital first). Null otherwise. A spelling one letter away at home, in
   * the named areas ("Jilin" for Jlein, Daraa), keeps the mention at home unless the foreign place is
   * a national capital ("Kabul" is not a misspelt Kabal).
   */
  private wellKnownAbroad(cands: Scored[], home: string, ctx: GeoContext): Scored | null {
    let best: Scored | null = null;
    let bestRank = -1;
    // a spelling one letter away at home, in the named areas (computed on first need)
    let homeVariant: boolean | null = null;
    for (const c of cands) {
      if (!c.exact) continue;
      // the name at home: written the same or one letter off ("Qabul"), not a mere key collision ("Qabula")
      if (c.p.iso2 === home) {
        if (c.lit || (c.letters ?? 0) <= 1) return null;
        continue;
      }
      if (!c.lit || c.p.kind !== 'populated') continue;
      const key = normalizeName(c.p.name);
      const capital = normalizeName(this.g.countryOf(c.p.iso2)?.capital ?? '') === key;
      const seat = !!c.p.admin1 && normalizeName(c.p.admin1) === key && c.p.population > 0;
      if (!capital && !seat && c.p.population < 100000) continue;
      if (!capital && (homeVariant ??= cands.some((v) => v.p.iso2 === home && !v.exact && (v.dist ?? Infinity) <= 1 && this.inHints(v.p, ctx)))) continue;
      const rank = (capital ? 1e10 : 0) + c.p.population;
      if (rank > bestRank) { best = c; bestRank = rank; }
    }
    return best;
  }

  /** The city a hint names, when it names one (population at least 50,000), in the report's country. */
  private hintCity(hint: string, iso2: string | undefined): Place | null {
    const key = normalizeName(hint);
    let best: Place | null = null;
    for (const i of this.g.ids(key)) {
      const p = this.g.places[i]!;
      if (p.kind !== 'populated' || p.population < 50000 || (iso2 && p.iso2 !== iso2)) continue;
      if (!best || p.population > best.population) best = p;
    }
    return best;
  }

  /** True when no hint names an admin area, or the place lies in (or is) one of the named areas. */
  private inHints(p: Place, ctx: GeoContext): boolean {
    const hints = ctx.areaHints ?? [];
    if (!hints.length) return true;
    let named = false;
    for (const h of hints) {
      const areas = this.hintAreas(h);
      if (!areas.length) continue;
      named = true;
      if (areas.some((a) => a === p || inside(p, a))) return true;
    }
    return !named;
  }

  /** Scored candidates, best first (for debugging and the eval's miss table). */
  explain(mention: string, ctx: GeoContext = {}): { name: string; kind: string; admin1: string | null; lat: number; lon: number; score: number; exact: boolean }[] {
    const parsed = parseCached(mention);
    const c = this.lookup(parsed.target, ctx);
    this.score(c, ctx, parsed.mode, parsed.settlement);
    return c.sort((a, b) => b.score - a.score).map((s) => ({ name: s.p.name, kind: s.p.kind, admin1: s.p.admin1, lat: s.p.lat, lon: s.p.lon, score: Math.round(s.score * 10) / 10, exact: s.exact }));
  }

  /**
   * When the text names the admin area around the mention and the best candidate lies elsewhere, the
   * candidate is most likely another place of the same name (or a near-miss spelling): place the event
   * at the named area instead, with precision 3 and a note. Regions and prominent exact matches stand.
   */
  private hintFallback(best: Scored, parsed: Parsed, ctx: GeoContext): GeoResolution | null {
    const hints = ctx.areaHints ?? [];
    if (!hints.length || best.p.kind === 'country') return null;
    // the mention names an admin area itself ("Diyala" with the hint "Baghdad"): the area, not the hint
    if (best.lit && (best.p.kind === 'admin1' || best.p.kind === 'admin2' || best.p.kind === 'admin3')) return null;
    const country = this.g.findCountry(ctx.country ?? null);
    if (best.p.kind === 'region') return this.regionFallback(best.p, parsed, ctx, country?.iso2);
    let area: Place | null = null;
    for (const h of hints) {
      const key = this.hintKey(h);
      const areas = this.g.ids(key).map((i) => this.g.places[i]!)
        .filter((p) => (p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3') && (!country || p.iso2 === country.iso2));
      if (!areas.length) {
        // a region named as the area: the candidate should lie in or by it
        const region = this.g.ids(key).map((i) => this.g.places[i]!).find((p) => p.kind === 'region' && (!country || p.iso2 === country.iso2));
        if (!region) continue;
        if (haversineKm(best.p, region) < 30) return null;
        area ??= region;
        continue;
      }
      if (areas.some((a) => a === best.p || inside(best.p, a) || (a.kind === 'admin1' && haversineKm(best.p, a) < 40))) return null;
      // a place by the border of the named governorate (the text names the governorate across the line)
      if (areas.some((a) => a.kind === 'admin1' && a.admin1 && this.nearAdmin1(best.p, a.admin1))) return null;
      area ??= areas.sort((a, b) => LEVEL[a.kind]! - LEVEL[b.kind]!)[0]!;
    }
    if (!area) return null;
    // a town named exactly that is a district seat or larger (25,000+) is the prominent one of its name
    if (best.score >= 17 + 60 && best.p.population >= 25000 && best.exact) return null;
    const r = this.toResolution(area, { ...parsed, mode: 'admin' });
    r.geo_note = `${parsed.target} not found in ${area.name}; placed at ${area.name}`;
    return r;
  }

  /**
   * A region (they are large: representative point, no exact outline) stands unless every admin area
   * named around it lies far away: "the X desert, east of Deir ez-Zor" is not a namesake desert 200 km
   * off in another governorate. Then the event is placed at the named area (precision 3, with a note).
   */
  private regionFallback(region: Place, parsed: Parsed, ctx: GeoContext, iso2: string | undefined): GeoResolution | null {
    let area: Place | null = null;
    for (const h of ctx.areaHints ?? []) {
      const areas = this.g.ids(this.hintKey(h)).map((i) => this.g.places[i]!)
        .filter((p) => (p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3') && (!iso2 || p.iso2 === iso2));
      if (!areas.length) continue;
      if (areas.some((a) => inside(region, a) || haversineKm(region, a) < 100)) return null;
      area ??= areas.sort((a, b) => LEVEL[a.kind]! - LEVEL[b.kind]!)[0]!;
    }
    if (!area) return null;
    const r = this.toResolution(area, { ...parsed, mode: 'admin' });
    r.geo_note = `${parsed.target} not found in ${area.name}; placed at ${area.name}`;
    return r;
  }

  /**
   * A name the gazetteer does not know at all, with an admin area named around it: the event is in
   * that area (precision 3, as ACLED codes a village it cannot place), with a note saying so.
   */
  private unknownInArea(parsed: Parsed, ctx: GeoContext): GeoResolution | null {
    const hints = ctx.areaHints ?? [];
    if (!hints.length || !/\p{L}{2}/u.test(parsed.target) || parsed.target.split(/\s+/).length > 6) return null;
    const country = this.g.findCountry(ctx.country ?? null);
    for (const h of hints) {
      const areas = this.g.ids(this.hintKey(h)).map((i) => this.g.places[i]!)
        .filter((p) => (p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3') && (!country || p.iso2 === country.iso2))
        .sort((a, b) => LEVEL[a.kind]! - LEVEL[b.kind]!);
      const area = areas[0] ?? this.g.ids(this.hintKey(h)).map((i) => this.g.places[i]!)
        .find((p) => p.kind === 'region' && (!country || p.iso2 === country.iso2));
      if (!area) continue;
      const r = this.toResolution(area, { ...parsed, mode: 'admin' });
      r.geo_note = `${parsed.target} not found in the gazetteer; placed at ${area.name}`;
      return r;
    }
    return null;
  }

  findAdmin(iso2: string, kind: 'admin1' | 'admin2', name: string, admin1: string | null): Place | null {
    for (const i of this.g.ids(normalizeName(name))) {
      const p = this.g.places[i]!;
      if (p.iso2 === iso2 && p.kind === kind && (kind === 'admin1' || !admin1 || p.admin1 === admin1)) return p;
    }
    return null;
  }

  private toResolution(p: Place, parsed: Parsed): GeoResolution {
    const c = this.g.countryOf(p.iso2);
    const country = c?.name ?? p.country, iso = c?.iso ?? p.iso;
    // one literal per case (no spread of a base object), keys in the order the spread gave them:
    // country, iso, admin1, admin2, admin3, latitude, longitude, geo_note, place, location, geo_precision
    if (p.kind === 'admin1' || p.kind === 'admin2' || p.kind === 'admin3' || p.kind === 'country') {
      const cityLike = p.kind !== 'country' && parsed.mode === 'countryside' && parsed.dir === null;
      return {
        country, iso,
        admin1: p.kind === 'country' ? null : p.admin1,
        admin2: p.kind === 'admin2' || p.kind === 'admin3' ? p.admin2 : null,
        admin3: p.kind === 'admin3' ? p.admin3 : null,
        latitude: round4(p.lat), longitude: round4(p.lon),
        geo_note: p.kind === 'country' ? `country only; placed at the capital (${c?.capital || p.name})` : null,
        place: null, location: p.kind === 'admin1' ? (p.admin1 ?? p.name) : p.name,
        geo_precision: cityLike ? 2 : 3,
      };
    }
    const near = p.kind !== 'region' && (parsed.mode === 'near' || parsed.mode === 'countryside' || parsed.mode === 'area');
    return {
      country, iso, admin1: p.admin1, admin2: p.admin2, admin3: p.admin3,
      latitude: round4(p.lat), longitude: round4(p.lon), geo_note: null,
      place: p, location: p.name, geo_precision: p.kind === 'region' || near ? 2 : 1,
    };
  }
}

/** A city in its own right (50,000 people or more). */
function isCity(c: Scored): boolean {
  return c.p.kind === 'populated' && c.p.population >= 50000;
}

/** The admin area of level k two candidates share (same country), or null. */
function sharedAdmin(a: Scored, b: Scored, k: 'admin1' | 'admin2'): string | null {
  return a.p.iso2 === b.p.iso2 && a.p[k] && a.p[k] === b.p[k] ? a.p[k] : null;
}

const LEVEL: Record<string, number> = { country: 0, admin1: 1, admin2: 2, admin3: 3 };
const isArea = (p: Place): boolean => p.kind in LEVEL;
const areaName = (p: Place): string | null =>
  p.kind === 'admin1' ? p.admin1 : p.kind === 'admin2' ? p.admin2 : p.kind === 'admin3' ? p.admin3 : null;
const inside = (p: Place, area: Place): boolean => {
  if (p.iso2 !== area.iso2) return false;
  if (area.kind === 'country') return true;
  const k = area.kind as 'admin1' | 'admin2' | 'admin3';
  return p[k] !== null && p[k] === areaName(area);
};

/**
 * A name that is both an admin area and a place inside it (Idlib city / Idleb district / Idlib
 * governorate; Rural Damascus governorate / district) is one referent, not an ambiguity: for a plain
 * mention the populated place wins, for an area mention ("southern Idlib", "Idlib province") the
 * largest area wins.
 */
function collapseNested(c: Scored[], adminish: boolean): Scored[] {
  const areas = c.filter((s) => isArea(s.p));
  if (!areas.length) return c;
  const drop = new Set<Scored>();
  for (const a of areas) {
    for (const s of c) {
      if (s === a || drop.has(s) || !inside(s.p, a.p)) continue;
      if (isArea(s.p)) {
        // nested areas of the same name: keep the larger one
        if (LEVEL[s.p.kind]! > LEVEL[a.p.kind]!) drop.add(s);
      } else if (s.p.kind === 'populated' && !drop.has(a)) {
        if (adminish) drop.add(s);
        else {
          // the town an area is named after is the prominent one of its name
          drop.add(a);
          s.score += a.p.kind === 'admin1' ? 12 : a.p.kind === 'admin2' ? 8 : 5;
        }
      }
    }
  }
  return c.filter((s) => !drop.has(s));
}

const VOWELS = ['a', 'i', 'u'];
const isVowel = (c: string | undefined): boolean => c === 'a' || c === 'i' || c === 'u';

/**
 * Keys one vowel away from a key: a vowel replaced by another or dropped, or a vowel put between two
 * consonants. Keys shorter than 4 letters have none (too many short names would match).
 */
export function vowelVariants(key: string): string[] {
  if (key.length < 4 || !/^[a-z]+$/.test(key)) return [];
  const out = new Set<string>();
  for (let j = 0; j < key.length; j++) {
    const c = key[j]!;
    if (isVowel(c)) {
      for (const v of VOWELS) if (v !== c) out.add(key.slice(0, j) + v + key.slice(j + 1));
      if (j > 0) out.add(key.slice(0, j) + key.slice(j + 1));
    } else if (j > 0 && !isVowel(key[j - 1])) {
      for (const v of VOWELS) out.add(key.slice(0, j) + v + key.slice(j));
    }
  }
  out.delete(key);
  return [...out];
}

/** The letters of a name, without case, diacritics, punctuation or article. */
const literal = memoize(literalOf, 100000);

function literalOf(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/^(?:al|el|ad|ed|ash|esh|as|es|at|et|ar|er|az|ez|an|en)[\s'’-]+/, '').replace(/[^a-z0-9\u0621-\u064a]/g, '')
    .replace(/(.)\1+/g, '$1');
}

/** A location name as ACLED writes it: no diacritics or ayn/hamza marks ("Sarāqib" -> "Saraqib", "Ma‘rib" -> "Ma'rib"). */
function plainName(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s) || /[\u0600-\u06ff]/.test(s)) return s;
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[‘’ʼʻʿʾ`´]/g, "'").replace(/ı/g, 'i');
}

function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}

export { nameTokens };
