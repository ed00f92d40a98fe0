/**
 * Place mentions in a sentence: names after locative cues ("in X", "the villages of A, B and C",
 * "X village", "near X"), lists, and area phrases ("the northern countryside of Aleppo", "southern
 * Idlib"). Uses the geocoder's fast name lookups (candidates/isPrefix); resolution happens later.
 */
import type { Geocoder, Place } from '../geo/types.js';
import { LETTER, plainTwin, wordMatches } from './lexicon.js';

export interface PlaceMention {
  /** The bare name, e.g. "Nayrab". */
  name: string;
  /** What to hand to geocoder.resolve, e.g. "the outskirts of Tal Tamir" or "Nayrab". */
  query: string;
  start: number; // span of the name
  end: number;
  /** Introduced by a place noun ("village of X", "X town"): a place even if the gazetteer does not know it. */
  strong: boolean;
  /** "near X", "outskirts of X", "X countryside": the event is near X (geo precision 2). */
  near: boolean;
  /** A region/area phrase ("northern countryside of Aleppo", "southern Idlib"). */
  area: boolean;
  /** A later item of a list whose first item was a place ("in A, B and C"). */
  listed: boolean;
}

const PREFIX = "(?:(?:[Aa][lnrstdz]|[Aa]sh|[Ee][lndzs]|[Aa]d|[Uu]m|[Aa]bu|[Bb]ani|[Bb]eit|[Dd]eir|[Kk]afr|[Tt]al|[Tt]el)[-‑’'])";
const WORD = `(?:${PREFIX}?\\p{Lu}[\\p{L}\\p{M}’'‑-]*|${PREFIX}\\p{Ll}[\\p{L}\\p{M}’'‑-]*)`;
const CONNECT = '(?:al|el|ad|ar|as|ash|at|az|an|ed|ez|bin|ibn|bani|abu|um|umm|de|du|la|le|des)';
const RUN = `${WORD}(?:[ ](?:${CONNECT}[ ])?${WORD}){0,4}`;
const PLACE_NOUN =
  'villages?|towns?|cit(?:y|ies)|areas?|neighbou?rhoods?|districts?|provinces?|governorates?|regions?|countryside|outskirts|vicinity|suburbs?|camps?|municipalit(?:y|ies)|localit(?:y|ies)|sub-?districts?|count(?:y|ies)|axis|fronts?|frontlines?|hamlets?|settlements?|farms?|desert|plain|mountains?|hills?|state|island|port|border crossing|crossing|road|highway';
const PLACE_NOUN_AFTER =
  'village|villages|town|city|camp|district|neighbou?rhood|countryside|area|road|highway|desert|axis|front|plain|mountains?|valley|governorate|province|region|subdistrict|sub-district|county|state|municipality|farms?|hills?|airport|airbase|air base|military airport|crossing|checkpoint|prison|dam|bridge|junction|base|military base';

const NEAR_CUES = /\b(?:near|outside|outskirts of|vicinity of|around|close to|countryside of|surroundings of|on the edge of|east of|west of|north of|south of|northeast of|northwest of|southeast of|southwest of|in the direction of|toward|towards)\s+(?:the\s+)?(?:(?:\w+ern|town|village|city)\s+(?:of\s+)?)?$/i;
const CUE_RE = new RegExp(
  `\\b(?:(?:${PLACE_NOUN}) of|(?:village|town|hamlet|locality)(?:,| called| named| known as)|in|at|on|near|around|outside|into|toward|towards|from|across|along|between|control of|targeting|targeted|target|hit|hitting|struck|striking|shelled|shelling|bombed|bombing|pounded|attacked|attacking|stormed|captured|seized|recaptured|retook|entered|reached|raided|besieged|of|east of|west of|north of|south of|northeast of|northwest of|southeast of|southwest of|close to|to|(?:north|south|east|west)(?:ern|east|west|eastern|western)?)[ ]+(?:the[ ]+)?(?:(?:[a-z][a-z-]+)[ ]+){0,2}?(${RUN})`,
  'gu',
);
const AFTER_NOUN_G = new RegExp(`[ ](?:${PLACE_NOUN_AFTER})(?![\\p{L}])`, 'gu');
const AFTER_RE = new RegExp(`(?<![\\p{L}])(${RUN})[ ]+(?:${PLACE_NOUN_AFTER})(?![\\p{L}])`, 'gu');
const LIST_NEXT = new RegExp(`^(?:,[ ]*(?:and[ ]+|or[ ]+)?|[ ]+and[ ]+|[ ]+or[ ]+|[ ]*&[ ]*)(?:the[ ]+)?(?:(?:villages?|towns?|areas?|cities) of[ ]+)?(${RUN})`, 'u');
/**
 * Whether the text before `end` (white space dropped) ends as a STRONG_BEFORE match must: "of", ",", "called",
 * "named", "as" or "the" (any case). A cheap test first: most cue matches follow none of these.
 */
function strongEnding(sentence: string, end: number): boolean {
  let e = end;
  while (e > 0 && sentence.charCodeAt(e - 1) === 32) e--;
  if (e === 0) return false;
  const c = sentence.charCodeAt(e - 1) | 32; // last character, lower-cased when a letter
  if (c === 44) return true; // "," (and a form feed, 12 | 32: a superset)
  if (c === 102) return e >= 2 && (sentence.charCodeAt(e - 2) | 32) === 111; // "of"
  if (c === 100 || c === 115 || c === 101) return true; // "called", "named", "as", "the" (and more: a superset)
  return false;
}
const STRONG_BEFORE = new RegExp(`(?:(?:${PLACE_NOUN}) of|(?:village|town|hamlet|locality)(?:,| called| named| known as))[ ]+(?:the[ ]+)?$`, 'i');

const STOP = new Set(
  [
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april',
    'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'the', 'a', 'an', 'this', 'that',
    'these', 'those', 'he', 'she', 'they', 'it', 'we', 'i', 'his', 'her', 'their', 'its', 'our', 'according', 'however',
    'meanwhile', 'on', 'in', 'at', 'and', 'but', 'president', 'minister', 'observatory', 'reuters', 'afp', 'ap',
    'sohr', 'press', 'news', 'agency', 'ministry', 'council', 'un', 'united nations', 'god', 'allah', 'eid',
    'ramadan', 'christmas', 'islam', 'islamic', 'muslim', 'arab', 'kurdish', 'sunni', 'shia', 'shiite', 'christian',
    'telegram', 'twitter', 'facebook', 'x', 'photo', 'video', 'source', 'sources', 'read', 'more', 'editing', 'writing',
    'reporting', 'comments', 'leave', 'other', 'several', 'some', 'many', 'local', 'security', 'military', 'army',
    'state', 'province', 'governorate', 'city', 'town', 'village', 'region', 'district', 'countryside', 'area', 'forces',
    'force', 'brigade', 'division', 'front', 'group', 'party', 'movement', 'government', 'regime', 'general', 'colonel',
    'sheikh', 'doctor', 'dr', 'mr', 'mrs', 'ms', 'national', 'democratic', 'international', 'coalition', 'unit', 'units',
    'police', 'intelligence', 'directorate', 'republic', 'mount', 'assad', 'al-assad', 'al-qaida', 'al-qaeda', 'qaida', 'qaeda', 'gazan', 'kingdom', 'union', 'adha', 'al-adha', 'fitr', 'al-fitr', 'tahrir', 'hayat', 'hayyat', 'hayyaat', 'jabhat', 'liwa', 'jaish', 'katibat', 'ansar',
  ].map((s) => s.toLowerCase()),
);

export interface PlaceFinderDeps {
  geocoder: Geocoder;
  /** True when the words are an actor name or alias (not a place). */
  isActorName(s: string): boolean;
}

function cleanName(s: string): string {
  return s.replace(/['’]s$/u, '').replace(/[-‑’']+$/u, '').trim();
}

/**
 * Trim a capitalised run to the longest known gazetteer name from its start ("Sarmin City" → "Sarmin");
 * returns the run unchanged when the gazetteer knows nothing.
 */
function longestKnown(geocoder: Geocoder, words: string[]): number {
  let best = 0;
  for (let i = 1; i <= words.length; i++) {
    const s = words.slice(0, i).join(' ');
    if (knownCount(geocoder, s)) best = i;
    if (!knownPrefix(geocoder, s)) break;
  }
  return best;
}

// gazetteer answers do not change while a geocoder lives: remember them (bounded)
const countMemo = new WeakMap<Geocoder, Map<string, number>>();
const prefixMemo = new WeakMap<Geocoder, Map<string, boolean>>();
function memo<V>(store: WeakMap<Geocoder, Map<string, V>>, g: Geocoder, key: string, f: () => V): V {
  let m = store.get(g);
  if (!m) store.set(g, (m = new Map()));
  let v = m.get(key);
  if (v === undefined) {
    if (m.size > 100_000) m.clear();
    v = f();
    m.set(key, v);
  }
  return v;
}
const candMemo = new WeakMap<Geocoder, Map<string, Place[]>>();
/** geocoder.candidates, remembered per name. */
export function candidatesOf(g: Geocoder, name: string): Place[] {
  return memo(candMemo, g, name, () => g.candidates(name));
}
export function knownCount(g: Geocoder, name: string): number {
  return memo(countMemo, g, name, () => candidatesOf(g, name).length);
}
function knownPrefix(g: Geocoder, name: string): boolean {
  return memo(prefixMemo, g, name, () => g.isPrefix(name));
}

/** ECMAScript white space and line terminators (what \s matches and trimEnd drops). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
/**
 * The last characters before `end`, white space dropped, lower-cased. A regex that ends with a word then "\s+$"
 * or "\s*$" (case-insensitive, without the u flag: that word's ASCII letters in either case) can match the text
 * before `end` only where this tail ends with that word.
 */
function tailBefore(sentence: string, end: number): string {
  let e = end;
  while (e > 0 && isSpace(sentence.charCodeAt(e - 1))) e--;
  return sentence.slice(Math.max(0, e - 12), e).toLowerCase();
}
function endsWithAny(tail: string, words: readonly string[]): boolean {
  for (const w of words) if (tail.endsWith(w)) return true;
  return false;
}
/** What the text before a name can end with where the regexes of these names match. */
const DIR_ENDS = ['north', 'south', 'east', 'west', 'ern'];
const TO_ENDS = ['to', 'towards', 'a', 'an', 'the', 'in', 'near', 'of'];
const NEAR_ENDS = ['near', 'outside', 'of', 'around', 'to', 'toward', 'towards', 'the', 'ern', 'town', 'village', 'city'];

/** One sentence's place scan: what findPlaces and its helpers share (module-level helpers, not closures made per sentence). */
interface Scan {
  sentence: string;
  base: number;
  deps: PlaceFinderDeps;
  geocoder: Geocoder;
  out: PlaceMention[];
  seen: Set<number>;
}

function listHasKnown(scan: Scan, pos: number): boolean {
  const { sentence, geocoder, deps } = scan;
  for (let guard = 0; guard < 30; guard++) {
    const m = plainTwin(LIST_NEXT, sentence).exec(sentence.slice(pos));
    if (!m) return false;
    const nm = cleanName(m[1]!);
    if (nm && longestKnown(geocoder, nm.split(' ')) > 0 && !deps.isActorName(nm)) return true;
    pos += m[0].length;
  }
  return false;
}
function consider(scan: Scan, raw: string, relStart: number, strong: boolean, listFollow: boolean, feature: string | null = null): void {
  const { sentence, base, deps, geocoder, out, seen } = scan;
  let name = cleanName(raw);
  if (!name) return;
  // drop leading stop words ("The", "On")
  let words = name.split(' ');
  // (unless the words with it are a place: "the village of Arab Hassan")
  while (words.length && STOP.has(words[0]!.toLowerCase()) && !(words.length > 1 && /^\p{Lu}/u.test(words[0]!) && strong && knownCount(geocoder, words.join(' ')) > 0)) {
    relStart += words[0]!.length + 1;
    words = words.slice(1);
  }
  if (!words.length) return;
  name = words.join(' ');
  if (/^\p{Lu}{4,}$/u.test(name) && !strong) return; // DATELINE capitals
  if (STOP.has(name.toLowerCase())) return;
  let known = longestKnown(geocoder, words);
  let listed = false;
  if (known === 0 && !strong) {
    // an unknown name is a place when a list goes on to known places, or when it sits in a named area
    // ("the attack on Silgadji in Soum province")
    const tail = sentence.slice(relStart + name.length, relStart + name.length + 60);
    const inArea = /^\s*(?:,\s*|\s+in\s+(?:the\s+)?)(?:[\p{Lu}][\p{L}'’-]*\s+){1,3}(?:province|region|district|governorate|state|county|department|prefecture|territory)\b/u.test(tail);
    if (!inArea && (!listFollow || !listHasKnown(scan, relStart + name.length))) return;
    listed = true;
  }
  // "Hayyaat Tahrir Al-Sham", "Ahrar al-Sham Movement": a known first word followed by more names is an organisation
  if (known > 0 && words.length - known >= 2 && !strong) return;
  if (known > 0 && known < words.length && !strong) {
    words = words.slice(0, known);
    name = words.join(' ');
  }
  // ("southern Lebanon", "northeast Nigeria": a part of a country is a place, though the country's name is an actor's)
  // (only where the gazetteer knows that part as a region of its own: else the country is no place to code)
  // (the regexes below that end at the name, with "\s+$" after a word, are tried only when the text before the
  // name ends in a word they could end with: `tail`, lower-cased, without the white space)
  const tail = tailBefore(sentence, relStart);
  const dirBefore = !endsWithAny(tail, DIR_ENDS) ? null : /\b((?:north|south|east|west)(?:ern|[- ]?(?:east|west)(?:ern)?)?)\s+$/i.exec(sentence.slice(Math.max(0, relStart - 16), relStart));
  const partOfCountry = !!dirBefore && candidatesOf(geocoder, name).some((c) => c.kind === 'country') &&
    geocoder.resolve(`${dirBefore[1]} ${name}`)?.place?.kind === 'region';
  if (!partOfCountry && (deps.isActorName(name) || deps.isActorName(raw.trim()))) return;
  const afterName = sentence.slice(relStart + name.length, relStart + name.length + 30);
  if (/^\s+(?:village|town|hamlet)\b/i.test(afterName)) strong = true;
  // "an official in Mogadishu told", "Karama Square", "Manbij Military Council": not where the event is
  if (/^\s*(?:,\s*)?(?:told|said|says|reported|added|confirmed|stated)\b/i.test(afterName)) return;
  if (tail.endsWith('to') && /\baccording to\s+$/i.test(sentence.slice(Math.max(0, relStart - 14), relStart))) return;
  if (!strong && /^\s+(?:square|street|roundabout|avenue|university|stadium|military council|council|front|brigade|media|news|press|observatory|center|centre|road|highway|motorway)\b/i.test(afterName)) return;
  // "the al-Ades family", "the Obeidat tribe": people, not a place
  if (/^\s+(?:family|families|clan|clans|tribe|tribes|household)\b/i.test(afterName)) return;
  // "a man from X was killed": where the victim comes from, not where the event was
  if (!strong && (tail.endsWith('from') || tail.endsWith('the')) && /\b(?:a|an|the|two|three|one|young|elderly)\s+(?:[\w-]+\s+)?(?:man|woman|men|women|boy|girl|youth|child|children|person|people|resident|residents|native|civilian|civilians|farmer|shepherd|member|members)\s+(?:hailing\s+)?from\s+(?:the\s+)?$/i.test(sentence.slice(Math.max(0, relStart - 50), relStart))) return;
  // "Abou Khasahb desert" with the second word misspelt: a name prefix alone is no place
  if (words.length === 1 && NAME_PREFIX.test(name) && /^\s+\p{Lu}/u.test(afterName)) return;
  // "between the cities of Gao and Ansongo": the first one places the event
  if (tail.endsWith('and') && /\band\s+$/i.test(sentence.slice(Math.max(0, relStart - 6), relStart)) && /\bbetween\s+(?:the\s+)?(?:(?:\w+\s+){0,2}(?:cities|towns|villages)\s+of\s+)?\S+(?:\s+\S+)?\s+and\s+$/i.test(sentence.slice(Math.max(0, relStart - 60), relStart))) return;
  if (sentence.slice(Math.max(0, relStart - 40), relStart).toLowerCase().includes('from') && /\b(?:launched|fired|coming|came|originating|flew|fleeing|fled|displaced|returned|returning|withdrew|escaped)\s+from\s+(?:the\s+)?(?:\w+\s+)?$/i.test(sentence.slice(Math.max(0, relStart - 40), relStart))) return;
  // "transported to Gao", "taken to a hospital near Tal Tamir": where the wounded went, not where the event was
  if (endsWithAny(tail, TO_ENDS) && /\b(?:transported|taken|transferred|evacuated|rushed|moved|brought|fled|displaced)\s+(?:to|towards)\s+(?:an?\s+|the\s+)?(?:(?:\w+\s+){0,2}(?:hospital|clinic|hospitals)\s+(?:in|near|of)\s+(?:the\s+)?)?$/i.test(sentence.slice(Math.max(0, relStart - 60), relStart))) return;
  if (seen.has(relStart)) return;
  seen.add(relStart);
  const before = sentence.slice(Math.max(0, relStart - 40), relStart);
  const after = sentence.slice(relStart + name.length, relStart + name.length + 14);
  // the place just before this one, by position (cue and suffix matches are found in two passes)
  let prevPlace: PlaceMention | null = null;
  for (const q of out) if (q.end - base <= relStart && (!prevPlace || q.end > prevPlace.end)) prevPlace = q;
  const containerNoun = !!prevPlace && /^\s*(?:neighbou?rhood|village|area|camp|town)?\s*,?\s*in\s+(?:the\s+)?$/i.test(sentence.slice(prevPlace.end - base, relStart)) &&
    /^\s+(?:district|sub-?district|province|governorate|region|county|area|desert|plain|valley|countryside)\b/i.test(sentence.slice(relStart + name.length, relStart + name.length + 16));
  const container = containerNoun || !!prevPlace && /^\s*(?:neighbou?rhood|village|district|area|camp|town)?\s*,?\s*(?:of|in)\s+the\s+(?:\w+\s+)?(?:town|city|district|sub-?district|province|governorate|area|region|countryside)\s+of\s+$/i.test(sentence.slice(prevPlace.end - base, relStart));
  const ofThe = tail.endsWith('of') || tail.endsWith('the');
  const near = (endsWithAny(tail, NEAR_ENDS) && NEAR_CUES.test(before)) || /^\s+(?:countryside|outskirts|area|surroundings|axis|front)\b/i.test(after);
  const area = container || /\b(?:north|south|east|west)(?:ern|east|west)?(?:\s+and\s+\w+)?\s+(?:countryside\s+of\s+)?(?:the\s+)?$/i.test(before) ||
    (ofThe && /\b(?:north|south|east|west)(?:[- ]?(?:east|west))?\s+of\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$/i.test(before)) ||
    (/^\s+(?:countryside|governorate|province|region|territory)\b/i.test(after) && !/^\s+(?:region|district)\s+of\b/i.test(after)) ||
    (ofThe && /countryside of (?:the )?$/i.test(before));
  let query = name;
  const mBefore = !ofThe ? null : /(?:the\s+)?(?:(?:north|south|east|west)(?:ern|east|west)?\s+)?(?:outskirts|vicinity|countryside|suburbs|surroundings)\s+of\s+(?:the\s+)?$/i.exec(before);
  // "a base south-west of the capital Mogadishu": near the place, not in it (precision 2)
  const compassOf = !ofThe ? null : /\b((?:north|south|east|west)(?:[- ]?(?:east|west))?)\s+of\s+(?:the\s+)?$/i.exec(before);
  const settlementOf = !tail.endsWith('of') ? null : /\b(town|village|hamlet)\s+of\s+$/i.exec(before);
  if (mBefore) query = `${mBefore[0]}${name}`;
  else if ((tail.endsWith('near') || tail.endsWith('the')) && /\bnear\s+(?:the\s+)?$/i.test(before)) query = `near ${name}`;
  else if (compassOf) query = `${compassOf[1]!.replace(' ', '-')} of ${name}`;
  else if (settlementOf) query = `the ${settlementOf[1]!.toLowerCase()} of ${name}`;
  else if (/^\s+countryside\b/i.test(after)) query = `${name} countryside`;
  else {
    const dir = !endsWithAny(tail, DIR_ENDS) ? null : /\b((?:north|south|east|west)(?:ern|east|west)?)\s+$/i.exec(before);
    if (dir) query = `${dir[1]} ${name}`;
  }
  if (feature) {
    const full = `${name} ${feature}`;
    const own = candidatesOf(geocoder, name);
    if (knownCount(geocoder, full) || !own.some((c) => c.kind === 'region' || c.kind === 'admin1' || c.kind === 'admin2')) {
      // ("Fanigol village in the Abu Khashab desert": the desert contains the village, it is not a second place hit)
      out.push({ name: full, query: full, start: base + relStart, end: base + relStart + full.length, strong, near, area: container, listed });
      return;
    }
  }
  out.push({ name, query, start: base + relStart, end: base + relStart + name.length, strong, near, area, listed });
  if (listFollow && !/\bbetween\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$/i.test(sentence.slice(Math.max(0, relStart - 50), relStart))) {
    let pos = relStart + name.length;
    for (let guard = 0; guard < 30; guard++) {
      // skip "(also known as …)" asides
      const aside = /^\s*\([^)]{0,60}\)/.exec(sentence.slice(pos));
      if (aside) pos += aside[0].length;
      const m = plainTwin(LIST_NEXT, sentence).exec(sentence.slice(pos));
      if (!m) break;
      const nm = cleanName(m[1]!);
      const s = pos + m[0].length - m[1]!.length;
      if (!nm || STOP.has(nm.split(' ')[0]!.toLowerCase())) break;

      if (deps.isActorName(nm)) break;
      if (!seen.has(s)) {
        seen.add(s);
        out.push({ name: nm, query: nm, start: base + s, end: base + s + nm.length, strong, near: false, area: false, listed: true });
      }
      pos = s + m[1]!.length;
    }
  }
}

export function findPlaces(sentence: string, base: number, deps: PlaceFinderDeps): PlaceMention[] {
  const out: PlaceMention[] = [];
  const seen = new Set<number>();
  const { geocoder } = deps;

  const scan: Scan = { sentence, base, deps, geocoder, out, seen };

  for (const m of wordMatches(CUE_RE, sentence, LETTER)) {
    const run = m[1]!;
    const relStart = m.index! + m[0].length - run.length;
    const strong = strongEnding(sentence, relStart) && STRONG_BEFORE.test(sentence.slice(Math.max(0, relStart - 40), relStart)) &&
      !/(?:provinces?|governorates?|regions?|districts?|countryside|outskirts|vicinity|areas?|state) of[ ]+(?:the[ ]+)?$/i.test(sentence.slice(Math.max(0, relStart - 40), relStart));
    consider(scan, run, relStart, strong, true);
  }
  // (the place noun is what makes an AFTER_RE match: sentences without one skip its costly scan, and the scan
  // starts where the name run before the next noun can start)
  for (const m of afterMatches(sentence)) {
    const run = m[1]!;
    const words = run.split(' ');
    // "…in the Fanigol village": keep the last words that are not cue words
    let relStart = m.index!;
    while (words.length > 1 && STOP.has(words[0]!.toLowerCase())) {
      relStart += words[0]!.length + 1;
      words.shift();
    }
    const nounAfter = /^[ ]+(village|town|city|camp|neighbou?rhood|hamlet|desert|plain|valley|mountains?|base|airbase|air base|district|sub-?district|region)\b/i.exec(sentence.slice(m.index! + run.length));
    const strongNoun = !!nounAfter;
    // natural features keep their noun: "the Hamma desert" is a place of its own, not the town of Hama
    const feature = nounAfter && /^(?:desert|plain|valley|mountains?)$/i.test(nounAfter[1]!) ? nounAfter[1]! : null;
    consider(scan, words.join(' '), relStart, strongNoun, false, feature);
  }
  // "on the Kandahar-Herat highway", "the Damascus-Homs road": the road's first city places it, near (precision 2)
  // (a road's noun is what makes a ROAD_BETWEEN match: sentences without one skip its costly scan)
  for (const m of ROAD_NOUN.test(sentence) ? sentence.matchAll(plainTwin(ROAD_BETWEEN, sentence)) : []) {
    const name = m[1]!;
    const relStart = m.index!;
    if (seen.has(relStart) || knownCount(geocoder, name) === 0 || deps.isActorName(name)) continue;
    seen.add(relStart);
    out.push({ name, query: `near ${name}`, start: base + relStart, end: base + relStart + name.length, strong: false, near: true, area: false, listed: false });
  }
  out.sort((a, b) => a.start - b.start);
  // "Fanigol village in the Abu Khashab desert", "X neighbourhood in Y district": the second contains the first
  // (the two passes above find them in either order, so this is decided once all are known)
  for (let i = 1; i < out.length; i++) {
    const q = out[i - 1]!;
    const p = out[i]!;
    if (p.area) continue;
    const gap = sentence.slice(q.end - base, p.start - base);
    const tail = sentence.slice(p.end - base, p.end - base + 16);
    // (and "the village of Kwatas in Bokkos": a village the gazetteer lacks, in a known place, is in that place)
    const unknownInKnown = q.strong && knownCount(geocoder, q.name) === 0 && knownCount(geocoder, p.name) > 0;
    if (CONTAINED_GAP.test(gap) && (CONTAINER_AFTER.test(tail) || /\s(?:desert|plain|valley)$/i.test(p.name) || unknownInKnown)) out[i] = { ...p, area: true };
  }
  return out;
}

/** A character a name run, or the spaces before its noun, can hold (a superset: letters, marks, ’'‑-, spaces, and either half of a surrogate pair). */
const RUN_CHAR = /[\p{L}\p{M}’'‑\- \uD800-\uDFFF]/u;
function isRunChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 32 || c === 39 || c === 45;
  return RUN_CHAR.test(String.fromCharCode(c));
}
/**
 * AFTER_RE's matches in order, as matchAll finds them. A match ends with a place noun after a space (an
 * AFTER_NOUN match) and holds only run characters before it, so none starts before the run of such characters
 * that leads to the first noun at or after the scan's position: the scan resumes there (its look-behind still
 * reads the character before).
 */
function* afterMatches(sentence: string): Generator<RegExpExecArray> {
  const nounRe = plainTwin(AFTER_NOUN_G, sentence);
  const re = plainTwin(AFTER_RE, sentence);
  let from = 0;
  for (;;) {
    nounRe.lastIndex = from;
    const n = nounRe.exec(sentence);
    if (!n) return;
    let p = n.index;
    while (p > from && isRunChar(sentence.charCodeAt(p - 1))) p--;
    re.lastIndex = p;
    const m = re.exec(sentence);
    if (!m) return;
    from = m.index + m[0].length;
    if (m[0] === '') from++;
    yield m;
  }
}

const ROAD_NOUN = /highway|road|motorway|expressway/;
const ROAD_BETWEEN = /(?<![\p{L}-])(\p{Lu}[\p{L}’']+(?: \p{Lu}[\p{L}’']+)?)[-–](?:\p{Lu}[\p{L}’']+(?: \p{Lu}[\p{L}’']+)?)\s+(?:highway|road|motorway|expressway)\b/gu;
const NAME_PREFIX = /^(?:al|el|ad|ar|as|ash|at|az|an|ed|ez|abu|abou|umm?|bani|beni|beit|bayt|deir|dayr|kafr|kfar|tal|tell?|ain|ayn|jabal|jebel|wadi|ras|khirbet|khirbat|bir|sheikh|shaykh)$/i;
export const CONTAINED_GAP = /^\s*(?:neighbou?rhood|village|area|camp|town|hamlet)?\s*,?\s*in\s+(?:the\s+)?$/i;
const CONTAINER_AFTER = /^\s+(?:district|sub-?district|province|governorate|region|county|area|desert|plain|valley|countryside)\b/i;
