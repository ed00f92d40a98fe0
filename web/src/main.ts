/**
 * Frontline dashboard entry: wires the filters (URL state), map, timeline, table, event page and the
 * live stream together. Plain TypeScript and DOM.
 */
import './style.css';
import type { FeatureCollection } from 'geojson';
import { api, qs, type StoredEvent } from './api.js';
import { $, clear, debounce, h } from './dom.js';
import { EventPage } from './event-page.js';
import { Filters } from './filters.js';
import { EventMap, legend } from './map.js';
import { apiParams, matchesFilter, readState, writeState, type ViewState } from './state.js';
import { EventTable } from './table.js';
import { Timeline } from './timeline.js';
import { zoneForm } from './zone-form.js';

declare global {
  interface Window {
    frontline?: { mapCount(): number; liveConnected: boolean; state: ViewState };
  }
}

/** The map shows at most this many points (3 API pages); beyond that it loads the visible area. */
const MAP_PAGE = 1000;
const MAP_MAX_PAGES = 3;
const TABLE_PAGE = 50;

let state = readState();
const filters = new Filters($('filters') as HTMLFormElement, (f) => {
  state = { ...state, filter: f };
  writeState(state);
  void reload(true);
});
filters.write(state.filter);

const map = new EventMap($('map'));
const narrow = window.matchMedia('(max-width: 760px)').matches;
legend($('legend'), !narrow);
const timeline = new Timeline($('timeline'), (r) => {
  const f = { ...state.filter };
  if (r.from) f.from = r.from; else delete f.from;
  if (r.to) f.to = r.to; else delete f.to;
  state = { ...state, filter: f };
  filters.write(f);
  writeState(state);
  void reload(true);
});

let page = 0;
let cursors: (string | undefined)[] = [undefined];
const table = new EventTable($('events-table'), {
  sort: (s) => { state = { ...state, sort: s }; writeState(state); void loadTable(0); },
  next: () => void loadTable(page + 1),
  prev: () => void loadTable(Math.max(0, page - 1)),
});

const eventPage = new EventPage($('event-view'), {
  backHref: () => `${location.pathname}${location.search}#/`,
  onChanged: (events) => { for (const e of events) applyChange(e, false); },
});

const live = { connected: false };
window.frontline = { mapCount: () => map.count, get liveConnected() { return live.connected; }, get state() { return state; } };

const controllers: Record<'table' | 'map' | 'stats', AbortController | null> = { table: null, map: null, stats: null };
function fresh(k: keyof typeof controllers): AbortSignal {
  controllers[k]?.abort();
  controllers[k] = new AbortController();
  return controllers[k]!.signal;
}
const isAbort = (e: unknown) => (e as Error)?.name === 'AbortError';
function showError(where: string, e: unknown): void {
  if (isAbort(e)) return;
  $('map-note').textContent = `Could not load ${where}: ${(e as Error).message}`;
}

async function loadTable(p: number): Promise<void> {
  const signal = fresh('table');
  if (p === 0) cursors = [undefined];
  try {
    const res = await api.listEvents({ ...apiParams(state.filter), sort: state.sort, limit: TABLE_PAGE, cursor: cursors[p] }, signal);
    if (signal.aborted) return;
    page = p;
    cursors[p + 1] = res.next_cursor ?? undefined;
    table.render(res.events, { sort: state.sort, hasNext: !!res.next_cursor, page });
    if (!performance.getEntriesByName('frontline:table').length) performance.mark('frontline:table');
  } catch (e) {
    showError('the events', e);
  }
}

let mapCapped = false;
async function loadMap(fit: boolean, bbox?: string): Promise<void> {
  const signal = fresh('map');
  const all: StoredEvent[] = [];
  let cursor: string | undefined;
  let more = false;
  try {
    // Drawn page by page: the first page (the most recent events) shows at once and sets the view.
    for (let i = 0; i < MAP_MAX_PAGES; i++) {
      const res = await api.listEvents({ ...apiParams(state.filter), sort: 'date_desc', limit: MAP_PAGE, cursor, bbox }, signal);
      if (signal.aborted) return; // a newer load (other filters) owns the map now
      all.push(...res.events);
      cursor = res.next_cursor ?? undefined;
      more = !!cursor;
      await map.setEvents(all, fit && i === 0, !more || i === MAP_MAX_PAGES - 1);
      if (!cursor) break;
    }
    if (!bbox) mapCapped = more;
    const located = all.filter((e) => e.latitude != null).length;
    $('map-note').textContent = more
      ? `The map shows the ${all.length.toLocaleString()} most recent events${bbox ? ' in view' : ''}; zoom in to see the others.`
      : located < all.length ? `${all.length - located} of these events have no coordinates and are not on the map.` : '';
  } catch (e) {
    showError('the map', e);
  }
}

async function loadStats(): Promise<void> {
  const signal = fresh('stats');
  try {
    const hasDates = !!(state.filter.from || state.filter.to);
    const [full, undated] = await Promise.all([
      api.stats(apiParams(state.filter), signal),
      hasDates ? api.stats(apiParams(state.filter, ['from', 'to']), signal) : null,
    ]);
    timeline.set((undated ?? full).by_day, { from: state.filter.from, to: state.filter.to });
    filters.suggest(undated ?? full);
    const fat = full.by_type.reduce((a, b) => a + b.fatalities, 0);
    $('summary').textContent = `${full.total.toLocaleString()} events · ${fat.toLocaleString()} fatalities`;
  } catch (e) {
    showError('the counts', e);
  }
}
const reloadStatsSoon = debounce(() => void loadStats(), 1200);
const reloadSoon = debounce(() => void Promise.all([loadTable(page), loadMap(false), loadStats()]), 800);

/** Download links for the current filter (the server's export, ACLED-compatible CSV first). */
function updateDownloads(): void {
  const el = $('downloads');
  clear(el);
  el.append('Download: ');
  const formats = [['csv', 'CSV (ACLED columns)'], ['geojson', 'GeoJSON'], ['jsonl', 'JSON Lines']] as const;
  formats.forEach(([f, label], i) => {
    if (i) el.append(' · ');
    el.append(h('a', { href: `/api/export${qs({ format: f, ...apiParams(state.filter) })}`, download: `frontline-events.${f}` }, label));
  });
}

async function reload(fit: boolean): Promise<void> {
  map.closePopup();
  updateDownloads();
  await Promise.all([loadTable(0), loadMap(fit), loadStats()]);
}

// When the filter has more events than the map loads, a move by the user loads the events in view.
// (Moves made by fit() carry `fromFit` and are skipped: those events are already loaded.)
const loadInView = debounce(() => {
  if (mapCapped && !$('dashboard').hidden) void loadMap(false, map.bbox());
}, 400);
map.onFitRequest = () => { if (mapCapped) void loadMap(true); else map.fit(); };
map.map.on('moveend', (e) => { if (!(e as { fromFit?: boolean }).fromFit) loadInView(); });

function applyChange(e: StoredEvent, highlight: boolean, kind: 'created' | 'updated' | 'deleted' = 'updated'): void {
  if (kind === 'deleted') {
    map.remove(e.event_id_cnty);
    table.remove(e.event_id_cnty);
    reloadStatsSoon();
    return;
  }
  if (state.filter.q) {
    // full-text matching is the server's: reload the view (debounced) rather than guess
    reloadSoon();
    void eventPage.refreshIfOpen(e);
    return;
  }
  const matches = matchesFilter(e, state.filter);
  table.upsert(e, matches);
  if (matches) map.upsert(e, highlight);
  else map.remove(e.event_id_cnty);
  if (kind === 'created' && matches) timeline.bump(e.event_date, e.event_type);
  reloadStatsSoon();
  void eventPage.refreshIfOpen(e);
}

/** An alert from the alerts part (watch zone hit or escalation), as published on the stream. */
interface AlertMessage { kind?: string; message?: string; event_id?: string | null; zone_name?: string | null; area?: string | null }

function showAlert(a: AlertMessage): void {
  const box = $('alerts');
  const text = a.message || `${a.kind ?? 'alert'}${a.zone_name ? ` in ${a.zone_name}` : a.area ? ` in ${a.area}` : ''}`;
  const item = h('div', { class: `alert alert-${a.kind ?? 'event'}` },
    h('strong', {}, a.kind === 'escalation' ? 'Escalation: ' : 'Alert: '), text,
    a.event_id ? h('span', {}, ' ', h('a', { href: `#/event/${encodeURIComponent(a.event_id)}` }, 'open event')) : null,
    h('button', { type: 'button', class: 'link dismiss', 'aria-label': 'Dismiss this alert', onclick: () => item.remove() }, '×'));
  box.prepend(item);
  while (box.children.length > 3) box.lastElementChild?.remove();
}

function connectLive(): void {
  if (typeof EventSource === 'undefined') return;
  const status = $('live-status');
  const text = status.querySelector('.live-text')!;
  const es = new EventSource('/api/stream');
  es.onopen = () => { live.connected = true; status.classList.add('on'); text.textContent = 'live'; };
  es.onerror = () => { live.connected = false; status.classList.remove('on'); text.textContent = 'reconnecting…'; };
  const handle = (name: string) => (m: MessageEvent<string>) => {
    let data: unknown;
    try { data = JSON.parse(m.data); } catch { return; }
    const d = data as { kind?: string; type?: string; event?: StoredEvent } & Partial<StoredEvent>;
    const ev = d.event && typeof d.event === 'object' ? d.event : d.event_id_cnty ? (d as StoredEvent) : null;
    if (!ev?.event_id_cnty) return;
    const kindRaw = d.kind ?? d.type ?? name;
    const kind = kindRaw === 'created' || kindRaw === 'deleted' ? kindRaw : 'updated';
    applyChange(ev, true, kind);
  };
  es.onmessage = handle('message');
  es.addEventListener('alert', (m: MessageEvent<string>) => {
    try { showAlert(JSON.parse(m.data) as AlertMessage); } catch { /* not JSON: ignore */ }
  });
  for (const name of ['created', 'updated', 'deleted', 'event', 'change']) es.addEventListener(name, handle(name) as EventListener);
}

/** Watch zones, when the server has the alerts part (checked in the OpenAPI document to avoid a 404). */
async function loadZones(): Promise<void> {
  try {
    const doc = (await (await fetch('/api/openapi.json')).json()) as { paths?: Record<string, unknown> };
    if (!doc.paths?.['/api/watch-zones']) return;
    if (!document.querySelector('.zone-control')) $('map-note').after(zoneForm(map.map, loadZones));
    const res = await fetch('/api/watch-zones?format=geojson');
    if (!res.ok) return;
    const fc = (await res.json()) as FeatureCollection;
    if (!fc.features?.length) return;
    await map.setZones(fc);
    document.querySelector<HTMLElement>('.legend-zone')?.removeAttribute('hidden');
  } catch (e) {
    console.warn('watch zones not loaded', e);
  }
}

function route(): void {
  const m = /^#\/event\/(.+)$/.exec(location.hash);
  const dash = $('dashboard');
  const view = $('event-view');
  if (m) {
    dash.hidden = true;
    view.hidden = false;
    let id: string;
    try { id = decodeURIComponent(m[1]!); } catch { id = m[1]!; }
    void eventPage.open(id).then(() => { document.getElementById('event-title')?.setAttribute('tabindex', '-1'); document.getElementById('event-title')?.focus(); });
    document.title = `Event ${id} — Frontline`;
  } else {
    view.hidden = true;
    dash.hidden = false;
    document.title = 'Frontline — conflict events';
    map.resize();
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('popstate', () => {
  const next = readState();
  if (JSON.stringify(next) === JSON.stringify(state)) return;
  state = next;
  filters.write(state.filter);
  void reload(true);
});
// a narrow screen starts with the filters folded
if (narrow) ($('filters-details') as HTMLDetailsElement).open = false;

route();
// watch zones after the first view is drawn: they are extra
void reload(true).then(() => loadZones());
connectLive();
