/**
 * The dashboard's client for the HTTP API (same origin). Types come from src/model, the one source of types.
 */
import type { ErrorResponse, EventDetailResponse, EventListResponse, StatsResponse } from '../../src/model/api.js';
import type { StoredEvent } from '../../src/model/event.js';
import type { ReviewAction, StoredDocument } from '../../src/store/types.js';

/** GET /api/events/:id; the history fields are read defensively (an older server may lack them). */
export type EventDetail = StoredEvent & Partial<Pick<EventDetailResponse, 'documents' | 'edited_fields' | 'reviews' | 'merges'>>;
export type { StoredEvent, StatsResponse, EventListResponse, StoredDocument, ReviewAction };

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

const TOKEN_KEY = 'frontline.token';
export function getToken(): string {
  try { return localStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}
export function setToken(t: string): void {
  try { if (t) localStorage.setItem(TOKEN_KEY, t); else localStorage.removeItem(TOKEN_KEY); } catch { /* private mode */ }
}

async function request<T>(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body != null) headers.set('content-type', 'application/json');
  const token = getToken();
  if (token && init.method && init.method !== 'GET') headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers, signal: signal ?? null });
  const text = await res.text();
  let body: unknown = null;
  try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    const err = body as Partial<ErrorResponse> | null;
    throw new ApiError(err?.message || err?.error || `${res.status} ${res.statusText}`, res.status);
  }
  return body as T;
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export const api = {
  listEvents: (params: Record<string, string | number | undefined>, signal?: AbortSignal) =>
    request<EventListResponse>(`/api/events${qs(params)}`, {}, signal),
  getEvent: (id: string, signal?: AbortSignal) =>
    request<EventDetail>(`/api/events/${encodeURIComponent(id)}`, {}, signal),
  stats: (params: Record<string, string | number | undefined>, signal?: AbortSignal) =>
    request<StatsResponse>(`/api/stats${qs(params)}`, {}, signal),
  review: (id: string, action: ReviewAction) =>
    request<StoredEvent>(`/api/events/${encodeURIComponent(id)}/review`, { method: 'POST', body: JSON.stringify(action) }),
  createZone: (zone: { name: string; geometry: { type: 'Point'; coordinates: [number, number] }; radius_km: number }) =>
    request<{ id: string; name: string }>('/api/watch-zones', { method: 'POST', body: JSON.stringify(zone) }),
  unmerge: (id: string, documentId: string) =>
    request<{ events: StoredEvent[] } | StoredEvent[]>(`/api/events/${encodeURIComponent(id)}/unmerge`, {
      method: 'POST',
      body: JSON.stringify({ document_id: documentId }),
    }),
};
