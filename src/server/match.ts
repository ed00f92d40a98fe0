/**
 * In-memory version of the store's event filter, for the live stream (`/api/stream?country=…`): the same
 * meaning as listEvents' filters (case-insensitive country/admin1, actor as a case-insensitive substring
 * of any actor, bbox, near+km by great-circle distance). Full-text `q` needs the index, so the stream
 * does not take it. Review status is only filtered when asked, so a client also learns of rejections.
 */
import type { EventFilter, StoredEvent } from '../model/index.js';
import { DEFAULT_NEAR_KM } from '../store/index.js';
import { haversineKm } from '../model/distance.js';

const lc = (s: string | null | undefined) => (s ?? '').toLowerCase();


export type StreamFilter = Omit<EventFilter, 'q'>;

export function matchesFilter(e: StoredEvent, f: StreamFilter): boolean {
  if (f.from && (!e.event_date || e.event_date < f.from)) return false;
  if (f.to && (!e.event_date || e.event_date > f.to)) return false;
  if (f.country && lc(e.country) !== lc(f.country)) return false;
  if (f.admin1 && lc(e.admin1) !== lc(f.admin1)) return false;
  if (f.event_type && e.event_type !== f.event_type) return false;
  if (f.sub_event_type && e.sub_event_type !== f.sub_event_type) return false;
  if (f.min_fatalities != null && e.fatalities < f.min_fatalities) return false;
  if (f.review_status && e.review_status !== f.review_status) return false;
  if (f.actor) {
    const needle = f.actor.trim().toLowerCase();
    const names = [e.actor1, e.actor2, e.assoc_actor_1, e.assoc_actor_2].map(lc);
    if (!names.some((n) => n.includes(needle))) return false;
  }
  if (f.bbox || f.near) {
    if (e.latitude == null || e.longitude == null) return false;
    if (f.bbox) {
      const [w, s, east, n] = f.bbox;
      if (e.longitude < w || e.longitude > east || e.latitude < s || e.latitude > n) return false;
    }
    if (f.near && haversineKm(f.near[0], f.near[1], e.latitude, e.longitude) > (f.km ?? DEFAULT_NEAR_KM)) return false;
  }
  return true;
}
