/**
 * Escalation: is an area's recent event rate well above its own baseline?
 *
 * The statistic (a one-sided Poisson test, pure and deterministic):
 *   - daily counts, oldest first; the last `recentDays` days (default 7) are the recent window, the
 *     `baselineDays` days before them (default 56 = 8 weeks) are the baseline;
 *   - baseline daily rate  λ = (baseline events + prior) / baseline days, where the prior
 *     (default 0.5 event) keeps an empty baseline from making every first event "infinitely" surprising;
 *   - under "nothing changed" the recent count K ~ Poisson(λ · recentDays);
 *   - p = P(K ≥ k) (upper tail), computed exactly by summing the Poisson pmf in log space;
 *   - escalated when p < alpha (default 0.01) AND k ≥ minEvents (default 5) AND k > the expected count.
 * The minimum count stops a quiet place with 0 events in 8 weeks from "escalating" on 2 events.
 *
 * `detectEscalations` applies this to every admin1 area and every watch zone (events that pass the zone's
 * filters), for all events and per
 * event type and sub-event type, and keeps the most specific signals (a shelling surge is reported as
 * "Shelling events", not also as "Explosions/Remote violence events" and "All events").
 */
import type { StoredEvent } from '../model/index.js';
import { matchEvent, type Zone } from './zones.js';

export interface EscalationOptions {
  recentDays?: number;
  baselineDays?: number;
  alpha?: number;
  minEvents?: number;
  priorEvents?: number;
}

export interface EscalationResult {
  escalated: boolean;
  recent: number;
  recent_days: number;
  baseline_total: number;
  baseline_days: number;
  /** Baseline events per week (without the prior). */
  baseline_per_week: number;
  /** Events expected in the recent window under the baseline rate (with the prior). */
  expected: number;
  /** P(K ≥ recent) under the baseline. */
  p_value: number;
  /** recent / expected. */
  ratio: number;
}

const DEFAULTS = { recentDays: 7, baselineDays: 56, alpha: 0.01, minEvents: 5, priorEvents: 0.5 };

function lnFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** P(X ≥ k) for X ~ Poisson(mu). */
export function poissonUpperTail(k: number, mu: number): number {
  if (k <= 0) return 1;
  if (mu <= 0) return 0;
  // Sum the pmf from k upward; terms decrease once i > mu, so stop when they no longer matter.
  let term = Math.exp(k * Math.log(mu) - mu - lnFactorial(k));
  let sum = 0;
  for (let i = k; i < k + 100_000; i++) {
    sum += term;
    term *= mu / (i + 1);
    if (i + 1 > mu && term < sum * 1e-15) break;
  }
  // When the mean is far above k the tail is ~1 and underflowed terms are lost: use the complement.
  if (k <= mu) {
    let lower = 0;
    let t = Math.exp(-mu);
    for (let i = 0; i < k; i++) {
      lower += t;
      t *= mu / (i + 1);
    }
    return Math.min(1, Math.max(0, 1 - lower));
  }
  return Math.min(1, sum);
}

/** The Poisson test on one daily series (oldest first). Pure. */
export function escalation(counts: readonly number[], opts: EscalationOptions = {}): EscalationResult {
  const o = { ...DEFAULTS, ...opts };
  const recentDays = Math.min(o.recentDays, counts.length);
  const recentSlice = counts.slice(counts.length - recentDays);
  const baseSlice = counts.slice(Math.max(0, counts.length - recentDays - o.baselineDays), counts.length - recentDays);
  const recent = recentSlice.reduce((a, b) => a + b, 0);
  const baseTotal = baseSlice.reduce((a, b) => a + b, 0);
  const baseDays = baseSlice.length;
  if (recentDays === 0 || baseDays === 0) {
    return {
      escalated: false, recent, recent_days: recentDays, baseline_total: baseTotal, baseline_days: baseDays,
      baseline_per_week: 0, expected: 0, p_value: 1, ratio: 0,
    };
  }
  const rate = (baseTotal + o.priorEvents) / baseDays;
  const expected = rate * recentDays;
  const p = poissonUpperTail(recent, expected);
  return {
    escalated: p < o.alpha && recent >= o.minEvents && recent > expected,
    recent,
    recent_days: recentDays,
    baseline_total: baseTotal,
    baseline_days: baseDays,
    baseline_per_week: (baseTotal / baseDays) * 7,
    expected,
    p_value: p,
    ratio: expected > 0 ? recent / expected : Infinity,
  };
}

const DAY = 86_400_000;

/** YYYY-MM-DD (UTC) of a Date. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Daily counts for `days` days ending with `endDay` (inclusive), oldest first. Dates outside are ignored. */
export function dailyCounts(dates: Iterable<string>, endDay: string, days: number): number[] {
  const end = Date.parse(endDay + 'T00:00:00Z');
  const out = new Array<number>(days).fill(0);
  for (const d of dates) {
    const t = Date.parse(d.slice(0, 10) + 'T00:00:00Z');
    if (Number.isNaN(t)) continue;
    const idx = days - 1 - Math.round((end - t) / DAY);
    if (idx >= 0 && idx < days) out[idx]!++;
  }
  return out;
}

const SHORT_LABELS: Record<string, string> = {
  'Shelling/artillery/missile attack': 'Shelling',
  'Air/drone strike': 'Air/drone strike',
  'Remote explosive/landmine/IED': 'IED/landmine',
  'Explosions/Remote violence': 'Explosions/remote violence',
  'Abduction/forced disappearance': 'Abduction',
  'Looting/property destruction': 'Looting/property destruction',
};

export function groupLabel(g: EscalationGroup): string {
  if (g.level === 'all') return 'All';
  return SHORT_LABELS[g.value] ?? g.value;
}

export interface EscalationGroup {
  level: 'all' | 'event_type' | 'sub_event_type';
  value: string;
}

export interface Escalation {
  scope: 'admin1' | 'zone';
  /** admin1 name, or the zone's name. */
  area: string;
  country: string | null;
  zone_id: string | null;
  group: EscalationGroup;
  /** Last day of the recent window (YYYY-MM-DD). */
  window_end: string;
  result: EscalationResult;
  message: string;
}

export function escalationMessage(area: string, g: EscalationGroup, r: EscalationResult): string {
  const label = groupLabel(g);
  return `${label} events in ${area}: ${r.recent} in the last ${r.recent_days} days vs ${r.baseline_per_week.toFixed(1)}/week baseline` +
    ` (expected ${r.expected.toFixed(1)}, p=${formatP(r.p_value)})`;
}

function formatP(p: number): string {
  if (p === 0) return '0';
  if (p < 0.001) return p.toExponential(1);
  return p.toFixed(3);
}

export interface DetectOptions extends EscalationOptions {
  now?: Date;
  zones?: readonly Zone[];
  /** Also test per admin1 area (default true). */
  byAdmin1?: boolean;
}

/**
 * Run the test for each admin1 area and each zone over the given events (they should cover at least
 * recentDays + baselineDays days before `now`). Events without an event_date or rejected by review are skipped.
 */
export function detectEscalations(events: readonly StoredEvent[], opts: DetectOptions = {}): Escalation[] {
  const o = { ...DEFAULTS, ...opts };
  const now = opts.now ?? new Date();
  const endDay = isoDay(now);
  const totalDays = o.recentDays + o.baselineDays;
  const usable = events.filter((e) => e.event_date && e.review_status !== 'rejected');

  const scopes: { scope: Escalation['scope']; area: string; country: string | null; zone_id: string | null; events: StoredEvent[] }[] = [];
  if (opts.byAdmin1 !== false) {
    const byArea = new Map<string, { country: string; admin1: string; events: StoredEvent[] }>();
    for (const e of usable) {
      if (!e.admin1) continue;
      const key = `${e.country}\u0000${e.admin1}`;
      let a = byArea.get(key);
      if (!a) byArea.set(key, (a = { country: e.country, admin1: e.admin1, events: [] }));
      a.events.push(e);
    }
    for (const a of byArea.values()) scopes.push({ scope: 'admin1', area: a.admin1, country: a.country, zone_id: null, events: a.events });
  }
  for (const z of opts.zones ?? []) {
    // The zone's own filters (types, actor, fatalities, precision) define what counts there.
    const inside = usable.filter((e) => matchEvent(z, e) !== null);
    if (inside.length) scopes.push({ scope: 'zone', area: z.name, country: null, zone_id: z.id, events: inside });
  }

  const out: Escalation[] = [];
  // Day index of each event in the window, computed once (the groups below reuse it).
  const endMs = Date.parse(endDay + 'T00:00:00Z');
  const dayIndex = new Map<StoredEvent, number>();
  for (const e of usable) dayIndex.set(e, totalDays - 1 - Math.round((endMs - Date.parse(e.event_date!.slice(0, 10) + 'T00:00:00Z')) / DAY));
  const countsOf = (evs: readonly StoredEvent[]): number[] => {
    const out = new Array<number>(totalDays).fill(0);
    for (const e of evs) {
      const i = dayIndex.get(e)!;
      if (i >= 0 && i < totalDays) out[i]!++;
    }
    return out;
  };
  for (const s of scopes) {
    const test = (g: EscalationGroup, evs: StoredEvent[]): Escalation | null => {
      const r = escalation(countsOf(evs), o);
      if (!r.escalated) return null;
      return {
        scope: s.scope, area: s.area, country: s.country, zone_id: s.zone_id, group: g, window_end: endDay, result: r,
        message: escalationMessage(s.area, g, r),
      };
    };
    const byType = groupBy(s.events, (e) => e.event_type);
    let anyFlagged = false;
    for (const [type, evs] of byType) {
      let subFlagged = false;
      for (const [sub, subEvs] of groupBy(evs, (e) => e.sub_event_type)) {
        const hit = test({ level: 'sub_event_type', value: sub }, subEvs);
        if (hit) (out.push(hit), (subFlagged = true));
      }
      if (!subFlagged) {
        const hit = test({ level: 'event_type', value: type }, evs);
        if (hit) (out.push(hit), (subFlagged = true));
      }
      anyFlagged ||= subFlagged;
    }
    if (!anyFlagged) {
      const hit = test({ level: 'all', value: 'all' }, s.events);
      if (hit) out.push(hit);
    }
  }
  out.sort((a, b) => a.result.p_value - b.result.p_value);
  return out;
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const arr = m.get(k);
    if (arr) arr.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** First day (YYYY-MM-DD) of the history detectEscalations needs, for fetching events from the Store. */
export function escalationHistoryFrom(now: Date = new Date(), opts: EscalationOptions = {}): string {
  const o = { ...DEFAULTS, ...opts };
  return isoDay(new Date(now.getTime() - (o.recentDays + o.baselineDays - 1) * DAY));
}
