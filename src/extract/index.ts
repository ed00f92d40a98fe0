/**
 * extract: owns turning one document into coded events (ACLED taxonomy, actors, places, dates,
 * casualties, evidence spans). Pipeline: sentences (wink-nlp) → mentions (actors, places, numbers,
 * dates, weapons, triggers, negation/hedging) → event frames → one event per place and day.
 * Must not touch storage, the network or the filesystem beyond loading its dictionaries once
 * (data/actors/, data/triggers/); geocoding goes through the Geocoder it is given.
 */
import * as nodeCrypto from 'node:crypto';
const { createHash } = nodeCrypto;
/** crypto.hash (one-shot, Node 20.12+), when this Node has it. */
const cryptoHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
import { haversineKm } from '../model/distance.js';
import type { Extractor } from './types.js';
import type { Geocoder, GeoResolution } from '../geo/types.js';
import {
  disorderTypeOf,
  eventTypeOf,
  interactionOf,
  type CodedEvent,
  type Evidence,
  type EvidenceField,
  type SourceDocument,
  type SubEventType,
  VIOLENT_EVENT_TYPES,
} from '../model/index.js';
import { countryRegex, loadLexicon, matchActors, normKey, plainTwin, resolveActor, wordMatches, type ActorRef } from './lexicon.js';
import { splitSentences, type Sentence } from './sentences.js';
import { findDates, parsePublished, type DateMention } from './dates.js';
import { findCasualties, type CasualtyMention } from './numbers.js';
import { CONTAINED_GAP, candidatesOf, findPlaces, knownCount, type PlaceMention } from './places.js';

export type { Extractor } from './types.js';

export interface ExtractorOptions {
  /** Characters of a document that are read (longer documents are cut, and the cut is logged in notes). Default 200 000. */
  maxChars?: number;
}

interface Pos {
  start: number;
  end: number;
}

interface Span {
  start: number;
  end: number;
  text: string;
}

interface ActorMention extends Span {
  ref: ActorRef;
  source: boolean; // "the SDF said", "according to SOHR"
}

interface TriggerMention extends Span {
  cls: string;
  hedged: boolean;
}

interface WeaponMention extends Span {
  label: string;
  cls: string;
}

interface SentenceInfo extends Sentence {
  index: number;
  dates: DateMention[];
  actors: ActorMention[];
  triggers: TriggerMention[];
  weapons: WeaponMention[];
  casualties: CasualtyMention[];
  places: PlaceMention[];
  background: boolean;
  campaign: boolean;
}

interface Frame {
  sentence: SentenceInfo;
  cls: string;
  triggers: TriggerMention[];
  start: number; // first trigger
  end: number; // last trigger end
  places: PlaceMention[];
  casualties: CasualtyMention[];
  foreignCasualties: CasualtyMention[]; // from later sentences
  sub?: SubEventType;
  actor1?: ActorMention | null;
  assoc?: ActorMention | null;
  actor2?: ActorMention | null;
  victim2?: { ref: ActorRef; span: Span } | null;
  weapon?: WeaponMention | null;
  impliedDeath?: boolean;
  date?: { date: string | null; precision: 1 | 2 | 3; span: Span | null; key: string };
}

const SOURCE_AFTER = /^\s*(?:\([^)]{1,12}\)\s*)?(?:['’]s\s+)?(?:,\s*)?(?:(?:in a statement|on \w+|late on \w+|earlier on \w+|on its (?:website|telegram(?: channel)?))\s*,?\s*)?(?:(?:defen[cs]e|interior|foreign|information|health|war)\s+(?:ministry|ministries|office)\s+)?(?!claim(?:ed|s)\s+(?:responsibility|(?:the|an?)\s+(?:attack|bombing|strike|raid|ambush)))(?:said|says|say|reported|reports|told|claimed|claims|announced|announces|stated|states|added|adds|confirmed|confirms|accused|accuses|blamed|blames|denied|denies|wrote|published|spokesm[ae]n|spokesperson|press (?:center|centre|office)|media (?:center|centre|office)|statement|official|officials|sources?|commander said|via|on its)\b/i;
const SELF_REPORT = /^\s*(?:,\s*in a statement,\s*|on \w+\s+)?(?:said|says|announced|announces|stated|claimed|claims|confirmed|confirms|reported)\s+(?:on \w+\s+)?(?:that\s+)?(?:it|they|its (?:forces|fighters|troops|units|jets|aircraft|drones|warplanes|members|artillery)|their (?:forces|fighters|troops|units|members))\s+(?:had\s+|have\s+|has\s+)?(?:struck|hit|targeted|attacked|killed|shelled|bombed|destroyed|shot|downed|ambushed|raided|captured|seized|carried out|launched|fired|repelled|repulsed|clashed|fought|took|arrested|detained)\b/i;
const INITIATED = /^\s*(?:(?:also|then|later|reportedly|had|have|has|on \w+|early \w+|late \w+)\s+)*(?:attacked|ambushed|stormed|raided|infiltrated|launched (?:an? |their |its )?(?:\w+ )?(?:attack|assault|offensive|ambush|raid)s?)\b/i;
const INITIATED_BY = /\b(?:attacks?|assaults?|offensives?|ambush(?:es)?|raids?|counter-?attacks?)\s+(?:(?:launched|carried out|led|mounted)\s+)?(?:by|of)\s+(?:the\s+)?$/i;
const SOURCE_BEFORE = /(?:according to|statement (?:by|from)|sources? (?:in|from|within|close to)|spokesm[ae]n (?:for|of)|reported by|quoted|told|cited|affiliated with|loyal to|(?:press|media) (?:center|centre|office) of|a source in|activists? (?:of|from|with)|monitor(?:ed)? by|known as)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$/i;
const CLAUSE_BREAK = /[;:]|,\s+(?:as|while|whereas|but|after|before|when|which|who)\s|\s(?:while|whereas)\s|\.\s/;
const TARGET_NOUNS =
  /(?<![\p{L}])((?:military |army |security |police |observation |medical |residential |civilian )?(?:outposts?|bases?|checkpoints?|hospitals?|schools?|convoys?|vehicles?|houses?|homes?|markets?|mosques?|camps?|headquarters|positions?|fuel tanks?|power (?:station|plant)s?|bakery|bakeries|cars?|trucks?|patrols?|airports?|ambulances?|shops?|farms?|fields|buildings?|barracks|depots?|warehouses?|bridges?|tents?|gas station|school)(?![\p{L}]))/giu;

const PROVISIONAL = /\b(?:provisional|preliminary|initial|first) (?:toll|figures?|count|reports?|death toll|tally)\b|\btoll (?:is|was) (?:\w+ )?provisional\b|\bvery provisional\b/i;
/** Cheap prefilter: only sentences with these words go through the casualty patterns (findDates looks for its own date words). */
const CASUALTY_HINT = /kill|dead|bodies|corpses|massacr|behead|slaughter|gunned|died|death|wound|injur|hurt|lives|slain|perish|toll|casualt|murder|execut/i;
/** Strategic developments coded only when the sentence itself dates them (otherwise they are mostly background). */
const STRATEGIC_NEEDS_DATE = new Set(['agreement', 'change', 'hq', 'transfer', 'other', 'loot']);
const SMALLARMS = new Set(['smallarms', 'melee']);
const REMOTE = new Set(['air', 'shell', 'ied', 'suicide', 'grenade', 'chem']);
const GENERIC = new Set(['attack', 'kill']);
/** "a convoy escorted by the army", "a base held by the SDF": this "by" names who owns the target, not who acts. */
const NOT_AGENT_BY = /\b(?:escorted|accompanied|guarded|protected|backed|supported|led|controlled|held|run|owned|manned|operated|used|occupied|seized|captured|built|established|set up)\s+by\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}$/i;
const PASSIVE_HARM = /(?:\b(?:were|was|been|being|got)\s+(?:\w+\s+){0,2}?(?:killed|injured|wounded|hurt|targeted|hit|struck|shelled|bombed|ambushed|attacked)\s+(?:\w+\s+){0,3}?|\b(?:killed|injured|wounded)\s+)(?:in|by|during|when|as)\s+(?:\w+\s+){0,3}$/i;
/** "aircraft believed to be Israeli", "a strike attributed to Turkey": the attributed side acts (ACLED codes the named state). */
const ATTRIB_RE = /\b(?:(?:believed|thought|suspected|presumed|understood|said|reported|assumed)\s+to\s+(?:be|have\s+been)|attributed\s+to|blamed\s+on)\s+(?:an?\s+|the\s+)?(?:[a-z]+\s+)?([A-Z][\p{L}-]*)/u;

const ATTRIBUTED_AGENT = /-(?:linked|led|affiliated|allied|aligned|inspired)$/i;
const TERRITORY_CHANGE = new Set<string>(['Government regains territory', 'Non-state actor overtakes territory', 'Non-violent transfer of territory']);
const HANDOVER = /\b(?:after|once|as soon as|when|as)\s+(?:[\w’'-]+\s+){0,5}?(?:had\s+|have\s+)?(?:withdrew|withdrawn|vacated|pulled out|abandoned|left|evacuated|retreated)\b/i;
const FIGHTING = /\b(?:clash\w*|fight\w*|battl\w*|fought|attack\w*|assault\w*|storm\w*|ambush\w*|shell\w*|killed|killing|dead|gunfire|firefights?|resistance)\b/i;
const NEAR_GAP = /^\s*(?:neighbou?rhood|village|area|camp|town|hamlet|district)?\s*,?\s*(?:near|close to|next to|outside|by)\s+(?:the\s+)?(?:(?:village|town|city)\s+of\s+)?$/i;
/** "struck Hezbollah targets": a group named before what was hit is the target's side */
const TARGET_AFTER = /^\s+(?:targets|positions|posts|bases?|sites|headquarters|facilities|infrastructure|depots?|checkpoints?|outposts?|strongholds?)\b/i;
const OWN_DEVICE = /\b(?:killed|died|dead|injured|wounded|blown up)\b[^.;]{0,40}\b(?:while|when|as)\s+(?:(?:he|they) (?:was|were)\s+)?(?:(?:trying|attempting) to\s+)?(?:plant|lay|plac|set(?:ting)? up|prepar|assembl|mak|manufactur|rig|transport|handl)\w*\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}(?:IEDs?|improvised explosive devices?|explosive devices?|explosives?|bombs?|(?:land)?mines?|booby[- ]?traps?|explosive charges?)\b/i;
const CLAIM = /\b(?:claim(?:ed|s|ing)?|took|takes|admitted)\s+responsibility\b|\bclaimed\s+(?:the|an?)\s+(?:attack|bombing|strike)/i;
const CLAIM_WORD = /responsibility|claimed/i;
const CLAUSE_BREAK_G = new RegExp(CLAUSE_BREAK.source, 'g');
const clauseCache = new WeakMap<Sentence, number[]>();
/** Document offset where the clause holding `pos` starts (after ";", ":", ", as", ", while" …). */
function clauseStartOf(s: Sentence, pos: number): number {
  let starts = clauseCache.get(s);
  if (!starts) {
    starts = [0];
    for (const m of s.text.matchAll(CLAUSE_BREAK_G)) starts.push(m.index! + m[0].length);
    clauseCache.set(s, starts);
  }
  const rel = pos - s.start;
  let best = 0;
  for (const st of starts) if (st <= rel) best = st;
  return s.start + best;
}

function sha(s: string): string {
  return typeof cryptoHash === 'function' ? cryptoHash('sha1', s, 'hex') : createHash('sha1').update(s).digest('hex');
}

const nearKeys = new WeakMap<{ lat: number; lon: number }, string>();
/** A nearby point's part of a geocoder cache key (2 decimals), made once per point. */
function nearKey(n: { lat: number; lon: number }): string {
  let k = nearKeys.get(n);
  if (k === undefined) {
    k = `${n.lat.toFixed(2)},${n.lon.toFixed(2)}`;
    nearKeys.set(n, k);
  }
  return k;
}

function isoOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function createExtractor(geocoder: Geocoder, opts: ExtractorOptions = {}): Extractor {
  const lex = loadLexicon();
  const maxChars = opts.maxChars ?? 200_000;

  const isActorName = (s: string): boolean => {
    if (lex.actorCaseLookup.has(s) || lex.countryLookup.has(s)) return true;
    const k = normKey(s);
    if (lex.actorLookup.has(k)) {
      // a place and an actor may share a name; only refuse names the gazetteer does not know exactly
      return knownCount(geocoder, s) === 0;
    }
    return false;
  };

  // geocoder answers are pure functions of their inputs: cache them across documents (bounded)
  const geoCache = new Map<string, GeoResolution | null>();
  const cachedResolve = (q: string, country: string | null, hints: string[], near: { lat: number; lon: number }[]): GeoResolution | null => {
    let key = `${q}\u0001${country ?? ''}\u0001${hints.join('\u0002')}\u0001`;
    for (let i = 0; i < near.length; i++) key += (i ? ';' : '') + nearKey(near[i]!);
    const hit = geoCache.get(key);
    if (hit !== undefined) return hit;
    let r: GeoResolution | null = null;
    try {
      r = geocoder.resolve(q, { country, areaHints: hints, nearby: near });
    } catch {
      r = null;
    }
    if (geoCache.size > 50_000) geoCache.clear();
    geoCache.set(key, r);
    return r;
  };
  const namedRe = new Map<string, RegExp>(); // one compiled pattern per country
  /** The sentence names this country (or uses its adjective): places abroad need that. */
  const namedIn = (sentence: string, country: string): boolean => {
    const c = lex.countryByName.get(country);
    if (!c || c.names.length + c.demonyms.length === 0) return false;
    let re = namedRe.get(country);
    if (!re) {
      re = new RegExp(`(?<![\\p{L}])(?:${[...c.names, ...c.demonyms].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\p{L}])`, 'u');
      namedRe.set(country, re);
    }
    return re.test(sentence);
  };
  // the whole admin name a name stands for in a country (a pure function of the gazetteer: remembered)
  // (one map per country, keyed by the name itself: no key string to build and hash per call)
  const adminNameCache = new Map<string, Map<string, string | null>>();
  const adminNameOf = (name: string, country: string | null): string | null => {
    let byName = adminNameCache.get(country ?? '');
    if (!byName) adminNameCache.set(country ?? '', (byName = new Map()));
    let v = byName.get(name);
    if (v === undefined) {
      const admins = candidatesOf(geocoder, name).filter((c) => (c.kind === 'admin1' || c.kind === 'admin2' || c.kind === 'admin3') && (!country || c.country === country));
      if (!admins.length) v = null;
      else {
        const rank = { admin1: 0, admin2: 1, admin3: 2 } as Record<string, number>;
        admins.sort((a, b) => rank[a.kind]! - rank[b.kind]!);
        v = admins[0]!.name;
      }
      if (byName.size > 50_000) byName.clear();
      byName.set(name, v);
    }
    return v;
  };
  const adminCache = new Map<string, Map<string, boolean>>();
  const isAdminName = (name: string, country: string | null): boolean => {
    let byName = adminCache.get(country ?? '');
    if (!byName) adminCache.set(country ?? '', (byName = new Map()));
    let v = byName.get(name);
    if (v === undefined) {
      v = candidatesOf(geocoder, name).some((c) => (c.kind === 'admin1' || c.kind === 'country') && (!country || c.country === country));
      if (byName.size > 50_000) byName.clear();
      byName.set(name, v);
    }
    return v;
  };

  function findActors(text: string, base: number): ActorMention[] {
    const out: ActorMention[] = [];
    for (const m of matchActors(lex, text)) {
      const after = text.slice(m.end, m.end + 80);
      // a speaker telling what it did itself ("the army said it struck …", "… claimed its fighters killed …") is the agent
      const self = SELF_REPORT.test(after);
      const source = !self && (SOURCE_AFTER.test(after.slice(0, 40)) || SOURCE_BEFORE.test(text.slice(Math.max(0, m.start - 60), m.start)));
      out.push({ start: base + m.start, end: base + m.end, text: m.text, ref: m.ref, source });
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** `matches`: the trigger regex's matches in `text`, when the caller has them already. */
  function findTriggers(text: string, base: number, matches: Iterable<RegExpExecArray> = wordMatches(lex.triggerRe, text)): TriggerMention[] {
    const out: TriggerMention[] = [];
    for (const m of matches) {
      let gi = 0;
      for (let i = 1; i < m.length; i++) {
        if (m[i] !== undefined) {
          gi = i - 1;
          break;
        }
      }
      const cls = lex.triggerGroups[gi]!;
      const s = m.index!;
      // hedging and negation in the same clause before the trigger
      let window = text.slice(Math.max(0, s - 60), s);
      const cut = Math.max(window.lastIndexOf(';'), window.lastIndexOf(':'), window.indexOf(',') < 0 ? -1 : window.search(/,\s+(?:but|while|as)\s[^,]*$/));
      if (cut > 0) window = window.slice(cut);
      // "30 people may have died in the attack": the hedge is about the toll, not the attack
      window = window.replace(/\b(?:may|might|could|would)\s+have\s+(?:died|been\s+\w+)\b[^,;]*$/i, '');
      let hedged = lex.hedgeRe.test(window);
      // "no casualties" only negates casualty words, not the attack itself
      if (hedged && GENERIC.has(cls) && cls === 'kill' && /\bno\b/i.test(window)) hedged = true;
      if (hedged && /\b(?:no|not)\b/i.test(window) && !/\b(?:denied|deny|threat|warn|would|could|may|might|plan|fear|possible|potential|if|prevent|avoid|call|demand|vow|promis|expected|aim|seek|attempt|tried|try|ready)/i.test(window)) {
        // "no" far from the trigger ("no group claimed … the attack") still negates; a short window is enough
        hedged = /\b(?:no|not|never)\b(?:\s+\w+){0,3}\s*$/i.test(window);
      }
      out.push({ start: base + s, end: base + s + m[0].length, text: m[0], cls, hedged });
    }
    return out;
  }

  function findWeapons(text: string, base: number): WeaponMention[] {
    const out: WeaponMention[] = [];
    for (const m of wordMatches(lex.weaponRe, text)) {
      let gi = 0;
      for (let i = 1; i < m.length; i++) {
        if (m[i] !== undefined) {
          gi = i - 1;
          break;
        }
      }
      const w = lex.weaponGroups[gi]!;
      out.push({ start: base + m.index!, end: base + m.index! + m[0].length, text: m[0], label: w.label, cls: w.cls });
    }
    return out;
  }

  /** The country a report is about: named countries, demonyms not naming foreign forces, admin areas and places. */
  // a place name's vote for the report's country: the one country of its admin areas (2), else of all its places (1)
  const voteCache = new Map<string, [string, number] | null>();
  const placeVote = (name: string): [string, number] | null => {
    let v = voteCache.get(name);
    if (v === undefined) {
      const cands = candidatesOf(geocoder, name);
      const admins = new Set(cands.filter((c) => c.kind === 'admin1' || c.kind === 'admin2').map((c) => c.country));
      const countries = new Set(cands.map((c) => c.country));
      v = admins.size === 1 ? [[...admins][0]!, 2] : countries.size === 1 ? [[...countries][0]!, 1] : null;
      if (voteCache.size > 50_000) voteCache.clear();
      voteCache.set(name, v);
    }
    return v;
  };

  function guessCountry(text: string, sentences: { places: PlaceMention[]; actors: ActorMention[] }[]): { best: string | null; mentioned: Set<string> } {
    const counts = new Map<string, number>();
    const bump = (c: string, n: number) => counts.set(c, (counts.get(c) ?? 0) + n);
    const mentioned = new Set<string>();
    for (const m of text.matchAll(countryRegex(lex, text))) {
      const c = lex.countryLookup.get(m[0]);
      if (!c) continue;
      mentioned.add(c.name);
      if (c.names.includes(m[0])) bump(c.name, 3);
      else if (!/^[-\s]*(?:forces|army|troops|soldiers?|military|warplanes?|jets?|drones?|aircraft|helicopters?|artillery|air force|navy|government|regime|president|officials?|ministry|intelligence|backed|led|occupation|border|mercenaries|air ?strikes?|air ?raids?|strikes?|raids?|shelling|bombardments?|bombing|attacks?|missiles?|rockets?|fire|tanks?|bombs?|operations?|incursions?|offensive|police|security|troops|gunboats?)/i.test(text.slice(m.index! + m[0].length, m.index! + m[0].length + 20))) bump(c.name, 1);
    }
    for (const s of sentences) {
      for (const p of s.places) {
        const vote = placeVote(p.name);
        if (vote) bump(vote[0], vote[1]);
      }
    }
    // named armed groups tell where a report is (ADF → DR Congo, Houthis → Yemen)
    for (const s of sentences) for (const a of s.actors) if (a.ref.kind === 'named' && a.ref.actor.country) bump(a.ref.actor.country, 1);
    let best: string | null = null;
    let bestN = 0;
    for (const [k, v] of counts) if (v > bestN) [best, bestN] = [k, v];
    return { best, mentioned };
  }

  function extract(doc: SourceDocument): CodedEvent[] {
    const fullText = doc.text ?? '';
    const text = fullText.length > maxChars ? fullText.slice(0, maxChars) : fullText;
    if (!text.trim()) return [];
    // a publication month alone cannot anchor "on Saturday": such dates stay unknown
    const published = /^\d{4}-\d{2}-\d{2}/.test(doc.published ?? '') ? parsePublished(doc.published) : null;
    const anchor = published ?? parsePublished(doc.published ?? null) ?? new Date(Date.UTC(2000, 0, 15, 12));

    // ---- mentions, sentence by sentence
    // triggers first: the costlier mentions (dates, actors, weapons) are only looked for where an event may be
    const split = splitSentences(text);
    // (each finder runs over all the sentences back to back, its regexes' large compiled code kept hot, before the
    // next: the trigger regex first, then what live sentences, and those with a toll, need)
    const triggerMatches = split.map((s) => [...wordMatches(lex.triggerRe, s.text)]);
    const triggersOf = split.map((s, index) => findTriggers(s.text, s.start, triggerMatches[index]));
    const liveOf = triggersOf.map((triggers) => triggers.some((t) => !t.hedged));
    const datesOf = split.map((s, index) => (liveOf[index] ? findDates(s.text, anchor, s.start) : [])); // (findDates looks for its date words first)
    const casualtiesOf = split.map((s) => (CASUALTY_HINT.test(s.text) ? findCasualties(s.text, s.start) : []));
    const actorsOf = split.map((s, index) => (liveOf[index] || casualtiesOf[index]!.length ? findActors(s.text, s.start) : []));
    const weaponsOf = split.map((s, index) => (liveOf[index] ? findWeapons(s.text, s.start) : []));
    const sentences: SentenceInfo[] = split.map((s, index) => {
      const triggers = triggersOf[index]!;
      const live = liveOf[index]!;
      const dates = datesOf[index]!;
      const sinceDate = dates.some((d) => d.since);
      const recent = dates.some((d) => !d.old && !d.since);
      // without a publication date nothing can be judged old by its distance to it
      const oldOnly = !!published && dates.some((d) => d.old) && !recent;
      const yearOld = live ? /\b(?:in|since|until|by|of|from)\s+(?:\w+\s+)?(?:19|20)\d\d\b/i.exec(s.text) : null;
      const oldYear = yearOld ? Number(/(?:19|20)\d\d/.exec(yearOld[0])![0]) < anchor.getUTCFullYear() && !recent : false;
      const casualties = casualtiesOf[index]!;
      if (casualties.length && PROVISIONAL.test(s.text)) for (const c of casualties) c.provisional = true;
      for (const c of casualties) c.sentence = index;
      return {
        // (the sentence's fields written out: spreading it and adding more makes a slow, dictionary-mode object)
        start: s.start,
        end: s.end,
        text: s.text,
        index,
        dates,
        actors: actorsOf[index]!,
        triggers,
        weapons: weaponsOf[index]!,
        casualties,
        places: [],
        background: live ? lex.backgroundRe.test(s.text) || oldOnly || oldYear : false,
        campaign: sinceDate,
      };
    });
    for (const s of sentences) s.places = findPlaces(s.text, s.start, { geocoder, isActorName });
    const { best: docCountry } = guessCountry(text, sentences);

    // "The Taliban claimed responsibility for the attack": the claimant acts where the text names no one else
    let claimant: ActorMention | null = null;
    // (every claim holds "responsibility" or "claimed": a report with neither has no sentence to look at)
    if (CLAIM_WORD.test(text)) for (const s of sentences) {
      const m = CLAIM.exec(s.text);
      if (!m) continue;
      const at = s.start + m.index;
      // (the sentence's actors when they were looked for: those of a live sentence or one with a toll)
      const acts = (s.triggers.some((t) => !t.hedged) || s.casualties.length ? s.actors : findActors(s.text, s.start)).filter((a) => a.end <= at && !(a.ref.kind === 'pattern' && ['civilians', 'protesters', 'rioters', 'state'].includes(a.ref.pattern)));
      if (acts.length && !/\b(?:no|not|nobody|none)\b/i.test(s.text.slice(0, m.index))) {
        claimant = { ...acts[acts.length - 1]!, source: false };
        break;
      }
    }

    // who the victims of the report are, over all its casualty phrases
    let civ = 0;
    let arm = 0;
    for (const s of sentences) for (const c of s.casualties) if (c.victims === 'civilian') civ += c.value; else if (c.victims === 'armed') arm += c.value;
    const docVictims: 'civilian' | 'armed' | 'unknown' = civ && !arm ? 'civilian' : arm && !civ ? 'armed' : 'unknown';

    // the named non-state armed group a report is mostly about (for "the rebels" and the like)
    let namedArmed: ActorMention | null = null;
    {
      const counts = new Map<string, { n: number; a: ActorMention }>();
      let rebels: ActorMention | null = null;
      for (const s of sentences) for (const a of s.actors) {
        // a group heard only as a source ("according to the SDF", "the SDF said") is not the one the report is about
        if (a.source) continue;
        // (with no group named, "former rebels" stand for it: a report about them also calls them "local fighters")
        if (a.ref.kind === 'pattern' && a.ref.pattern === 'rebels') {
          rebels ??= a;
          continue;
        }
        if (a.ref.kind !== 'named' || a.ref.actor.inter === 1 || a.ref.actor.inter === 7 || a.ref.actor.inter === 8) continue;
        if (docCountry && a.ref.actor.country && a.ref.actor.country !== docCountry) continue;
        const c = counts.get(a.ref.actor.name) ?? { n: 0, a };
        c.n++;
        counts.set(a.ref.actor.name, c);
      }
      let bestN = 0;
      for (const c of counts.values()) if (c.n > bestN) [namedArmed, bestN] = [c.a, c.n];
      if (counts.size > 1) namedArmed = null; // several groups: no guessing
      if (!counts.size) namedArmed = rebels;
    }

    // ---- frames
    const frames: Frame[] = [];
    for (const s of sentences) {
      if (s.background || s.campaign) continue;
      let trig = s.triggers.filter((t) => !t.hedged);
      if (!trig.length) continue;
      const specific = trig.filter((t) => !GENERIC.has(t.cls));
      trig = trig.filter((t) => {
        // "defused an explosive device planted on the road", "intercepted a drone": the device named after the
        // disruption is what was stopped, not a second event
        if (REMOTE.has(t.cls) && trig.some((o) => o.cls === 'disrupt' && o.end <= t.start && t.start - o.end < 80 && clauseStartOf(s, o.start) === clauseStartOf(s, t.start))) return false;
        if (!GENERIC.has(t.cls)) return true;
        if (t.cls === 'kill' && (specific.length || trig.some((o) => o.cls === 'attack'))) return false;
        return !specific.some((o) => clauseStartOf(s, o.start) === clauseStartOf(s, t.start));
      });
      // merge neighbouring triggers of one class
      let cur: Frame | null = null;
      for (const t of trig) {
        if (cur && cur.cls === t.cls) {
          cur.triggers.push(t);
          cur.end = t.end;
          continue;
        }
        cur = { sentence: s, cls: t.cls, triggers: [t], start: t.start, end: t.end, places: [], casualties: [], foreignCasualties: [] };
        frames.push(cur);
      }
    }

    // places to the nearest preceding trigger's frame (else the following one)
    const framesBySentence = new Map<number, Frame[]>();
    for (const f of frames) {
      const list = framesBySentence.get(f.sentence.index) ?? [];
      list.push(f);
      framesBySentence.set(f.sentence.index, list);
    }
    for (const [si, list] of framesBySentence) {
      const s = sentences[si]!;
      const hedged = s.triggers.filter((t) => t.hedged);
      for (const p of s.places) {
        let best: Frame | null = null;
        for (const f of list) if (f.start <= p.start) best = f;
        // "… a brother of the man blamed for a deadly attack in X": a place right after a hedged or denied mention
        // (nearer than any coded trigger, in the same clause) belongs to that mention, not to an event
        const h = hedged.filter((t) => t.end <= p.start && (!best || t.start > best.end)).pop();
        if (h && p.start - h.end < 60 && clauseStartOf(s, h.start) === clauseStartOf(s, p.start)) continue;
        best ??= list[0]!;
        best.places.push(p);
      }
      for (const c of s.casualties) {
        let best: Frame = list[0]!;
        let bd = Infinity;
        for (const f of list) {
          const d = Math.min(Math.abs(c.start - f.end), Math.abs(f.start - c.end));
          if (d < bd) [best, bd] = [f, d];
        }
        best.casualties.push(c);
      }
    }
    // a frame with no place of its own ("The bombardment also wounded four people") continues the latest
    // frame with places: its casualties go there
    const placeless = (f: Frame) => f.places.every((p) => !p.strong && !p.listed && knownCount(geocoder, p.name) === 0);
    for (const f of frames) {
      if (!placeless(f)) continue;
      const before = sentences[f.sentence.index - 1];
      if (before && (before.campaign || before.background)) {
        f.casualties = []; // a cumulative toll after a campaign summary belongs to no single event
        continue;
      }
      let target: Frame | null = null;
      for (const o of frames) if (o.places.length && o.sentence.index < f.sentence.index && f.sentence.index - o.sentence.index <= 2) target = o;
      if (target && (target.cls === f.cls || GENERIC.has(f.cls) || (REMOTE.has(target.cls) && REMOTE.has(f.cls)))) {
        target.foreignCasualties.push(...f.casualties);
        f.casualties = [];
      }
    }
    // casualties in sentences without frames go to the latest frame within two sentences before
    for (const s of sentences) {
      if (framesBySentence.has(s.index) || !s.casualties.length || s.background) continue;
      // a toll right after a campaign summary ("… since August 27. At least 90 people have been killed") is the campaign's
      const prevS = sentences[s.index - 1];
      if (prevS && (prevS.campaign || prevS.background)) continue;
      let target: Frame | null = null;
      for (const f of frames) if (f.sentence.index < s.index && s.index - f.sentence.index <= 2) target = f;
      if (target) target.foreignCasualties.push(...s.casualties);
    }

    // ---- actors, sub-event type, date per frame
    let lastAgent: ActorMention | null = null;
    let lastFrame: Frame | null = null;
    let armedCounts: Map<string, { n: number; a: ActorMention }> | null = null;
    let lastDate: { date: string; precision: 1 | 2 | 3; span: Span; sentence: number; cls: string; known: boolean } | null = null;
    // (a function of its own: V8 compiles a smaller extract() far faster, and this one separately)
    let starterNames: Set<string> | null = null;
    const initiators = (): Set<string> => {
      if (starterNames) return starterNames;
      starterNames = new Set();
      for (const x of sentences) for (const a of x.actors) {
        if (a.source || (a.ref.kind === 'pattern' && ['civilians', 'protesters', 'rioters'].includes(a.ref.pattern))) continue;
        if (INITIATED.test(text.slice(a.end, a.end + 60)) || INITIATED_BY.test(text.slice(Math.max(0, a.start - 50), a.start))) starterNames.add(resolveActor(lex, a.ref, docCountry ?? '').name);
      }
      return starterNames;
    };
    const between = (a: number, b: number): string => text.slice(a, b);
    const codeFrame = (f: Frame): void => {
      const s = f.sentence;
      const actors = s.actors.filter((a) => !a.source);
      const clauseStart = clauseStartOf(s, f.start);
      // agent: "by X" after the trigger, else the nearest actor before it in the clause, else in the sentence
      let agent: ActorMention | null = null;
      let assoc: ActorMention | null = null;
      for (const a of actors) {
        if (a.start < f.end) continue;
        const gap = between(f.end, a.start);
        if (gap.length < 80 && /\bby\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}$/i.test(gap) && !CLAUSE_BREAK.test(gap) && !NOT_AGENT_BY.test(gap)) {
          agent = a;
          break;
        }
      }
      if (!agent) {
        // "a Taliban-linked raid", "an IS-led assault": the group named on one of the frame's own event nouns
        agent = actors.find((a) => ATTRIBUTED_AGENT.test(a.text) && f.triggers.some((t) => t.start > a.end && /^\s*$/.test(between(a.end, t.start)))) ?? null;
      }
      if (!agent) {
        // "airstrikes by aircraft, believed to be Israeli," / "an explosion attributed to ISIS"
        const lo = Math.max(s.start, f.start - 80);
        const win = text.slice(lo, Math.min(s.end, f.end + 120));
        const am = ATTRIB_RE.exec(win);
        if (am && !CLAUSE_BREAK.test(win.slice(Math.min(am.index, f.start - lo), Math.max(am.index, f.end - lo)))) {
          const at = lo + am.index + am[0].length - am[1]!.length;
          const named = s.actors.find((a) => a.start === at);
          const country = named ? null : lex.countryLookup.get(am[1]!);
          if (named && !named.source) agent = named;
          else if (country) agent = { start: at, end: at + am[1]!.length, text: am[1]!, ref: { kind: 'pattern', pattern: 'state', country: country.name }, source: false };
        }
      }
      const victimSpans = [...f.casualties].map((c) => [c.start, c.end] as const);
      if (!agent) {
        const before = actors.filter((a) => a.start < f.start && !insideSpans(a, victimSpans) && (f.cls === 'protest' || f.cls === 'riot' || !(a.ref.kind === 'pattern' && (a.ref.pattern === 'civilians' || a.ref.pattern === 'protesters'))) && !/\b(?:against|on|targeting|at|of)\s+(?:the\s+)?$/i.test(between(Math.max(0, a.start - 14), a.start)) && !suffers(text, a, f));
        const inClause = before.filter((a) => a.start >= clauseStart);
        const pool = inClause.length ? inClause : before;
        let k = pool.length - 1;
        // "the Turkish army and armed groups supported by Ankara shelled": the first of coordinated subjects acts
        while (k > 0 && /^\s*(?:,|and|,\s*and|as well as|along with|together with|with|backed by|supported by|and their allies|and its allies)\s*(?:the\s+)?$/i.test(between(pool[k - 1]!.end, pool[k]!.start))) k--;
        agent = pool[k] ?? null;
        if (agent && k < pool.length - 1) assoc = pool[k + 1]!;
      }
      // "between X and Y", "X clashed with Y"
      let other: ActorMention | null = null;
      const rest = actors.filter((a) => a !== agent);
      if (f.cls === 'clash') {
        const bm = /\bbetween\b/i.exec(text.slice(f.start, s.end));
        if (bm) {
          const from = f.start + bm.index;
          let after = actors.filter((a) => a.start > from);
          // "between two armed groups: the Radaa force and the …": the description gives way to the names
          if (after.length >= 3 && after[0]!.ref.kind === 'pattern' && /^\s*(?:[:—–]|,\s*namely)\s*(?:the\s+)?$/i.test(between(after[0]!.end, after[1]!.start))) after = after.slice(1);
          const pair = after.slice(0, 2);
          if (pair.length === 2) {
            [agent, other] = [pair[0]!, pair[1]!];
            // symmetric fighting: the sides in the order the text gives them
          }
        }
        if (!other) other = rest.find((a) => a.start > f.start && a !== agent) ?? rest.find((a) => a !== agent && !insideSpans(a, victimSpans)) ?? null;
      } else {
        // civilians are a target only when the text says so ("targeting civilians", "on residents"), not when merely mentioned
        other =
          rest.find(
            (a) =>
              (a.start >= f.end || (a.start >= f.triggers[0]!.end && TARGET_AFTER.test(text.slice(a.end, a.end + 24)))) && (!agent || (a.start !== agent.start && refKey(a.ref) !== refKey(agent.ref))) && !insideSpans(a, victimSpans) && a.start < f.end + 140 &&
              (!isPattern(a, 'civilians') || /(?:target\w*|attack\w*|against|on|at|hit\w*|shell\w*|struck|strik\w+|fire on|killing|injuring|wounding)\s+(?:the\s+)?(?:[\w-]+\s+)?$/i.test(between(Math.max(f.end, a.start - 40), a.start))),
          ) ?? null;
      }
      if ((isPattern(agent, 'civilians') || isPattern(agent, 'protesters')) && f.cls !== 'protest' && f.cls !== 'riot') agent = null;
      if (!agent && lastAgent && (f.cls === 'shell' || f.cls === 'air' || f.cls === 'clash' || f.cls === 'capture')) agent = lastAgent;
      if (agent && !f.places.length) {
        // keep, but frames without a place produce no event
      }
      // victims: casualties in the frame's sentence
      const victims = f.casualties.length ? f.casualties : f.foreignCasualties;
      let victimKind: 'civilian' | 'armed' | 'unknown' = 'unknown';
      for (const c of victims) if (c.victims !== 'unknown') victimKind = c.victims;
      let victimActor: { ref: ActorRef; span: Span } | null = null;
      if (victims.length) {
        // "a Syrian soldier", "two Iraqi servicemen": the victim phrase may name its side
        for (const c of victims) {
          const inPhrase = s.actors.find((a) => a.start >= c.start && a.end <= c.end);
          if (inPhrase && inPhrase.ref !== agent?.ref) {
            victimActor = { ref: inPhrase.ref, span: inPhrase };
            break;
          }
          if (c.victims === 'civilian') {
            victimActor = { ref: { kind: 'pattern', pattern: 'civilians', country: null }, span: { start: c.start, end: c.end, text: text.slice(c.start, c.end) } };
            break;
          }
        }
      }
      // sub-event type
      const weapons = s.weapons.filter((w) => w.start >= clauseStart || Math.abs(w.start - f.start) < 80);
      let weapon: WeaponMention | null = null;
      let wd = Infinity;
      for (const w of weapons) {
        const d = w.start >= f.start ? w.start - f.end : f.start - w.end;
        if (d < wd) [weapon, wd] = [w, d];
      }
      const spec = lex.classes;
      const agentRes = agent ? resolveActor(lex, agent.ref, docCountry ?? '') : null;
      // no victims named here: the report's victims ("an attack on a village" in a story about murdered farmers)
      const agentNonState = !!agentRes && agentRes.inter !== 1 && agentRes.inter !== 8;
      const docCivil = victimKind === 'unknown' && !other && agentNonState && docVictims === 'civilian' && f.cls === 'attack';
      const targetIsCivil = (other && other.ref.kind === 'pattern' && other.ref.pattern === 'civilians') || victimKind === 'civilian' || docCivil;
      let cls = f.cls;
      // "Nine more militants were killed in …", "The two men were killed on the … road": no actor of its own, right
      // after a coded event: the same story continues
      if (GENERIC.has(cls) && !agent && lastFrame && s.index - lastFrame.sentence.index <= 2 && lastFrame.actor1) {
        agent = lastFrame.actor1;
        if (!other && lastFrame.actor2) other = lastFrame.actor2;
        if (!weapon && lastFrame.weapon) weapon = lastFrame.weapon;
        // (fighters and soldiers among the dead make it a fight, whatever the first telling's "people" suggested)
        if (!(lastFrame.cls === 'vac' && victimKind === 'armed')) cls = lastFrame.cls;
      }
      if (cls === 'attack' || cls === 'kill' || cls === 'shell') {
        const wcls = weapon?.cls;
        if (wcls && REMOTE.has(wcls) && (cls !== 'shell' || wcls !== 'shell')) cls = wcls === 'grenade' && cls === 'shell' ? 'shell' : wcls;
        else if (cls === 'shell') cls = 'shell';
        else if (targetIsCivil && (!agentRes || agentRes.inter !== 7)) cls = 'vac';
        else if (/\b(?:houses?|homes?|civilians?|residents?|families|family)\b/i.test(text.slice(f.end, Math.min(s.end, f.end + 60))) && (!other || other.ref.kind === 'pattern' && other.ref.pattern === 'civilians')) cls = 'vac';
        else if (
          f.cls === 'attack' && agentRes && (agentRes.inter === 1 || agentRes.inter === 8) && weapon?.cls !== 'smallarms' &&
          f.triggers.every((t) => /^(?:strikes?|struck|hit|hits|target(?:ed|ing|s)?|bomb(?:ed|ing)|launched|landed)$/i.test(t.text)) &&
          (f.places.length > 0 || !!other)
        ) {
          // state forces "struck/hit/targeted" a place or a group with no fighting described: remote fire;
          // "strikes" by states are air strikes unless a ground weapon is named
          cls = f.triggers.some((t) => /^(?:strikes?|struck)$/i.test(t.text)) ? 'air' : 'shell';
        }
        else if (agent || other || (victimKind === 'armed' && cls !== 'kill')) cls = 'clash';
        else cls = '';
      }
      if (!cls) return;
      // violence by a mob ("a mob lynched a man", "rioters beat a driver"): ACLED's mob violence
      if ((cls === 'vac' || cls === 'clash' || cls === 'kill') && agent?.ref.kind === 'pattern' && agent.ref.pattern === 'rioters') cls = 'mob';
      // "captured the town shortly after the garrison vacated it", with no fighting told: ACLED's non-violent transfer
      if (cls === 'capture' && HANDOVER.test(text.slice(f.start, s.end)) && !FIGHTING.test(text.slice(s.start, s.end))) {
        cls = 'transfer';
        other = null;
      }
      const variants = spec[cls] ?? spec[f.cls]!;
      let sub: SubEventType = variants.default;
      if (cls === 'capture' && agentRes?.inter === 1 && variants.state) sub = variants.state;
      if (cls === 'arrest' && agentRes && agentRes.inter !== 1 && agentRes.inter !== 8 && variants.nonstate) sub = variants.nonstate;
      if (cls === 'protest') {
        // (the police response is often told in the next sentence: "Security forces fired tear gas to disperse them.")
        const rest2 = text.slice(s.start, s.end);
        const next = sentences[s.index + 1] ? text.slice(sentences[s.index + 1]!.start, sentences[s.index + 1]!.end) : '';
        if (/\b(?:killed|shot dead|live (?:fire|ammunition)|opened fire)\b/i.test(rest2) && variants.excessive) sub = variants.excessive;
        else if (/\b(?:dispers(?:ed|e)|tear ?gas|water cannons?|rubber bullets|beat|arrested|detained|warning shots|fired (?:into the air|in the air))\b/i.test(rest2) && variants.intervention) sub = variants.intervention;
        else if (/\bto disperse (?:them|the (?:crowds?|protesters|demonstrators))\b|\b(?:tear ?gas|water cannons?|rubber bullets)\b/i.test(next) && variants.intervention) sub = variants.intervention;
      }
      f.sub = sub;
      f.cls = cls;
      f.weapon = weapon && REMOTE.has(weapon.cls) || weapon?.cls === 'smallarms' ? weapon : null;
      if (!f.weapon && (cls === 'shell' || cls === 'air') && f.triggers[0]!.cls === cls) {
        // the trigger names the weapon ("shelled", "airstrike")
        const t = f.triggers[0]!;
        const label = cls === 'air' ? (/drone|uav/i.test(t.text) ? 'drone' : 'aircraft') : 'artillery';
        f.weapon = { ...t, label, cls };
      }
      // actors by type
      if (cls === 'protest') {
        if (!agent || !(agent.ref.kind === 'pattern' && agent.ref.pattern === 'protesters')) {
          agent = { start: f.start, end: f.end, text: f.triggers[0]!.text, ref: { kind: 'pattern', pattern: 'protesters', country: null }, source: false };
        }
        other = null;
      }
      if (cls === 'riot' && (!agent || agent.ref.kind !== 'pattern' || agent.ref.pattern !== 'rioters')) {
        agent = { start: f.start, end: f.end, text: f.triggers[0]!.text, ref: { kind: 'pattern', pattern: 'rioters', country: null }, source: false };
      }
      if (claimant && (!agent || isPattern(agent, 'unidentified')) && cls !== 'protest' && cls !== 'riot') agent = claimant;
      if (!agent && (cls === 'vac' || cls === 'abduct' || REMOTE.has(cls) || cls === 'clash')) {
        if (cls === 'ied' || cls === 'vac' || cls === 'abduct') {
          agent = { start: f.start, end: f.end, text: f.triggers[0]!.text, ref: { kind: 'pattern', pattern: 'unidentified', country: null }, source: false };
        } else if (lastAgent && cls !== 'suicide' && cls !== 'grenade') agent = lastAgent;
        else if (cls === 'clash') {
          // "clashes between rival armed groups": fighting happened, its sides are not named
          agent = { start: f.start, end: f.end, text: f.triggers[0]!.text, ref: { kind: 'pattern', pattern: 'unidentified', country: null }, source: false };
        }
      }
      // "two militants were killed while planting an IED": the device was their own (ACLED codes the planters as
      // actor1 of the explosion, with no actor2)
      if (cls === 'ied' && (other || victimActor) && (!agent || isPattern(agent, 'unidentified')) && OWN_DEVICE.test(text.slice(s.start, s.end))) {
        const span: Span = other ?? victimActor!.span;
        const ref = other?.ref ?? victimActor!.ref;
        if (!(ref.kind === 'pattern' && ref.pattern === 'civilians')) {
          agent = { start: span.start, end: span.end, text: span.text, ref, source: false };
          other = null;
          victimActor = null;
        }
      }
      // "the rebels", "Islamist militants" in a report that names the group: that group
      const generic =
        !!agent && agent.ref.kind === 'pattern' &&
        (agent.ref.pattern === 'rebels' || agent.ref.pattern === 'islamist' ||
          (agent.ref.pattern === 'unidentified' && !/\b(?:unidentified|unknown|masked|anonymous)\b/i.test(agent.text) && agent.start !== f.start));
      if (generic && namedArmed) agent = { ...namedArmed, start: agent!.start, end: agent!.end, text: agent!.text };
      // one-sided violence with no actor named here, in a report about one named group: that group
      const synthetic = !!agent && agent.ref.kind === 'pattern' && agent.ref.pattern === 'unidentified' && agent.start === f.start;
      if ((!agent || synthetic) && namedArmed && (cls === 'vac' || cls === 'abduct')) agent = { ...namedArmed, start: f.start, end: f.end, text: f.triggers[0]!.text };
      if (!agent) return;
      if (STRATEGIC_NEEDS_DATE.has(cls) && !s.dates.some((d) => !d.old && !d.since)) return;
      if (cls === 'clash' && !other) {
        // fighting with no named other side: the armed actor the report is about
        const me = resolveActor(lex, agent.ref, docCountry ?? '').name;
        if (!armedCounts) {
          armedCounts = new Map();
          for (const x of sentences) for (const a of x.actors) {
            if (a.source || (a.ref.kind === 'pattern' && ['civilians', 'protesters', 'rioters'].includes(a.ref.pattern))) continue;
            const name = resolveActor(lex, a.ref, docCountry ?? '').name;
            const c = armedCounts.get(name) ?? { n: 0, a };
            c.n++;
            armedCounts.set(name, c);
          }
        }
        let best: ActorMention | null = null;
        let bestN = 0;
        for (const [name, c] of armedCounts) if (name !== me && c.n > bestN) [best, bestN] = [c.a, c.n];
        other = best;
      }
      if (cls === 'vac') other = null; // ACLED: the victims of one-sided violence are civilians
      f.actor1 = agent;
      f.assoc = assoc && refKey(assoc.ref) !== refKey(agent.ref) ? assoc : null;
      if (agent.ref.kind === 'named' || agent.ref.kind === 'pattern') lastAgent = agent.source ? lastAgent : agent;
      f.actor2 = other && !(other.ref.kind === agent.ref.kind && refKey(other.ref) === refKey(agent.ref)) ? other : null;
      // sides of a fight in the text's order, unless the report names the second side, and only it, as the one
      // that attacked ("clashes between the army and X … X attacked checkpoints"): ACLED lists the initiator first
      if (cls === 'clash' && f.actor2) {
        const starters = initiators();
        const n1 = resolveActor(lex, f.actor1.ref, docCountry ?? '').name;
        const n2 = resolveActor(lex, f.actor2.ref, docCountry ?? '').name;
        if (starters.has(n2) && !starters.has(n1)) [f.actor1, f.actor2] = [f.actor2, f.actor1];
      }
      f.victim2 = null;
      if (!f.actor2 && victimActor && refKey(victimActor.ref) !== refKey(agent.ref)) f.victim2 = victimActor;
      if (cls === 'vac' && f.victim2 && !(f.victim2.ref.kind === 'pattern' && f.victim2.ref.pattern === 'civilians')) f.victim2 = null;
      if (!f.actor2 && !f.victim2 && (cls === 'vac' || cls === 'abduct' || cls === 'arrest' || cls === 'sexual' || (cls === 'mob' && (victims.length > 0 || s.triggers.some((t) => /lynch/i.test(t.text)))))) {
        f.victim2 = { ref: { kind: 'pattern', pattern: 'civilians', country: null }, span: f.triggers[0]! };
      }
      // "gunmen assassinated a former officer": one death, even without a number
      f.impliedDeath = (cls === 'vac' || cls === 'mob') && !victims.some((c) => c.kind === 'killed') && [...f.triggers, ...s.triggers].some((t) => /assassinat|execut|shot dead|gunned down|behead|shot and killed|liquidat|slaughter|lynched/i.test(t.text) && !/ion$/i.test(t.text));
      lastFrame = f;

      // date
      const own0 = s.dates.filter((d) => !d.old && !d.since);
      // an explicit date in a recent sentence whose own event was not coded still dates what follows
      for (let k = s.index - 1; k >= Math.max(0, s.index - 3) && (!lastDate || k > lastDate.sentence); k--) {
        const prev = sentences[k]!;
        if (prev.background || prev.campaign) break;
        const d = prev.dates.find((x) => !x.old && !x.since);
        if (d) {
          const known = !!published || (d.hasYear && /\b(?:19|20)\d\d\b/.test(d.text));
          lastDate = { date: d.date, precision: d.precision, span: d, sentence: k, cls: '', known };
          break;
        }
      }
      const own1 = own0.filter((d) => !isDateline(text, s, d));
      const own = own1.some((d) => !isReportingDate(text, s, d)) ? own1.filter((d) => !isReportingDate(text, s, d)) : own1;
      if (own.length) {
        let best = own[0]!;
        let bd = Infinity;
        for (const d of own) {
          const dist = Math.abs(d.start - f.start);
          if (dist < bd) [best, bd] = [d, dist];
        }
        const known = !!published || (best.hasYear && /\b(?:19|20)\d\d\b/.test(best.text));
        f.date = { date: known ? best.date : null, precision: best.precision, span: best, key: best.date };
        lastDate = { date: best.date, precision: best.precision, span: best, sentence: s.index, cls, known };
      } else if (lastDate) {
        const adjacent = s.index - lastDate.sentence <= 1 || lastDate.cls === cls;
        f.date = { date: lastDate.known ? lastDate.date : null, precision: adjacent ? lastDate.precision : 2, span: lastDate.span, key: lastDate.date };
      } else {
        f.date = { date: published ? isoOf(published) : null, precision: published ? 2 : 1, span: null, key: isoOf(anchor) };
      }
    };
    for (const f of frames) codeFrame(f);

    // ---- places → events
    const adminMemo = new Map<number, boolean>();
    const adminNamed = (p: PlaceMention): boolean => {
      let v = adminMemo.get(p.start);
      if (v === undefined) {
        v =
          p.area ||
          (!/\b(?:city|town|village) of\s+(?:the\s+)?$/i.test(text.slice(Math.max(0, p.start - 20), p.start)) &&
            !/^\s+city\b/i.test(text.slice(p.end, p.end + 8)) &&
            isAdminName(p.name, docCountry));
        adminMemo.set(p.start, v);
      }
      return v;
    };
    /**
     * The whole admin name an area mention stands for, as the gazetteer spells it ("Hasakah Governorate" →
     * "Al-Hasakah"; a mention cut short, "Deir" of "Deir ez-Zor", is completed from the words after it);
     * null when the mention names no admin area (the geocoder only takes whole admin names as hints).
     */
    const hintMemo = new Map<number, string | null>();
    const adminOf = (name: string): string | null => adminNameOf(name, docCountry);
    const hintName = (p: PlaceMention): string | null => {
      let v = hintMemo.get(p.start);
      if (v !== undefined) return v;
      v = null;
      const after = /^((?:[ ‑-]+[\p{L}’'‑-]+){1,2})/u.exec(text.slice(p.end, p.end + 40));
      if (after) {
        const words = after[1]!.split(/(?=[ ‑-])/u);
        for (let k = words.length; k >= 1 && !v; k--) {
          const longer = p.name + words.slice(0, k).join('');
          if (!/^[ ‑-]+(?:countryside|province|governorate|district|region|city|town|area|desert)\b/i.test(words[0]!)) v = adminOf(longer);
        }
      }
      v ??= adminOf(p.name);
      hintMemo.set(p.start, v);
      return v;
    };
    const areaMentions: { name: string; sentence: number; pos: number }[] = [];
    for (const s of sentences) for (const p of s.places) if (adminNamed(p)) {
      const h = hintName(p);
      if (h) areaMentions.push({ name: h, sentence: s.index, pos: p.start });
    }
    const hintsBySentence = new Map<number, string[]>();
    const sentenceHints = (s: SentenceInfo): string[] => {
      let h = hintsBySentence.get(s.index);
      if (!h) {
        h = [];
        for (const q of s.places) {
          const n = adminNamed(q) ? hintName(q) : null;
          if (n && !h.includes(n)) h.push(n);
        }
        const byDistance = [...areaMentions].sort((a, b) => Math.abs(a.sentence - s.index) - Math.abs(b.sentence - s.index) || b.sentence - a.sentence || a.pos - b.pos);
        for (const m of byDistance) if (!h.includes(m.name)) h.push(m.name);
        hintsBySentence.set(s.index, h);
      }
      return h;
    };
    const resolved = new Map<number, GeoResolution | null>();
    const placedInArea = new WeakSet<GeoResolution>();
    const nearby: { lat: number; lon: number }[] = [];
    const resolve = (p: PlaceMention, s: SentenceInfo): GeoResolution | null => {
      if (resolved.has(p.start)) return resolved.get(p.start)!;
      const own = hintName(p);
      // an admin area named as such needs no hint (and must not be placed inside another one)
      const hints = own && adminNamed(p) ? [] : sentenceHints(s).filter((h) => h !== p.name && h !== own).slice(0, 5);
      const near = nearby.slice(-6);
      let r = cachedResolve(p.query, docCountry, hints, near);
      if (!r && p.query !== p.name) r = cachedResolve(p.name, docCountry, hints, near);
      if (!r && hints.length) r = cachedResolve(p.query, docCountry, [], []);
      if (r && docCountry && r.country !== docCountry && !namedIn(s.text, r.country)) r = null;
      if (r && r.place === null && r.geo_precision === 3 && !adminNamed(p) && normKey(r.location) !== normKey(p.name)) {
        // the geocoder placed the name in the hinted area (not found there, unknown, or ambiguous): a namesake
        // found without hints is taken only when it lies in that same area, never one far away
        // (an area named only in other sentences is a weaker hint: then a namesake elsewhere in the country may stand)
        const plain = cachedResolve(p.query, docCountry, [], []);
        const sameSentence = s.places.some((q) => q !== p && adminNamed(q) && hintName(q) !== null && r!.admin1 !== null && (hintName(q) === r!.admin1 || hintName(q) === r!.admin2 || hintName(q) === r!.location));
        // (a name that is itself an admin area, "Diyala" in a dateline, is that area)
        const itself = !!plain?.place && ['admin1', 'admin2', 'admin3'].includes(plain.place.kind) && normKey(plain.place.name) === normKey(p.name);
        if (plain?.place && plain.country === r.country && ((plain.admin1 !== null && plain.admin1 === r.admin1) || !sameSentence || itself)) r = plain;
      }
      if (r && r.place === null && r.geo_precision === 3 && !adminNamed(p) && normKey(r.location) !== normKey(p.name)) {
        // keep the geocoder's area placement and precision; the location keeps the name the text gives
        r = { ...r, location: p.name, geo_note: r.geo_note ?? `${p.name} placed at ${r.location}` };
        placedInArea.add(r); // a named place, only placed coarsely: still its own event
      }
      if ((!r || placedInArea.has(r)) && !adminNamed(p)) {
        // a place the gazetteer lacks, in a named smaller area ("Fanigol village in the Abu Khashab desert"): there
        const i = s.places.indexOf(p);
        const q = i >= 0 ? s.places[i + 1] : undefined;
        // (or beside a known one: "al-Homah neighbourhood near Fangeel village")
        if (q && ((q.area && CONTAINED_GAP.test(text.slice(p.end, q.start))) || (q.near && NEAR_GAP.test(text.slice(p.end, q.start))))) {
          const c = resolve(q, s);
          if (c && c.place && c.latitude !== null && c.geo_precision <= 2 && c.place.kind !== 'admin1' && c.place.kind !== 'country' && (!r || c.admin1 === r.admin1)) {
            r = { ...c, place: null, location: p.name, geo_precision: 2, geo_note: `${p.name} is not in the gazetteer; placed at ${c.location}, which contains it` };
            placedInArea.add(r);
          }
        }
      }
      if (r && r.latitude !== null && r.longitude !== null && r.geo_precision === 1 && !adminNamed(p)) nearby.push({ lat: r.latitude, lon: r.longitude });
      resolved.set(p.start, r);
      return r;
    };
    const isAreaRes = (r: GeoResolution | null, p: PlaceMention) =>
      r !== null && (adminNamed(p) || (r.geo_precision === 3 && !placedInArea.has(r)) || (r.place !== null && ['country', 'admin1'].includes(r.place.kind)));

    interface Draft {
      frame: Frame;
      place: PlaceMention;
      geo: GeoResolution | null;
      area: boolean;
      first: boolean;
      /** this place's own share of the frame's tolls, when the sentence ties tolls to places */
      own?: CasualtyMention[];
    }
    const drafts: Draft[] = [];
    /**
     * "14 were killed in shelling on A, 4 in shelling on B", "B was shelled, which killed two": a toll
     * follows the place it names right after it (same clause), else the nearest place told before it
     * (after the previous toll). Tolls tied to no place stay with the frame's first place.
     */
    const splitTolls = (f: Frame, mine: Draft[]) => {
      const cas = [...f.casualties].sort((a, b) => a.start - b.start);
      const assigned = new Map<Draft, CasualtyMention[]>();
      let tied = 0;
      cas.forEach((c, i) => {
        const nextStart = cas[i + 1]?.start ?? f.sentence.end;
        const prevEnd = cas[i - 1]?.end ?? f.sentence.start;
        let host: Draft | undefined = mine.find(
          (d) => d.place.start >= c.end && d.place.start < nextStart && d.place.start - c.end <= 80 && !CLAUSE_BREAK.test(text.slice(c.end, d.place.start)),
        );
        if (!host) {
          const before = mine.filter((d) => d.place.end <= c.start && d.place.start >= prevEnd);
          // "the city of A in the B region": the container is not the place hit
          const inner = before.filter((d) => !before.some((o) => o !== d && o.place.end <= d.place.start && /^\s*(?:,|in|of|in the|of the)\s+(?:the\s+)?$/i.test(text.slice(o.place.end, d.place.start))));
          host = inner[inner.length - 1];
        }
        if (host) tied++;
        const d = host ?? mine[0]!;
        assigned.set(d, [...(assigned.get(d) ?? []), c]);
      });
      if (!tied) return;
      for (const d of mine) d.own = assigned.get(d) ?? [];
    };
    const draftFrame = (f: Frame): void => {
      if (!f.sub || !f.actor1) return;
      const cand = f.places.map((p) => ({ p, r: resolve(p, f.sentence) }));
      // sentence-level places a frame could use when it has none of its own
      const usable = cand.filter(({ p, r }) => r || p.strong || p.listed);
      let specific = usable.filter(({ p, r }) => !isAreaRes(r, p) && !isLandmark(text, f, p));
      if (!specific.length) {
        // the most specific area: the last one mentioned ("Daglica district of Hakkari province" → Daglica)
        const areas = usable.filter(({ r }) => r && r.country);
        const best = areas.sort((a, b) => (a.r!.place?.kind === 'country' ? 1 : 0) - (b.r!.place?.kind === 'country' ? 1 : 0))[0];
        specific = best ? [best] : [];
      }
      const mine = specific.map(({ p, r }, i): Draft => ({ frame: f, place: p, geo: r, area: isAreaRes(r, p), first: i === 0 }));
      if (mine.length > 1 && f.casualties.length) splitTolls(f, mine);
      drafts.push(...mine);
    };
    for (const f of frames) draftFrame(f);

    // coarse events (an area) give way to specific ones of a compatible type in the same admin1
    const violent = (sub: SubEventType) => VIOLENT_EVENT_TYPES.includes(eventTypeOf(sub));
    const keep: Draft[] = [];
    // "southern Lebanon" spans more than one admin1: a place told within 60 km of its point is inside it
    const partOfCountryNear = (d: Draft, o: Draft): boolean =>
      d.geo?.place?.kind === 'region' && d.geo.country === o.geo?.country && d.geo.latitude !== null && d.geo.longitude !== null &&
      o.geo.latitude !== null && o.geo.longitude !== null && haversineKm(d.geo.latitude, d.geo.longitude, o.geo.latitude, o.geo.longitude) < 60;
    const placeDraft = (d: Draft): void => {
      if (d.area) {
        const admin = d.geo?.admin1 ?? null;
        // (a fight in the region is not the town taken there: a change of hands hosts no other kind of battle)
        const host = drafts.find(
          (o) => !o.area && o !== d && (admin === null || o.geo?.admin1 === admin || (o.geo?.admin1 == null) || partOfCountryNear(d, o)) &&
            (eventTypeOf(o.frame.sub!) === eventTypeOf(d.frame.sub!) || (violent(o.frame.sub!) && violent(d.frame.sub!))) &&
            (!TERRITORY_CHANGE.has(o.frame.sub!) || TERRITORY_CHANGE.has(d.frame.sub!)) &&
            (d.frame.date?.span === null || o.frame.date?.key === d.frame.date?.key || Math.abs(Date.parse(o.frame.date!.key) - Date.parse(d.frame.date!.key)) <= 86400000),
        );
        const directional = /\b(?:north|south|east|west)\w*\s+of\s+(?:the\s+)?$/i.test(text.slice(Math.max(0, d.place.start - 30), d.place.start));
        const otherDay = !!d.frame.date?.span && !!host?.frame.date?.span && d.frame.date.key !== host.frame.date?.key;
        if (host && (directional || otherDay) && tollCount(host.frame) && d.frame !== host.frame && d.frame.casualties.length && d.frame.sentence !== host.frame.sentence && killedIn(d.frame) !== killedIn(host.frame)) {
          keep.push(d); // two separate tolls (another direction, another stated day): two events
          return;
        }
        if (host) {
          // the area's toll fills what the host does not know (its dead, its injured); bodies found so far do not make a toll
          const known = new Set([...host.frame.casualties, ...host.frame.foreignCasualties].filter((c) => !c.bodies && !c.provisional).map((c) => c.kind));
          const gives = [...d.frame.casualties, ...d.frame.foreignCasualties].filter((c) => !known.has(c.kind));
          // an area toll over several events in the area ("three killed in the region": two here, one there) is a summary
          const summary = drafts.some(
            (o) => o.frame !== d.frame && o.frame !== host.frame && o.geo?.admin1 === host.geo?.admin1 && violent(o.frame.sub!) &&
              o.frame.casualties.some((c) => c.kind === 'killed' && !c.bodies),
          );
          if (gives.length && host.first && !host.own && !summary) {
            host.frame.foreignCasualties.push(...gives);
            if (!host.frame.victim2 && !host.frame.actor2 && d.frame.victim2) host.frame.victim2 = d.frame.victim2;
          }
          return;
        }
      }
      keep.push(d);
    };
    for (const d of drafts) placeDraft(d);

    // a toll told where no place was named (a headline, a lede) belongs to the first event of that kind with no toll
    const coded = new Set(keep.map((d) => d.frame));
    for (const f of frames) {
      if (coded.has(f) || !f.casualties.length || f.places.length || f.sentence.index > 2) continue;
      // the host may already know its injured and not its dead (or the reverse)
      const kinds = new Set(f.casualties.map((c) => c.kind));
      const fViolent = f.sub ? violent(f.sub) : !['protest', 'riot', 'agreement', 'change', 'hq', 'transfer', 'other', 'loot', 'arrest'].includes(f.cls);
      const host = keep.find(
        (d) => d.first && ![...d.frame.casualties, ...d.frame.foreignCasualties].some((c) => kinds.has(c.kind) && !c.bodies && !c.provisional) &&
          (!TERRITORY_CHANGE.has(d.frame.sub!) || (!!f.sub && TERRITORY_CHANGE.has(f.sub))) &&
          (f.sub ? eventTypeOf(d.frame.sub!) === eventTypeOf(f.sub) || (violent(f.sub) && violent(d.frame.sub!)) : fViolent && violent(d.frame.sub!)),
      );
      if (!host) continue;
      // a total over several events ("13 dead in two provinces") whose other parts tell their own tolls is a
      // summary: it is not copied onto the one part that tells none
      const fKilled = f.casualties.filter((c) => c.kind === 'killed').reduce((a, c) => a + c.value, 0);
      const parts = keep.filter((d) => d !== host && d.frame !== f && violent(d.frame.sub!) && d.frame.casualties.some((c) => c.kind === 'killed' && !c.bodies));
      const partsKilled = parts.reduce((a, d) => a + d.frame.casualties.filter((c) => c.kind === 'killed').reduce((x, c) => x + c.value, 0), 0);
      if (fKilled && parts.length && partsKilled < fKilled && parts.every((d) => d.frame.sentence.index > f.sentence.index)) {
        f.casualties = f.casualties.filter((c) => c.kind !== 'killed');
        if (!f.casualties.length) continue;
      }
      host.frame.foreignCasualties.push(...f.casualties);
      if (!host.frame.actor2 && !host.frame.victim2 && f.victim2) host.frame.victim2 = f.victim2;
    }

    // ---- events
    const events: CodedEvent[] = [];
    const byKey = new Map<string, CodedEvent[]>();
    const usedTolls = new Set<string>();
    const statedDay = new WeakSet<CodedEvent>(); // events dated by a day the text states (not the report's)
    const weakToll = new Map<CodedEvent, boolean>(); // the event's toll is provisional or bodies found so far
    let idx = 0;
    const ev = (field: EvidenceField, sp: { start: number; end: number } | null | undefined): Evidence[] =>
      sp ? [{ field, document_id: doc.id, start: sp.start, end: sp.end, text: text.slice(sp.start, sp.end) }] : [];
    const codeEvent = (d: Draft): void => {
      const f = d.frame;
      const geo = d.geo;
      const country = geo?.country || docCountry || 'Unknown';
      const a1 = resolveActor(lex, f.actor1!.ref, country);
      const a2ref = f.actor2?.ref ?? f.victim2?.ref ?? null;
      const a2 = a2ref ? resolveActor(lex, a2ref, country) : null;
      const cas = d.own ? tally(f, d.own, d.first) : d.first ? tally(f) : { killed: 0, injured: 0, approx: false, kSpan: null, iSpan: null };
      // one toll phrase counts for one event only (a strike and a clash told around the same victims)
      if (cas.kSpan && usedTolls.has(spanKey(cas.kSpan))) Object.assign(cas, { killed: 0, approx: false, kSpan: null });
      if (cas.iSpan && usedTolls.has(spanKey(cas.iSpan))) Object.assign(cas, { injured: 0, iSpan: null });
      // the same figure again at the same place and day (a strike and the battle around it): the same victims, told twice
      const here = `${geo && geo.latitude !== null && geo.longitude !== null ? `${geo.latitude.toFixed(3)},${geo.longitude.toFixed(3)}` : normKey(d.place.name)}|${f.date?.key ?? ''}`;
      if (cas.killed && usedTolls.has(`${here}|k${cas.killed}`)) Object.assign(cas, { killed: 0, approx: false, kSpan: null });
      if (cas.kSpan) usedTolls.add(spanKey(cas.kSpan)).add(`${here}|k${cas.killed}`);
      if (cas.iSpan) usedTolls.add(spanKey(cas.iSpan));
      const sub = f.sub!;
      const type = eventTypeOf(sub);
      const inter1 = a1.inter;
      const inter2 = a2 && a2.name !== a1.name ? a2.inter : 0;
      const targets: string[] = [];
      const targetSpans: Span[] = [];
      // (only matches starting in the first 120 characters count, and none is longer than about 30: the scan reads
      // at most 200 characters, where a cut word can only make a match past 120, which ends the loop as before)
      const tail = text.slice(f.end, Math.min(f.sentence.end, f.end + 200));
      for (const m of tail.matchAll(plainTwin(TARGET_NOUNS, tail))) {
        if (m.index! > 120) break;
        const t = m[1]!.toLowerCase();
        if (!targets.includes(t)) {
          targets.push(t);
          targetSpans.push({ start: f.end + m.index!, end: f.end + m.index! + m[0].length, text: m[0] });
        }
      }
      const location = geo?.location ?? d.place.name;
      const precision = geo ? geo.geo_precision : d.place.near ? 2 : 1;
      const evidence: Evidence[] = [
        ...ev('event_date', f.date?.span),
        ...ev('event_type', f.triggers[0]),
        ...ev('sub_event_type', f.weapon && REMOTE.has(f.weapon.cls) ? f.weapon : f.triggers[0]),
        ...ev('actor1', f.actor1),
        ...ev('assoc_actor_1', f.assoc),
        ...ev('actor2', f.actor2 ?? f.victim2?.span),
        ...ev('location', d.place),
        ...ev('admin1', d.place),
        ...ev('fatalities', cas.kSpan),
        ...ev('injuries', cas.iSpan),
        ...ev('weapons', f.weapon),
        ...targetSpans.flatMap((t) => ev('targets', t)),
      ];
      const iso3 = lex.countryByName.get(country)?.iso3 ?? 'XXX';
      const conf = Math.min(0.95, 0.5 + (f.actor1 && !GENERIC.has(f.triggers[0]!.cls) ? 0.15 : 0.05) + (f.date?.span ? 0.1 : 0) + (precision === 1 && geo ? 0.15 : 0.05));
      const event: CodedEvent = {
        event_id_cnty: `${iso3}${parseInt(sha(`${doc.id}\u0000${idx}`).slice(0, 10), 16) % 1e9}`,
        event_date: f.date?.date ?? null,
        time_precision: f.date?.precision ?? 2,
        disorder_type: disorderTypeOf(type, sub),
        event_type: type,
        sub_event_type: sub,
        actor1: a1.name,
        assoc_actor_1: f.assoc ? resolveActor(lex, f.assoc.ref, country).name : null,
        inter1,
        actor2: a2 && a2.name !== a1.name ? a2.name : null,
        assoc_actor_2: null,
        inter2,
        interaction: interactionOf(inter1, inter2),
        civilian_targeting: a2 && inter2 === 7 ? 'Civilian targeting' : null,
        iso: geo?.iso ?? null,
        country,
        admin1: geo?.admin1 ?? null,
        admin2: geo?.admin2 ?? null,
        admin3: geo?.admin3 ?? null,
        location,
        latitude: geo?.latitude ?? null,
        longitude: geo?.longitude ?? null,
        geo_precision: precision,
        geo_note: geo?.geo_note ?? (geo ? null : 'place not in the gazetteer'),
        source: doc.source ?? '',
        notes: f.sentence.text.slice(0, 500),
        fatalities: cas.killed,
        fatalities_approximate: cas.approx,
        injuries: cas.injured,
        weapons: f.weapon ? [f.weapon.label] : [],
        targets,
        confidence: Math.round(conf * 100) / 100,
        document_id: doc.id,
        evidence,
      };
      // one place whatever its spelling ("Deir-ez-Zor", "Deir ez-Zor"): its coordinates, else the name
      const placeKey = geo && geo.latitude !== null && geo.longitude !== null && !placedInArea.has(geo) ? `@${geo.latitude.toFixed(3)},${geo.longitude.toFixed(3)}` : normKey(location);
      const key = [placeKey, f.date?.key ?? '', sub].join('|');
      let prev = (byKey.get(key) ?? []).find((o) => sameSides(o, event));
      if (!prev && TERRITORY_CHANGE.has(sub)) {
        // a place changes hands once: "X retook the town" (dated by the report) and "X captured the town late
        // yesterday" a day apart are one event, dated by the telling that states its day
        const near = events.find((o) => TERRITORY_CHANGE.has(o.sub_event_type) && o.actor1 === event.actor1 && samePlace(o, event) && o.event_date && event.event_date && Math.abs(Date.parse(o.event_date) - Date.parse(event.event_date)) <= 86400000);
        if (near) {
          const how = sub === 'Non-violent transfer of territory' && near.sub_event_type !== sub;
          if (f.date?.span && (!statedDay.has(near) || how)) {
            near.event_date = event.event_date;
            near.time_precision = event.time_precision;
            near.evidence = [...near.evidence.filter((e) => e.field !== 'event_date'), ...event.evidence.filter((e) => e.field === 'event_date')];
            statedDay.add(near);
          }
          // the telling that says the other side left first ("after the garrison vacated it") says how it changed hands
          if (how) {
            near.sub_event_type = sub;
            near.event_type = event.event_type;
            near.actor2 = null;
            near.inter2 = 0;
            near.interaction = event.interaction;
            near.evidence = [...near.evidence.filter((e) => !['event_type', 'sub_event_type', 'actor2'].includes(e.field)), ...event.evidence.filter((e) => e.field === 'event_type' || e.field === 'sub_event_type')];
          }
          prev = near;
        }
      }
      if (prev) {
        // the same event told twice (headline and body): keep one, the conservative non-zero toll
        const pw = weakToll.get(prev) ?? false;
        const ew = !!cas.weak;
        if (event.fatalities && (!prev.fatalities || (ew === pw ? event.fatalities < prev.fatalities : pw))) {
          prev.fatalities = event.fatalities;
          weakToll.set(prev, ew);
        }
        if (event.injuries && (!prev.injuries || event.injuries < prev.injuries)) prev.injuries = event.injuries;
        if (!prev.actor2 && event.actor2) {
          prev.actor2 = event.actor2;
          prev.inter2 = event.inter2;
          prev.interaction = event.interaction;
          prev.civilian_targeting = event.civilian_targeting;
        }
        return;
      }
      weakToll.set(event, !!cas.weak);
      if (f.date?.span) statedDay.add(event);
      byKey.set(key, [...(byKey.get(key) ?? []), event]);
      events.push(event);
      idx++;
    };
    for (const d of keep) codeEvent(d);
    return foldCollateral(events);
  }

  return { extract };
}

/** Same place: equal coordinates (3 decimals), else equal location names. */
function samePlace(a: CodedEvent, b: CodedEvent): boolean {
  if (a.latitude != null && a.longitude != null && b.latitude != null && b.longitude != null) {
    return Math.abs(a.latitude - b.latitude) < 0.005 && Math.abs(a.longitude - b.longitude) < 0.005;
  }
  return a.location.toLowerCase() === b.location.toLowerCase();
}

/**
 * ACLED: civilians hurt as collateral in a battle get no event of their own. One-sided violence by a side of
 * a battle at the same place and day is the battle told from the victims' end: folded into it (its toll
 * kept when the battle states none).
 */
function foldCollateral(events: CodedEvent[]): CodedEvent[] {
  const battles = events.filter((e) => e.event_type === 'Battles');
  if (!battles.length) return events;
  const drop = new Set<CodedEvent>();
  for (const e of events) {
    if (e.sub_event_type !== 'Attack') continue;
    const b = battles.find((x) => x.event_date === e.event_date && x.geo_precision < 3 && e.geo_precision < 3 && samePlace(x, e) && (x.actor1 === e.actor1 || x.actor2 === e.actor1));
    if (!b) continue;
    if (!b.fatalities && e.fatalities) {
      b.fatalities = e.fatalities;
      b.fatalities_approximate = e.fatalities_approximate;
      const ev = e.evidence.filter((x) => x.field === 'fatalities');
      b.evidence = [...b.evidence.filter((x) => x.field !== 'fatalities'), ...ev.map((x) => ({ ...x, document_id: b.document_id }))];
    }
    if (!b.injuries && e.injuries) b.injuries = e.injuries;
    drop.add(e);
  }
  return drop.size ? events.filter((e) => !drop.has(e)) : events;
}

/** Killed and injured for a frame: per sentence a sum, across sentences the most conservative figure. */
function tally(f: Frame, own: CasualtyMention[] = f.casualties, withForeign = true): { killed: number; injured: number; approx: boolean; kSpan: Pos | null; iSpan: Pos | null; weak?: boolean } {
  let killed = 0;
  let injured = 0;
  let approx = false;
  let kSpan: Pos | null = null;
  let iSpan: Pos | null = null;
  const ownK = own.filter((c) => c.kind === 'killed');
  const ownI = own.filter((c) => c.kind === 'injured');
  const sum = tollSum;
  // bodies found so far and provisional tolls give way to a stated, final toll
  const weak = isWeakToll;
  let killedWeak = false;
  if (ownK.length) {
    killed = sum(ownK);
    approx = ownK.some((c) => c.approximate);
    kSpan = { start: ownK[0]!.start, end: ownK[ownK.length - 1]!.end };
    killedWeak = ownK.every(weak);
  }
  if (ownI.length) {
    injured = sum(ownI);
    iSpan = { start: ownI[0]!.start, end: ownI[ownI.length - 1]!.end };
  }
  // a breakdown told in one sentence ("16 soldiers … 28 fighters … four civilians were killed") is one figure, its sum,
  // weighed against other sentences' figures as a whole, never part by part
  const joined: (CasualtyMention & { parts?: number })[] = [];
  for (const c of withForeign ? f.foreignCasualties : []) {
    const prev = joined.find((o) => o.kind === c.kind && o.sentence !== undefined && o.sentence === c.sentence && weak(o) === weak(c));
    if (prev) joined[joined.indexOf(prev)] = { ...prev, value: prev.value + c.value, approximate: prev.approximate || c.approximate, start: Math.min(prev.start, c.start), end: Math.max(prev.end, c.end), parts: (prev.parts ?? 1) + 1 };
    else joined.push({ ...c, parts: 1 });
  }
  // parts of the frame's own stated total ("leaving at least 48 dead. 16 … and four …") do not replace it
  const ownKilled = sum(ownK.filter((c) => !weak(c)));
  for (let i = joined.length - 1; i >= 0; i--) {
    const j = joined[i]!;
    if (j.kind === 'killed' && (j.parts ?? 1) > 1 && ownKilled && j.value <= ownKilled) joined.splice(i, 1);
  }
  const foreign = joined.sort((a, b) => Number(weak(a)) - Number(weak(b)));
  for (const c of foreign) {
    if (c.kind === 'killed') {
      if (weak(c) && killed) continue;
      if (!killed || c.value < killed || killedWeak) {
        killedWeak = weak(c);
        killed = c.value;
        approx = c.approximate;
        kSpan = c;
      }
    } else if (!injured) {
      injured = c.value;
      iSpan = c;
    } else if (!ownI.length) {
      injured += c.value;
    }
  }
  if (!killed && f.impliedDeath && withForeign) {
    killed = 1;
    kSpan = f.triggers[0]!;
  }
  return { killed, injured, approx, kSpan, iSpan, weak: killedWeak };
}

/** The sum of casualty figures. */
function tollSum(l: CasualtyMention[]): number {
  return l.reduce((a, c) => a + c.value, 0);
}
/** Bodies found so far and provisional tolls give way to a stated, final toll. */
function isWeakToll(c: CasualtyMention): boolean {
  return !!c.bodies || !!c.provisional;
}

// (helpers of extract() at module level: named closures made per sentence, frame or event cost a __name call each under tsx)

const refKeys = new WeakMap<ActorRef, string>();
/** JSON.stringify of an actor reference, made once per reference object (references are never changed). */
function refKey(ref: ActorRef): string {
  let k = refKeys.get(ref);
  if (k === undefined) {
    k = JSON.stringify(ref);
    refKeys.set(ref, k);
  }
  return k;
}

/** A span told inside one of the victim phrases. */
function insideSpans(a: Pos, spans: (readonly [number, number])[]): boolean {
  return spans.some(([x, y]) => a.start >= x && a.end <= y);
}

/** "Fourteen militiamen … were killed in the shelling": the subject of a passive harm verb suffers the event. */
function suffers(text: string, a: ActorMention, f: Frame): boolean {
  const gap = text.slice(a.end, f.start);
  return f.cls !== 'clash' && gap.length < 120 && !CLAUSE_BREAK.test(gap) && PASSIVE_HARM.test(gap);
}

/** An actor mention of this generic pattern ("civilians", "protesters", "unidentified"). */
function isPattern(a: ActorMention | null, pattern: string): boolean {
  return !!a && a.ref.kind === 'pattern' && a.ref.pattern === pattern;
}

/** "announced on Saturday that … on Friday": the day of the statement is not the day of the event. */
function isReportingDate(text: string, s: Sentence, d: DateMention): boolean {
  return /\b(?:said|says|announced|reported|told|stated|added|confirmed|claimed|acknowledged|published|issued|quoted|released|statement)\b[^.;]{0,24}$/i.test(text.slice(Math.max(s.start, d.start - 40), d.start));
}

/**
 * "GAZA, Feb 25 (WAFA) –": a dateline gives the day of the report ("date 2024-02-25", "Published: …": a page's
 * own stamp says when it was published, not what happened).
 */
function isDateline(text: string, s: Sentence, d: DateMention): boolean {
  return (
    /(?:^|[(\s–-])\p{Lu}[\p{Lu}\s.'-]{2,},\s*$/u.test(text.slice(Math.max(s.start, d.start - 30), d.start)) ||
    /\b(?:date|dated|published|updated|posted|last updated)\s*:?\s*$/i.test(text.slice(Math.max(s.start, d.start - 20), d.start))
  );
}

/** "X neighbourhood near Y": Y only says where X is. */
function isLandmark(text: string, f: Frame, p: PlaceMention): boolean {
  const i = f.sentence.places.indexOf(p);
  const q = i > 0 ? f.sentence.places[i - 1]! : null;
  return p.near && !!q && f.places.includes(q) && NEAR_GAP.test(text.slice(q.end, p.start));
}

/** How many casualty phrases a frame holds (its own and later sentences'). */
function tollCount(f: Frame): number {
  return f.casualties.length + f.foreignCasualties.length;
}

/** A frame's killed, its own and later sentences' figures added. */
function killedIn(f: Frame): number {
  return [...f.casualties, ...f.foreignCasualties].filter((c) => c.kind === 'killed').reduce((a, c) => a + c.value, 0);
}

/** A toll phrase's key. */
function spanKey(sp: Pos | null): string {
  return sp ? `${sp.start}:${sp.end}` : '';
}

/** The same actors in either order, or one side left unnamed in one telling. */
function sameSides(o: CodedEvent, event: CodedEvent): boolean {
  const a = new Set([o.actor1, o.actor2].filter(Boolean));
  const b = [event.actor1, event.actor2].filter(Boolean) as string[];
  const bs = new Set(b);
  return (b.every((x) => a.has(x)) || [...a].every((x) => bs.has(x as string))) && (a.has(event.actor1) || bs.has(o.actor1));
}
