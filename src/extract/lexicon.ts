/**
 * The extractor's dictionaries, loaded once from data/actors/ and data/triggers/ and compiled into
 * regular expressions. Pure after loading: no I/O once built.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ALL_SUB_EVENT_TYPES, type SubEventType } from '../model/index.js';

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export interface CountryInfo {
  name: string;
  of: string;
  iso3: string;
  names: string[];
  demonyms: string[];
  capital?: string;
  state_aliases: string[];
  islamic_state?: string;
}

export type PatternKey =
  | 'state'
  | 'police'
  | 'civilians'
  | 'protesters'
  | 'rioters'
  | 'unidentified'
  | 'islamist'
  | 'rebels'
  | 'tribal'
  | 'islamic_state';

interface PatternSpec {
  name: string;
  inter: number;
  aliases: string[];
  local: string[];
}

export interface NamedActor {
  name: string;
  inter: number;
  country: string | null;
  aliases: string[];
  /** Phrase patterns (regular expressions, case-insensitive, whole words) for descriptions no single alias
   * covers: "fighters loyal to the ousted regime", "gunmen aligned with the former government". */
  phrases?: string[];
}

/** What an actor mention refers to before the event's country is known. */
export type ActorRef =
  | { kind: 'named'; actor: NamedActor }
  | { kind: 'pattern'; pattern: PatternKey; country: string | null }; // country null: the event's country

export interface TriggerClassSpec {
  default: SubEventType;
  [variant: string]: SubEventType;
}

export interface WeaponSpec {
  label: string;
  cls: string;
}

export interface Lexicon {
  countries: CountryInfo[];
  countryByName: Map<string, CountryInfo>;
  patterns: Record<PatternKey, PatternSpec>;
  named: NamedActor[];
  /** Case-insensitive actor alias regex and its lookup (lower-cased alias → ref). */
  actorRe: RegExp;
  actorCaseRe: RegExp;
  actorLookup: Map<string, ActorRef>;
  actorCaseLookup: Map<string, ActorRef>;
  actorMaxTokens: number;
  actorFirstTokens: Set<string>;
  /**
   * By length and first character (tokenFilterIndex), 1 where an ASCII token could be an alias's first word: its
   * lower case in actorFirstTokens, or itself a key of actorCaseLookup. 0: neither (no lookup needed).
   */
  actorTokenFilter: Uint8Array;
  /** Phrase patterns of named actors; a phrase match wins over the aliases inside it. */
  actorPhrases: { re: RegExp; ref: ActorRef }[];
  /** Matches wherever some phrase could (their bodies in one alternation, without the word-boundary checks); null: no such shortcut. */
  actorPhraseAny: RegExp | null;
  /** Every proper word prefix of an alias ("free syrian" of "free syrian army"). */
  actorPrefixes: Set<string>;
  /** Country names and demonyms → country. */
  countryRe: RegExp;
  /** countryRe for plain texts (PLAIN_TEXT): without the names no plain text holds, and u-less; null when it cannot be built. */
  countryRePlain: RegExp | null;
  countryLookup: Map<string, CountryInfo>;
  classes: Record<string, TriggerClassSpec>;
  triggerRe: RegExp;
  triggerGroups: string[]; // class of each capture group
  weaponRe: RegExp;
  weaponGroups: WeaponSpec[];
  hedgeRe: RegExp;
  backgroundRe: RegExp;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]");
}

/** Alternation of literal aliases, longest first, with word boundaries that also refuse hyphen joins. */
function altRe(aliases: string[], flags: string): RegExp {
  const sorted = [...new Set(aliases)].sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![\\p{L}\\p{N}-])(?:${sorted.map(escapeRe).join('|')})(?![\\p{L}\\p{N}]|-\\p{L})`, flags);
}

function isCaseSensitive(alias: string): boolean {
  // acronyms (HTS, IS, SDF, M23) match only as written
  return /^[A-Z0-9/]{2,6}$/.test(alias);
}

/** Word tokens for dictionary lookups: letters/digits joined by inner apostrophes, dots, hyphens, slashes. */
const TOKEN_RE = /[\p{L}\p{N}]+(?:['’.\-/][\p{L}\p{N}]+)*/gu;

export function tokenKey(s: string): string {
  return [...s.matchAll(TOKEN_RE)].map((m) => m[0].replace(/’/g, "'")).join(' ');
}

export interface ActorMatch {
  start: number;
  end: number;
  text: string;
  ref: ActorRef;
}

/**
 * Texts made only of ASCII, no-break spaces and general punctuation (’ “ ” – — …): no letter, digit or
 * case-folding subtlety outside ASCII, and no surrogate pairs. On such a text a Unicode (u) regex
 * matches exactly as its twin without the u flag, with \p{L}, \p{N}, \p{Lu}, \p{Ll} and \p{M}
 * spelled as their ASCII classes; V8 runs the twin about twice as fast.
 */
const PLAIN_TEXT = /^[\x00-\x7f\u00a0\u2000-\u206f]*$/;
const PLAIN_SOURCE = /^[\x00-\x7f\u2000-\u206f]*$/;
const ASCII_CLASS: Record<string, string> = { L: 'A-Za-z', N: '0-9', Lu: 'A-Z', Ll: 'a-z', M: '' };
const twins = new WeakMap<RegExp, RegExp | null>();
let gateText = '';
let gateOk = true;

/** The u-less twin of a u regex, or null when its source uses Unicode features beyond the classes above. */
function twinOf(re: RegExp): RegExp | null {
  let twin = twins.get(re);
  if (twin !== undefined) return twin;
  twin = null;
  const src = re.source;
  if (re.unicode && PLAIN_SOURCE.test(src)) {
    let out = '';
    let inClass = false;
    let ok = true;
    for (let i = 0; i < src.length && ok; i++) {
      const c = src[i]!;
      if (c === '\\') {
        const n = src[i + 1] ?? '';
        if (n === 'p') {
          const m = /^\\p\{(L|N|Lu|Ll|M)\}/.exec(src.slice(i));
          if (!m) ok = false;
          else {
            const cls = ASCII_CLASS[m[1]!]!;
            out += inClass ? cls : `[${cls}]`;
            i += m[0].length - 1;
          }
        } else if (n === 'P' || (n === 'u' && src[i + 2] === '{')) ok = false;
        else {
          out += c + n;
          i++;
        }
      } else {
        if (c === '[' && !inClass) inClass = true;
        else if (c === ']' && inClass) inClass = false;
        out += c;
      }
    }
    if (ok) {
      try {
        twin = new RegExp(out, re.flags.replace('u', ''));
      } catch {
        twin = null;
      }
    }
  }
  twins.set(re, twin);
  return twin;
}

/** `re`, or its faster u-less twin when the text allows it (same matches, same groups, same offsets). */
export function plainTwin(re: RegExp, text: string): RegExp {
  if (!re.unicode) return re;
  if (text !== gateText) {
    gateText = text;
    gateOk = PLAIN_TEXT.test(text);
  }
  if (!gateOk) return re;
  return twinOf(re) ?? re;
}

/** The regex of country names and demonyms to scan `text` with (the same matches as lex.countryRe). */
export function countryRegex(lex: Lexicon, text: string): RegExp {
  return lex.countryRePlain && PLAIN_TEXT.test(text) ? lex.countryRePlain : lex.countryRe;
}

/** Longest dictionary aliases, left to right, by token n-gram lookup (no giant alternation). */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
export const LETTER = /\p{L}/u;
/**
 * Matches of a global regex built with a leading \b (triggerRe, weaponRe) that also start a word in the
 * Unicode sense (no letter or digit, "é" included, right before). Rejected starts are retried one
 * character later, as a look-behind in the regex would.
 */
export function* wordMatches(re: RegExp, text: string, before: RegExp = LETTER_OR_DIGIT): Generator<RegExpExecArray> {
  // the regex is shared: callers consume the matches at once, without nesting
  const r = plainTwin(re, text);
  r.lastIndex = 0;
  for (let m = r.exec(text); m; m = r.exec(text)) {
    if (m.index > 0 && before.test(text[m.index - 1]!)) {
      r.lastIndex = m.index + 1;
      continue;
    }
    if (m[0] === '') r.lastIndex++;
    yield m;
  }
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}
/**
 * TOKEN_RE's matches in a plain text (PLAIN_TEXT: its letters and digits are ASCII), found by a scan of
 * character codes: runs of letters and digits, joined by one ' ’ . - or / between two of them. Curly
 * apostrophes in the words are made straight.
 */
function asciiTokens(text: string, starts: number[], ends: number[], words: string[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAsciiAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const s = i;
    let curly = false;
    for (;;) {
      while (i < n && isAsciiAlnum(text.charCodeAt(i))) i++;
      if (i + 1 < n && isAsciiAlnum(text.charCodeAt(i + 1))) {
        const j = text.charCodeAt(i);
        if (j === 39 || j === 46 || j === 45 || j === 47 || j === 0x2019) {
          if (j === 0x2019) curly = true;
          i++;
          continue;
        }
      }
      break;
    }
    const w = text.slice(s, i);
    starts.push(s);
    ends.push(i);
    words.push(curly ? w.replace(/’/g, "'") : w);
  }
}

/** The lower-cased token i, made once when first asked for. */
function lowerAt(lower: string[], words: string[], i: number): string {
  let v = lower[i];
  if (v === undefined) {
    v = words[i]!.toLowerCase();
    lower[i] = v;
  }
  return v;
}

/** Slot of an ASCII token in Lexicon.actorTokenFilter: its length (31 and more share one) and first character. */
function tokenFilterIndex(w: string): number {
  return (w.length < 31 ? w.length : 31) * 128 + (w.charCodeAt(0) & 127);
}

/** Ties between actor hits: a named actor beats a country pattern, and an alias that does not start with "the" wins. */
function hitRank(h: { i: number; len: number; ref: ActorRef }, lower: string[]): number {
  return h.len * 4 + (h.ref.kind === 'named' ? 2 : 0) + (lower[h.i] === 'the' ? 0 : 1);
}

export function matchActors(lex: Lexicon, text: string): ActorMatch[] {
  // tokens: start, end, text (curly apostrophes made straight), lower-cased (when asked for: lowerAt)
  const starts: number[] = [];
  const ends: number[] = [];
  const words: string[] = [];
  const lower: string[] = [];
  const tokRe = plainTwin(TOKEN_RE, text);
  // (on a plain text every token is ASCII: its length and first character tell most words from any alias's first word)
  const filter = tokRe !== TOKEN_RE ? lex.actorTokenFilter : null;
  if (filter) asciiTokens(text, starts, ends, words);
  else {
    tokRe.lastIndex = 0;
    for (let m = tokRe.exec(text); m; m = tokRe.exec(text)) {
      const w = m[0].includes('’') ? m[0].replace(/’/g, "'") : m[0];
      starts.push(m.index);
      ends.push(m.index + m[0].length);
      words.push(w);
    }
  }
  const n = words.length;
  const out: ActorMatch[] = [];
  // longest alias at every token, then the longest ones win ("the Military Police" is one actor, not "the military" + "police")
  const hits: { i: number; len: number; ref: ActorRef }[] = [];
  for (let i = 0; i < n; i++) {
    if (filter && !filter[tokenFilterIndex(words[i]!)]) continue;
    if (!lex.actorFirstTokens.has(lowerAt(lower, words, i)) && !lex.actorCaseLookup.has(words[i]!)) continue;
    // the longest alias from here, growing the key word by word while it is still the start of some alias
    const max = Math.min(lex.actorMaxTokens, n - i);
    let key = '';
    let best: { len: number; ref: ActorRef } | null = null;
    for (let len = 1; len <= max; len++) {
      key = len === 1 ? lower[i]! : `${key} ${lowerAt(lower, words, i + len - 1)}`;
      const ci = lex.actorLookup.get(key);
      if (ci) best = { len, ref: ci };
      if (!lex.actorPrefixes.has(key)) break;
    }
    if (!best) {
      const cs = lex.actorCaseLookup.get(words[i]!);
      if (cs) best = { len: 1, ref: cs };
    }
    if (best) hits.push({ i, len: best.len, ref: best.ref });
  }
  hits.sort((a, b) => hitRank(b, lower) - hitRank(a, lower) || a.i - b.i);
  const used = new Uint8Array(n);
  // (one scan for all phrases first: most sentences hold none)
  if (lex.actorPhrases.length && (!lex.actorPhraseAny || plainTwin(lex.actorPhraseAny, text).test(text))) for (const ph of lex.actorPhrases) {
    const re = plainTwin(ph.re, text);
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const s = m.index!;
      const e = s + m[0].length;
      const ks: number[] = [];
      for (let k = 0; k < n; k++) if (starts[k]! < e && ends[k]! > s) ks.push(k);
      if (!ks.length || ks.some((k) => used[k])) continue;
      for (const k of ks) used[k] = 1;
      out.push({ start: s, end: e, text: text.slice(s, e), ref: ph.ref });
    }
  }
  // "X-linked / X-led / X-affiliated / X-allied / X-aligned raid" names X as the agent of the event, and
  // "X-linked militants" are X's own (ACLED codes the group named, not "unidentified"); "X-backed" groups are
  // someone else's proxies and only match as written aliases ("Turkish-backed factions")
  for (let i = 0; i < n; i++) {
    if (used[i] || !words[i]!.includes('-')) continue;
    const m = ATTRIBUTED.exec(words[i]!);
    if (!m) continue;
    const how = m[2]!.toLowerCase();
    const next = i + 1 < n ? lowerAt(lower, words, i + 1) : '';
    const isEvent = ATTRIBUTED_EVENT.test(next);
    const isGroup = ATTRIBUTED_GROUP.test(next);
    if (!isEvent && !(isGroup && how !== 'backed')) continue;
    if (how === 'backed' && !isEvent) continue;
    const stem = m[1]!;
    let ref: ActorRef | null = null;
    let from = i;
    // the longest alias ending in the stem ("Islamic State-linked": "islamic" + "state")
    for (let back = Math.min(3, i); back >= 0 && !ref; back--) {
      if ([...Array(back).keys()].some((k) => used[i - back + k])) continue;
      const key = [...words.slice(i - back, i).map((_, k) => lowerAt(lower, words, i - back + k)), stem.toLowerCase()].join(' ');
      const r = lex.actorLookup.get(key) ?? (back === 0 ? lex.actorCaseLookup.get(stem) : undefined);
      if (r) {
        ref = r;
        from = i - back;
      }
    }
    // a country or its demonym leading an operation: that country's forces ("US-led raid")
    if (!ref && isEvent && (how === 'led' || how === 'backed')) {
      const c = lex.countryLookup.get(stem);
      if (c) ref = { kind: 'pattern', pattern: 'state', country: c.name };
    }
    if (!ref) continue;
    const st = starts[from]!;
    const to = isGroup ? i + 1 : i; // the group noun is part of the name ("IS-linked militants")
    const e = ends[to]!;
    for (let k = from; k <= to; k++) used[k] = 1;
    out.push({ start: st, end: e, text: text.slice(st, e), ref });
  }
  for (const h of hits) {
    let free = true;
    for (let k = h.i; k < h.i + h.len; k++) if (used[k]) free = false;
    if (!free) continue;
    for (let k = h.i; k < h.i + h.len; k++) used[k] = 1;
    const s = starts[h.i]!;
    const e = ends[h.i + h.len - 1]!;
    out.push({ start: s, end: e, text: text.slice(s, e), ref: h.ref });
  }
  out.sort((a, b) => a.start - b.start);
  // "Al Shabaab fighters", "HTS militants": a group noun right after a named group is that group's, not a second,
  // unidentified actor
  for (let i = out.length - 2; i >= 0; i--) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (a.ref.kind !== 'named' || b.ref.kind !== 'pattern' || !OWN_MEMBERS.test(b.text) || !/^[ ]+$/.test(text.slice(a.end, b.start))) continue;
    out.splice(i, 2, { start: a.start, end: b.end, text: text.slice(a.start, b.end), ref: a.ref });
  }
  return out;
}

const OWN_MEMBERS = /^(?:fighters|militants|gunmen|insurgents|jihadists|militiamen|members|elements|cells|rebels)$/i;
const ATTRIBUTED = /^(.+)-(linked|led|backed|affiliated|allied|aligned|inspired)$/i;
const ATTRIBUTED_EVENT = /^(?:raids?|attacks?|assaults?|offensives?|ambush(?:es)?|strikes?|airstrikes?|air-strikes?|bombings?|operations?|incursions?|shelling|offensive)$/;
const ATTRIBUTED_GROUP = /^(?:militants?|fighters?|gunmen|insurgents?|jihadists?|rebels?|militiamen|cells?|groups?|factions?|elements?|members?)$/;

let cached: Lexicon | null = null;

/**
 * A superset test for the phrase patterns: a phrase regex matches only where its body does, and the body
 * only where the alternation of all bodies does. Null when they cannot share one regex (back-references).
 */
function phraseAny(phrases: string[]): RegExp | null {
  if (!phrases.length || phrases.some((p) => /\\[1-9]|\\k</.test(p))) return null;
  try {
    return new RegExp(phrases.map((p) => `(?:${p})`).join('|'), 'iu');
  } catch {
    return null;
  }
}

const normMemo = new Map<string, string>();
/** Lower-cased token key of a name (memoised: the same names recur in every report). */
export function normKey(s: string): string {
  let v = normMemo.get(s);
  if (v === undefined) {
    v = tokenKey(s).toLowerCase();
    if (normMemo.size > 50_000) normMemo.clear();
    normMemo.set(s, v);
  }
  return v;
}

export function loadLexicon(): Lexicon {
  if (cached) return cached;
  const c = JSON.parse(readFileSync(path.join(DATA_DIR, 'actors/countries.json'), 'utf8')) as {
    countries: CountryInfo[];
    patterns: Record<PatternKey, PatternSpec>;
  };
  const a = JSON.parse(readFileSync(path.join(DATA_DIR, 'actors/actors.json'), 'utf8')) as { actors: NamedActor[] };
  const t = JSON.parse(readFileSync(path.join(DATA_DIR, 'triggers/triggers.json'), 'utf8')) as {
    classes: Record<string, Record<string, string>>;
    triggers: { class: string; re: string }[];
    weapons: { label: string; class: string; re: string }[];
    hedges: string;
    background: string;
  };

  const actorLookup = new Map<string, ActorRef>();
  const actorCaseLookup = new Map<string, ActorRef>();
  const add = (alias: string, ref: ActorRef, override = true) => {
    if (isCaseSensitive(alias)) {
      const k = tokenKey(alias);
      if (override || !actorCaseLookup.has(k)) actorCaseLookup.set(k, ref);
    } else {
      const k = normKey(alias);
      if (override || !actorLookup.has(k)) actorLookup.set(k, ref);
    }
  };
  // country patterns first, named actors override them
  const patternKeys = Object.keys(c.patterns).filter((k) => !k.startsWith('_')) as PatternKey[];
  for (const key of patternKeys) {
    const spec = c.patterns[key];
    for (const alias of spec.local) add(alias, { kind: 'pattern', pattern: key, country: null }, false);
    for (const country of c.countries) {
      for (const d of country.demonyms) {
        for (const alias of spec.aliases) add(alias.replace('{D}', d), { kind: 'pattern', pattern: key, country: country.name });
      }
    }
  }
  for (const country of c.countries) {
    for (const alias of country.state_aliases) add(alias, { kind: 'pattern', pattern: 'state', country: country.name });
  }
  for (const actor of a.actors) {
    for (const alias of [actor.name, ...actor.aliases]) add(alias, { kind: 'named', actor });
  }
  const countryLookup = new Map<string, CountryInfo>();
  for (const country of c.countries) {
    for (const n of [...country.names, ...country.demonyms]) {
      if (!countryLookup.has(n)) countryLookup.set(n, country);
    }
  }

  const classes: Record<string, TriggerClassSpec> = {};
  for (const [cls, spec] of Object.entries(t.classes)) {
    for (const sub of Object.values(spec)) {
      if (!ALL_SUB_EVENT_TYPES.includes(sub as SubEventType)) {
        throw new Error(`data/triggers/triggers.json: class ${cls} names an unknown sub-event type "${sub}"`);
      }
    }
    classes[cls] = spec as TriggerClassSpec;
  }
  for (const tr of t.triggers) {
    if (!classes[tr.class]) throw new Error(`data/triggers/triggers.json: trigger names unknown class ${tr.class}`);
  }
  // "\b" first: a cheap word-start test that lets the engine skip most positions before the exact Unicode check
  // (every trigger and weapon starts with an ASCII letter, checked below)
  const B = '\\b'; // the Unicode look-behind is checked in wordMatches (a look-behind here defeats the engine's quick checks)
  for (const x of [...t.triggers, ...t.weapons]) {
    if (!/^(?:\(\?<!(?:[^()]|\([^()]*\))*\))?[A-Za-z(]/.test(x.re)) throw new Error(`data/triggers/triggers.json: pattern must start with a letter: ${x.re}`);
  }
  const E = '(?![\\p{L}\\p{N}])';
  // one boundary check around the whole alternation (cheaper than one per alternative)
  const triggerRe = new RegExp(`${B}(?:${t.triggers.map((tr) => `(${tr.re})`).join('|')})${E}`, 'giu');
  const weaponRe = new RegExp(`${B}(?:${t.weapons.map((w) => `(${w.re})`).join('|')})${E}`, 'giu');

  const actorFirstTokens = new Set([...actorLookup.keys()].map((k) => k.split(' ')[0]!));
  const actorTokenFilter = new Uint8Array(32 * 128);
  for (const t of actorFirstTokens) {
    // (a lower-cased ASCII token equals t only when t is ASCII; its first character was either case)
    if (!/^[\x00-\x7f]*$/.test(t) || !t) continue;
    actorTokenFilter[tokenFilterIndex(t)] = 1;
    actorTokenFilter[tokenFilterIndex(t[0]!.toUpperCase() + t.slice(1))] = 1;
  }
  for (const k of actorCaseLookup.keys()) if (/^[\x00-\x7f]+$/.test(k)) actorTokenFilter[tokenFilterIndex(k)] = 1;
  cached = {
    countries: c.countries,
    countryByName: new Map(c.countries.map((x) => [x.name, x])),
    patterns: c.patterns,
    named: a.actors,
    actorRe: altRe(['\u0000'], 'gu'),
    actorCaseRe: altRe(['\u0000'], 'gu'),
    actorMaxTokens: Math.max(...[...actorLookup.keys()].map((k) => k.split(' ').length)),
    actorFirstTokens,
    actorTokenFilter,
    actorPrefixes: new Set([...actorLookup.keys()].flatMap((k) => {
      const w = k.split(' ');
      return w.slice(1).map((_, j) => w.slice(0, j + 1).join(' '));
    })),
    actorLookup,
    actorCaseLookup,
    actorPhrases: a.actors.flatMap((actor) =>
      (actor.phrases ?? []).map((p) => ({ re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${p})(?![\\p{L}\\p{N}])`, 'giu'), ref: { kind: 'named', actor } as ActorRef })),
    ),
    actorPhraseAny: phraseAny(a.actors.flatMap((actor) => actor.phrases ?? [])),
    countryRe: altRe([...countryLookup.keys()], 'gu'),
    countryRePlain: twinOf(altRe([...countryLookup.keys()].filter((k) => PLAIN_TEXT.test(k)), 'gu')),
    countryLookup,
    classes,
    triggerRe,
    triggerGroups: t.triggers.map((tr) => tr.class),
    weaponRe,
    weaponGroups: t.weapons.map((w) => ({ label: w.label, cls: w.class })),
    hedgeRe: new RegExp(t.hedges, 'i'),
    backgroundRe: new RegExp(t.background, 'i'),
  };
  return cached;
}

/** Canonical actor name and inter code for a reference, in the country of the event. */
export function resolveActor(
  lex: Lexicon,
  ref: ActorRef,
  eventCountry: string,
): { name: string; inter: number; country: string | null } {
  if (ref.kind === 'named') {
    const inter = ref.actor.inter === 1 && ref.actor.country && ref.actor.country !== eventCountry ? 8 : ref.actor.inter;
    return { name: ref.actor.name, inter, country: ref.actor.country };
  }
  const countryName = ref.country ?? eventCountry;
  const country = lex.countryByName.get(countryName);
  const spec = lex.patterns[ref.pattern];
  if (ref.pattern === 'islamic_state' && country?.islamic_state) {
    return { name: country.islamic_state, inter: spec.inter, country: countryName };
  }
  const name = spec.name.replace('{of}', country?.of ?? countryName).replace('{country}', countryName);
  // state forces acting outside their own country are external forces in ACLED's coding
  const inter = spec.inter === 1 && countryName !== eventCountry ? 8 : spec.inter;
  return { name, inter, country: countryName };
}

/** Look an actor name up (canonical or alias, or the parts of "Name (aside)"); used by scoring. */
export function canonicalActorName(lex: Lexicon, name: string, eventCountry: string): string | null {
  const tryOne = (s: string): string | null => {
    const t = s.trim();
    if (!t) return null;
    for (const n of lex.named) if (normKey(n.name) === normKey(t)) return n.name;
    const ref = lex.actorCaseLookup.get(tokenKey(t)) ?? lex.actorLookup.get(normKey(t));
    return ref ? resolveActor(lex, ref, eventCountry).name : null;
  };
  const direct = tryOne(name);
  if (direct) return direct;
  const m = /^(.*?)\s*\((.*)\)\s*$/.exec(name);
  if (m) return tryOne(m[1] ?? '') ?? tryOne(m[2] ?? '');
  return null;
}
