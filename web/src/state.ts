/**
 * View state (filters and sort) lives in the URL query, so a view can be shared and the back button works.
 * The event page lives in the hash (#/event/<id>) so the filters survive a visit to an event.
 */
import type { StoredEvent } from '../../src/model/event.js';
import type { EventListQuery } from '../../src/model/api.js';

export const FILTER_KEYS = [
  'from', 'to', 'country', 'admin1', 'event_type', 'sub_event_type', 'actor', 'q', 'min_fatalities', 'review_status',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filter = Partial<Record<FilterKey, string>>;
export type Sort = NonNullable<EventListQuery['sort']>;
// Spelled here (type-checked against the API's) so the bundle does not pull in zod.
export const SORTS = ['date_desc', 'date_asc', 'fatalities_desc'] as const satisfies readonly Sort[];
export const REVIEW_STATUSES = ['unreviewed', 'confirmed', 'edited', 'rejected'] as const satisfies readonly StoredEvent['review_status'][];

export interface ViewState {
  filter: Filter;
  sort: Sort;
}

export function readState(search = location.search): ViewState {
  const p = new URLSearchParams(search);
  const filter: Filter = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k)?.trim();
    if (v) filter[k] = v;
  }
  const s = p.get('sort');
  const sort = (SORTS as readonly string[]).includes(s ?? '') ? (s as Sort) : 'date_desc';
  return { filter, sort };
}

export function stateToQuery(st: ViewState): string {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (st.filter[k]) p.set(k, st.filter[k]!);
  if (st.sort !== 'date_desc') p.set('sort', st.sort);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function writeState(st: ViewState, push = true): void {
  const url = `${location.pathname}${stateToQuery(st)}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** Filter params as the API takes them. */
export function apiParams(f: Filter, omit: FilterKey[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) if (f[k] && !omit.includes(k)) out[k] = f[k]!;
  return out;
}

const norm = (s: string | null | undefined) => (s ?? '').toLowerCase();

/**
 * Whether a live event matches the current filter, for the filters the client can check. Full-text (`q`)
 * can't be judged client side: such events are shown and the next reload settles it.
 */
export function matchesFilter(e: StoredEvent, f: Filter): boolean {
  if (f.from && (!e.event_date || e.event_date < f.from)) return false;
  if (f.to && (!e.event_date || e.event_date > f.to)) return false;
  if (f.country && norm(e.country) !== norm(f.country)) return false;
  if (f.admin1 && norm(e.admin1) !== norm(f.admin1)) return false;
  if (f.event_type && e.event_type !== f.event_type) return false;
  if (f.sub_event_type && e.sub_event_type !== f.sub_event_type) return false;
  if (f.review_status ? e.review_status !== f.review_status : e.review_status === 'rejected') return false; // the API hides rejected events unless asked
  if (f.min_fatalities && e.fatalities < Number(f.min_fatalities)) return false;
  if (f.actor) {
    const a = norm(f.actor);
    if (![e.actor1, e.actor2, e.assoc_actor_1, e.assoc_actor_2].some((x) => norm(x).includes(a))) return false;
  }
  return true;
}
