/**
 * merge: deciding whether two coded events describe the same real event, and combining the reports of
 * one event into one stored event. Pure functions only: no I/O, no store access. The store calls
 * `findMatch` when a new coded event arrives and `combine` whenever an event's set of reports changes
 * (merge, unmerge, review), so a stored event is always a function of its contributions and its edits.
 * Must not touch the database, the extractor or the server.
 *
 * Matching rule (all must hold):
 *  - same country, and both dates known and at most MAX_DAY_GAP (1) day apart;
 *  - the same place: the same normalised location name (and not different admin1 when both are known), or
 *    coordinates within MAX_DISTANCE_KM (5 km); but two precisely placed events (geo_precision 1) with
 *    different names must be within DIFFERENT_NAME_KM (2 km): that allows a spelling variant geocoded
 *    to a nearby point, while two villages a few km apart stay two events (ACLED: one event per place);
 *  - compatible type: the same event type, or Battles vs Explosions/Remote violence, or Protests vs Riots.
 *    When the sub-event types differ, actor1 must be known and the same on both;
 *  - compatible actors: actor1 the same, or unknown on one side; actor2 the same, or unknown on one side
 *    (for Battles the two sides may be swapped). When either actor2 is unknown but both reports name
 *    targets, the targets must overlap. So "a drone strike on a Turkish outpost" and "a drone strike on
 *    HTS" in the same town on the same day stay two events.
 *  - never two coded events of the same document (the extractor split them on purpose).
 * Among several matches the best-scored one wins (same day, same sub-type, closer, more actors in common).
 *
 * Combining rule (each contribution is one report's coding of the event):
 *  - sources accumulate (one per document), evidence is the union of all reports' evidence;
 *  - fields keep the best-evidenced value: for each field group, the report that has evidence for it,
 *    then the more precise (geo_precision / time_precision), then the higher confidence, then the earliest;
 *  - fatalities: the MAX of the figures given by distinct reports, never their sum (reports of the same
 *    event repeat the same deaths; a later, higher toll supersedes an earlier one). `fatalities_approximate`
 *    comes from the report that gave that maximum. Injuries follow the same rule;
 *  - weapons and targets: the union, in first-seen order; confidence: the highest of the reports;
 *  - the event keeps the id of its first report (`event_id_cnty`), and `source` lists distinct outlets.
 * Analyst edits (review) are applied on top of the combined value and always win.
 */
import type { CodedEvent, EventType, EvidenceField } from '../model/index.js';
import { haversineKm } from '../model/distance.js';
import { memoize } from '../model/memo.js';

export const MAX_DISTANCE_KM = 5;
export const DIFFERENT_NAME_KM = 2;
export const MAX_DAY_GAP = 1;

/** One report's contribution to a stored event. `order` is the arrival order (smaller = earlier). */
export interface Contribution {
  coded: CodedEvent;
  order: number;
}

export interface MatchResult {
  match: boolean;
  score: number;
  reason: string;
}

/** Groups of event types that different outlets plausibly use for the same real event. */
const COMPATIBLE_TYPES: readonly (readonly EventType[])[] = [
  ['Battles', 'Explosions/Remote violence'],
  ['Protests', 'Riots'],
];

/** Lower-case, strip diacritics, punctuation and leading articles: "Al-Shaalah" ~ "al shaalah". */
export function normaliseName(s: string | null | undefined): string {
  if (!s) return '';
  return normalised(s);
}

function normaliseUncached(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’‘`ʿʾ]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^(the|al|el|ad|an|ar|as|at|az) /, '')
    .replace(/\s+/g, ' ');
}
/** normaliseName's results by input (it is pure; names repeat across candidates, reports and fields). */
const normalised = memoize(normaliseUncached, 20_000);

const UNKNOWN_ACTOR = /^(unidentified|unknown)\b/i;

/** An actor name that says nothing about who acted ("Unidentified Armed Group", empty). */
export function isUnknownActor(a: string | null | undefined): boolean {
  return !a || !a.trim() || UNKNOWN_ACTOR.test(a.trim());
}

function sameActor(a: string | null | undefined, b: string | null | undefined): boolean {
  return normaliseName(a) === normaliseName(b);
}

/** Great-circle distance in km (haversine). */
export const distanceKm = haversineKm;

/** Whole days between two YYYY-MM-DD dates (absolute). */
export function dayGap(a: string, b: string): number {
  return Math.abs(Date.parse(a + 'T00:00:00Z') - Date.parse(b + 'T00:00:00Z')) / 86_400_000;
}

function typesCompatible(a: EventType, b: EventType): boolean {
  return a === b || COMPATIBLE_TYPES.some((g) => g.includes(a) && g.includes(b));
}

function targetsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const words = (xs: readonly string[]) =>
    new Set(xs.flatMap((x) => normaliseName(x).split(' ')).filter((w) => w.length > 2));
  const wa = words(a);
  for (const w of words(b)) if (wa.has(w)) return true;
  return false;
}

/**
 * Does `incoming` describe the same real event as `stored`? Pure; see the module comment for the rule.
 * `score` ranks several matches (higher is a better match); it is 0 when there is no match.
 */
export function matchEvents(stored: CodedEvent, incoming: CodedEvent): MatchResult {
  const no = (reason: string): MatchResult => ({ match: false, score: 0, reason });
  if (stored.document_id === incoming.document_id) return no('same document');
  if (normaliseName(stored.country) !== normaliseName(incoming.country)) return no('different country');
  if (!stored.event_date || !incoming.event_date) return no('date unknown');
  const gap = dayGap(stored.event_date, incoming.event_date);
  if (!(gap <= MAX_DAY_GAP)) return no(`dates ${gap} days apart`);

  let km: number | null = null;
  if (stored.latitude != null && stored.longitude != null && incoming.latitude != null && incoming.longitude != null) {
    km = distanceKm(stored.latitude, stored.longitude, incoming.latitude, incoming.longitude);
  }
  const sameName = normaliseName(stored.location) !== '' && normaliseName(stored.location) === normaliseName(incoming.location);
  const adminClash = !!stored.admin1 && !!incoming.admin1 && normaliseName(stored.admin1) !== normaliseName(incoming.admin1);
  const precise = stored.geo_precision === 1 && incoming.geo_precision === 1;
  const near = km !== null && km <= (sameName || !precise ? MAX_DISTANCE_KM : DIFFERENT_NAME_KM);
  if (!(near || (sameName && !adminClash))) {
    return no(km !== null ? `${km.toFixed(1)} km apart` : 'different places');
  }

  if (!typesCompatible(stored.event_type, incoming.event_type)) return no('incompatible event types');
  const sameSub = stored.sub_event_type === incoming.sub_event_type;

  const a1Known = !isUnknownActor(stored.actor1) && !isUnknownActor(incoming.actor1);
  const a2Known = !isUnknownActor(stored.actor2) && !isUnknownActor(incoming.actor2);
  const a1Same = a1Known && sameActor(stored.actor1, incoming.actor1);
  const a2Same = a2Known && sameActor(stored.actor2, incoming.actor2);
  const swapped =
    stored.event_type === 'Battles' && incoming.event_type === 'Battles' && a1Known && a2Known &&
    sameActor(stored.actor1, incoming.actor2) && sameActor(stored.actor2, incoming.actor1);
  if (!swapped) {
    if (a1Known && !a1Same) return no('different actor1');
    if (a2Known && !a2Same) return no('different actor2');
  }
  if (!sameSub && !(a1Same || swapped)) return no('different sub-event types without a common actor');
  if (!a2Known && stored.targets.length > 0 && incoming.targets.length > 0 && !targetsOverlap(stored.targets, incoming.targets)) {
    return no('different targets');
  }

  let score = 10;
  if (gap === 0) score += 4;
  if (sameSub) score += 3;
  if (a1Same || swapped) score += 2;
  if (a2Same || swapped) score += 2;
  if (sameName) score += 2;
  if (km !== null) score += Math.max(0, 2 - km / MAX_DISTANCE_KM * 2);
  return { match: true, score, reason: 'match' };
}

/** The best-scored stored event that `incoming` matches, or null. Ties go to the earlier candidate. */
export function findMatch<T extends CodedEvent>(candidates: readonly T[], incoming: CodedEvent): { event: T; result: MatchResult } | null {
  let best: { event: T; result: MatchResult } | null = null;
  for (const c of candidates) {
    const r = matchEvents(c, incoming);
    if (r.match && (!best || r.score > best.result.score)) best = { event: c, result: r };
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Combining

type Group = { fields: readonly (keyof CodedEvent)[]; evidence: readonly EvidenceField[]; precision?: (e: CodedEvent) => number };

/** Fields chosen together from one report (a place is one choice, not a mix of two reports' columns). */
const GROUPS: readonly Group[] = [
  { fields: ['event_date', 'time_precision'], evidence: ['event_date'], precision: (e) => (e.event_date ? -e.time_precision : -9) },
  { fields: ['event_type', 'sub_event_type', 'disorder_type', 'civilian_targeting'], evidence: ['sub_event_type', 'event_type'] },
  {
    fields: ['actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2', 'interaction'],
    evidence: ['actor1', 'actor2'],
    precision: (e) => (isUnknownActor(e.actor1) ? 0 : 1) + (isUnknownActor(e.actor2) ? 0 : 1),
  },
  {
    fields: ['location', 'latitude', 'longitude', 'geo_precision', 'geo_note', 'country', 'iso', 'admin1', 'admin2', 'admin3'],
    evidence: ['location', 'admin1'],
    precision: (e) => (e.latitude != null ? -e.geo_precision : -9),
  },
  { fields: ['notes'], evidence: [] },
];

/**
 * A deep copy of JSON-like data (primitives, arrays, plain objects), as structuredClone makes it but
 * ~10 times faster on a coded event; anything else (a Date, a Map…) is copied by structuredClone.
 */
function copyData<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copyData) as T;
  if (Object.getPrototypeOf(v) !== Object.prototype) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const c = copyData((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
    else out[k] = c;
  }
  return out as T;
}

function hasEvidence(e: CodedEvent, fields: readonly EvidenceField[]): number {
  return fields.some((f) => e.evidence.some((ev) => ev.field === f)) ? 1 : 0;
}

function better(a: Contribution, b: Contribution, g: Group): boolean {
  const pa = g.precision?.(a.coded) ?? 0;
  const pb = g.precision?.(b.coded) ?? 0;
  if (pa !== pb) return pa > pb;
  const ea = hasEvidence(a.coded, g.evidence);
  const eb = hasEvidence(b.coded, g.evidence);
  if (ea !== eb) return ea > eb;
  if (a.coded.confidence !== b.coded.confidence) return a.coded.confidence > b.coded.confidence;
  return a.order < b.order;
}

function unionStrings(lists: readonly (readonly string[])[]): string[] {
  const seen = new Map<string, string>();
  for (const l of lists) {
    for (const s of l) {
      const k = normaliseName(s);
      if (!seen.has(k)) seen.set(k, s);
    }
  }
  return [...seen.values()];
}

/**
 * Combine the contributions of one event into its coded value (before analyst edits).
 * Throws on an empty list. Deterministic: the result depends only on the contributions and their order.
 */
export function combine(contributions: readonly Contribution[]): CodedEvent {
  if (contributions.length === 0) throw new Error('combine: no contributions');
  const sorted = [...contributions].sort((a, b) => a.order - b.order);
  const first = sorted[0]!;
  if (sorted.length === 1) return copyData(first.coded);
  const out: CodedEvent = copyData(first.coded);
  const target = out as unknown as Record<string, unknown>;
  for (const g of GROUPS) {
    let best = first;
    for (const c of sorted) if (better(c, best, g)) best = c;
    const src = best.coded as unknown as Record<string, unknown>;
    for (const f of g.fields) {
      const v = src[f];
      target[f] = copyData(v);
    }
  }
  let maxF = first;
  let maxI = first;
  for (const c of sorted) {
    if (c.coded.fatalities > maxF.coded.fatalities) maxF = c;
    if (c.coded.injuries > maxI.coded.injuries) maxI = c;
  }
  out.fatalities = maxF.coded.fatalities;
  out.fatalities_approximate = maxF.coded.fatalities_approximate;
  out.injuries = maxI.coded.injuries;
  out.weapons = unionStrings(sorted.map((c) => c.coded.weapons));
  out.targets = unionStrings(sorted.map((c) => c.coded.targets));
  out.confidence = Math.max(...sorted.map((c) => c.coded.confidence));
  out.source = unionStrings(sorted.map((c) => (c.coded.source ? [c.coded.source] : []))).join('; ');
  const seenEv = new Set<string>();
  out.evidence = [];
  for (const c of sorted) {
    for (const ev of c.coded.evidence) {
      const k = `${ev.field}|${ev.document_id}|${ev.start}|${ev.end}`;
      if (!seenEv.has(k)) {
        seenEv.add(k);
        out.evidence.push(copyData(ev));
      }
    }
  }
  out.event_id_cnty = first.coded.event_id_cnty;
  out.document_id = first.coded.document_id;
  return out;
}

/** Fields an analyst may edit (review action "edit"). Provenance fields are not editable. */
export const EDITABLE_FIELDS = [
  'event_date', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type', 'actor1', 'assoc_actor_1', 'inter1',
  'actor2', 'assoc_actor_2', 'inter2', 'interaction', 'civilian_targeting', 'iso', 'country', 'admin1', 'admin2', 'admin3',
  'location', 'latitude', 'longitude', 'geo_precision', 'geo_note', 'notes', 'fatalities', 'fatalities_approximate',
  'injuries', 'weapons', 'targets',
] as const satisfies readonly (keyof CodedEvent)[];
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Apply analyst edits over the combined value; edits always win. */
export function applyEdits(combined: CodedEvent, edits: Partial<Pick<CodedEvent, EditableField>>): CodedEvent {
  const out = copyData(combined) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(edits)) {
    if ((EDITABLE_FIELDS as readonly string[]).includes(k) && v !== undefined) out[k] = copyData(v);
  }
  return out as unknown as CodedEvent;
}
