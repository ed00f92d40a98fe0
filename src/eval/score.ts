/**
 * Scoring predicted events against gold events, with the rule of ../shared/eval/README.md:
 * per document, greedy best pair first; a pair needs places within 10 km (or equal normalised names),
 * dates within one day (when both have one) and compatible event types. Pure functions, no I/O.
 */
import { VIOLENT_EVENT_TYPES, type EventType } from '../model/index.js';

export interface ScoredEvent {
  event_date: string | null;
  event_type: string;
  sub_event_type: string;
  actor1: string | null;
  actor2: string | null;
  country?: string | null;
  admin1: string | null;
  location: string;
  latitude: number | null;
  longitude: number | null;
  fatalities: number;
  injuries?: number;
  optional?: boolean;
}

export interface Pair<P extends ScoredEvent = ScoredEvent, G extends ScoredEvent = ScoredEvent> {
  pred: P;
  gold: G;
  km: number | null;
}

export interface DocumentMatch<P extends ScoredEvent = ScoredEvent, G extends ScoredEvent = ScoredEvent> {
  pairs: Pair<P, G>[];
  misses: G[]; // required gold events left unpaired
  falseAlarms: P[]; // predictions left unpaired
}

const EARTH_KM = 6371.0088;
export function distanceKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const r = Math.PI / 180;
  const dLat = (bLat - aLat) * r;
  const dLon = (bLon - aLon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * r) * Math.cos(bLat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Case, diacritics, hyphens, apostrophes, spaces and a leading al-/el- ignored. */
export function normPlace(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .trim()
    .replace(/^(?:al|el)[-\s'’]+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function normName(s: string | null | undefined): string {
  return (s ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function daysApart(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86400000;
}

function violent(t: string): boolean {
  return VIOLENT_EVENT_TYPES.includes(t as EventType);
}

export function typesCompatible(a: string, b: string): boolean {
  return a === b || (violent(a) && violent(b));
}

function km(p: ScoredEvent, g: ScoredEvent): number | null {
  if (p.latitude == null || p.longitude == null || g.latitude == null || g.longitude == null) return null;
  return distanceKm(p.latitude, p.longitude, g.latitude, g.longitude);
}

/** Whether a prediction may pair with a gold event, and its distance. */
export function pairAllowed(p: ScoredEvent, g: ScoredEvent): { ok: boolean; km: number | null } {
  const d = km(p, g);
  const placeOk = (d !== null && d <= 10) || (normPlace(p.location) !== '' && normPlace(p.location) === normPlace(g.location));
  if (!placeOk) return { ok: false, km: d };
  if (g.event_date && p.event_date && daysApart(g.event_date, p.event_date) > 1) return { ok: false, km: d };
  if (!typesCompatible(p.event_type, g.event_type)) return { ok: false, km: d };
  return { ok: true, km: d };
}

/** Greedy best-pair-first matching of one document's predictions to its gold events. */
export function matchDocument<P extends ScoredEvent, G extends ScoredEvent>(preds: P[], gold: G[]): DocumentMatch<P, G> {
  const cands: { i: number; j: number; score: number; km: number }[] = [];
  preds.forEach((p, i) =>
    gold.forEach((g, j) => {
      const a = pairAllowed(p, g);
      if (!a.ok) return;
      const score = (p.sub_event_type === g.sub_event_type ? 2 : 0) + (p.event_type === g.event_type ? 1 : 0);
      cands.push({ i, j, score, km: a.km ?? Number.POSITIVE_INFINITY });
    }),
  );
  cands.sort((a, b) => b.score - a.score || a.km - b.km || a.i - b.i || a.j - b.j);
  const usedP = new Set<number>();
  const usedG = new Set<number>();
  const pairs: Pair<P, G>[] = [];
  for (const c of cands) {
    if (usedP.has(c.i) || usedG.has(c.j)) continue;
    usedP.add(c.i);
    usedG.add(c.j);
    pairs.push({ pred: preds[c.i]!, gold: gold[c.j]!, km: Number.isFinite(c.km) ? c.km : null });
  }
  return {
    pairs,
    misses: gold.filter((g, j) => !usedG.has(j) && !g.optional),
    falseAlarms: preds.filter((_, i) => !usedP.has(i)),
  };
}

export interface FieldScore {
  right: number;
  total: number;
}

export interface Scores {
  documents: number;
  predicted: number;
  gold: number; // required gold events
  pairedPredictions: number; // predictions paired (with required or optional gold)
  pairedRequired: number;
  precision: number;
  recall: number;
  f1: number;
  fields: Record<
    'event_type' | 'sub_event_type' | 'actor1' | 'actor2' | 'fatalities' | 'within_10km' | 'admin1' | 'date',
    FieldScore
  >;
}

export type ActorEquality = (pred: string | null, gold: string | null, country: string | null) => boolean;

export const plainActorEquality: ActorEquality = (a, b) => (a == null || a === '' ? null : normName(a)) === (b == null || b === '' ? null : normName(b));

/** Aggregate document matches into detection and per-field scores. */
export function aggregate(matches: DocumentMatch[], actorEq: ActorEquality = plainActorEquality): Scores {
  const f = () => ({ right: 0, total: 0 });
  const fields: Scores['fields'] = {
    event_type: f(), sub_event_type: f(), actor1: f(), actor2: f(), fatalities: f(), within_10km: f(), admin1: f(), date: f(),
  };
  let predicted = 0;
  let gold = 0;
  let pairedPredictions = 0;
  let pairedRequired = 0;
  const tick = (s: FieldScore, ok: boolean) => {
    s.total++;
    if (ok) s.right++;
  };
  for (const m of matches) {
    predicted += m.pairs.length + m.falseAlarms.length;
    gold += m.misses.length + m.pairs.filter((p) => !p.gold.optional).length;
    pairedPredictions += m.pairs.length;
    pairedRequired += m.pairs.filter((p) => !p.gold.optional).length;
    for (const { pred, gold: g, km } of m.pairs) {
      tick(fields.event_type, pred.event_type === g.event_type);
      tick(fields.sub_event_type, pred.sub_event_type === g.sub_event_type);
      tick(fields.actor1, actorEq(pred.actor1, g.actor1, g.country ?? null));
      tick(fields.actor2, actorEq(pred.actor2, g.actor2, g.country ?? null));
      tick(fields.fatalities, pred.fatalities === g.fatalities);
      if (g.latitude != null && g.longitude != null) tick(fields.within_10km, km !== null && km <= 10);
      tick(fields.admin1, normPlace(pred.admin1) === normPlace(g.admin1));
      if (g.event_date) tick(fields.date, pred.event_date === g.event_date);
    }
  }
  const precision = predicted ? pairedPredictions / predicted : 0;
  const recall = gold ? pairedRequired / gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { documents: matches.length, predicted, gold, pairedPredictions, pairedRequired, precision, recall, f1, fields };
}
