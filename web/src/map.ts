/**
 * The map: an offline MapLibre style (background, Natural Earth countries from world-atlas, no glyphs,
 * no sprites, no tiles), events as a clustered GeoJSON source drawn as circles coloured by event type and
 * sized by fatalities, cluster counts as HTML markers (text needs no glyphs that way), popups built from
 * DOM nodes. Nothing is requested from another host.
 */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import countriesUrl from 'world-atlas/countries-50m.json?url';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Point } from 'geojson';
import type { StoredEvent } from './api.js';
import { EVENT_TYPES, TYPE_COLORS } from './colors.js';
import { h } from './dom.js';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    mapReady?: boolean;
    frontlineMap?: maplibregl.Map;
  }
}

export interface EventProps {
  id: string;
  event_type: string;
  sub_event_type: string;
  event_date: string;
  location: string;
  admin1: string;
  country: string;
  actor1: string;
  actor2: string;
  fatalities: number;
  review_status: string;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

function toFeature(e: StoredEvent) {
  if (e.latitude == null || e.longitude == null) return null;
  const properties: EventProps = {
    id: e.event_id_cnty,
    event_type: e.event_type,
    sub_event_type: e.sub_event_type,
    event_date: e.event_date ?? '',
    location: e.location,
    admin1: e.admin1 ?? '',
    country: e.country,
    actor1: e.actor1,
    actor2: e.actor2 ?? '',
    fatalities: e.fatalities,
    review_status: e.review_status,
  };
  return { type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [e.longitude, e.latitude] }, properties };
}

const colorMatch = ['match', ['get', 'event_type'], ...EVENT_TYPES.flatMap((t) => [t, TYPE_COLORS[t]]), '#555'] as unknown as maplibregl.ExpressionSpecification;

export class EventMap {
  readonly map: maplibregl.Map;
  private events = new Map<string, StoredEvent>();
  private clusterMarkers = new Map<number, maplibregl.Marker>();
  private countriesLoaded: Promise<void>;
  private popup: maplibregl.Popup | null = null;
  private everLoaded = false;
  private readonly styleLoaded: Promise<void>;

  constructor(container: HTMLElement) {
    this.map = new maplibregl.Map({
      container,
      center: [38, 34],
      zoom: 3,
      minZoom: 1,
      maxZoom: 14,
      attributionControl: { compact: true, customAttribution: 'Boundaries: Natural Earth' },
      style: {
        version: 8,
        sources: {
          countries: { type: 'geojson', data: EMPTY },
          borders: { type: 'geojson', data: EMPTY },
          events: {
            type: 'geojson',
            data: EMPTY,
            cluster: true,
            clusterRadius: 44,
            clusterMaxZoom: 9,
            clusterProperties: { fatalities: ['+', ['get', 'fatalities']] },
          },
        },
        layers: [
          { id: 'sea', type: 'background', paint: { 'background-color': '#cddde8' } },
          { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f4f2ec' } },
          { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#8d8a84', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.4] } },
          {
            id: 'clusters', type: 'circle', source: 'events', filter: ['has', 'point_count'],
            paint: {
              'circle-color': '#37474f', 'circle-opacity': 0.78,
              'circle-radius': ['step', ['get', 'point_count'], 14, 10, 17, 50, 22, 250, 28, 1000, 34],
              'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
            },
          },
          {
            id: 'events', type: 'circle', source: 'events', filter: ['!', ['has', 'point_count']],
            paint: {
              'circle-color': colorMatch,
              'circle-radius': ['interpolate', ['linear'], ['get', 'fatalities'], 0, 5, 1, 6.5, 10, 10, 50, 15, 200, 22],
              'circle-stroke-color': ['case', ['==', ['get', 'review_status'], 'edited'], '#111111', '#ffffff'],
              'circle-stroke-width': 1.5,
              'circle-opacity': 0.9,
            },
          },
        ],
      },
    });
    this.styleLoaded = new Promise((r) => this.map.once('load', () => r()));
    window.frontlineMap = this.map;
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.countriesLoaded = this.loadCountries();
    this.map.on('click', 'events', (e) => this.openPopup(e));
    this.map.on('mouseenter', 'events', () => { this.map.getCanvas().style.cursor = 'pointer'; });
    this.map.on('mouseleave', 'events', () => { this.map.getCanvas().style.cursor = ''; });
    this.map.on('click', 'clusters', (e) => {
      const f = e.features?.[0];
      if (f) void this.zoomToCluster(f.properties['cluster_id'] as number, (f.geometry as Point).coordinates as [number, number]);
    });
    this.map.on('render', () => this.updateClusterMarkers());
  }

  private async loadCountries(): Promise<void> {
    const res = await fetch(countriesUrl);
    if (!res.ok) throw new Error(`countries: ${res.status}`);
    const topo = (await res.json()) as Topology<{ countries: GeometryCollection }>;
    const countries = feature(topo, topo.objects.countries);
    const borders = mesh(topo, topo.objects.countries);
    await this.whenLoaded();
    (this.map.getSource('countries') as maplibregl.GeoJSONSource).setData(countries);
    (this.map.getSource('borders') as maplibregl.GeoJSONSource).setData(borders);
  }

  private whenLoaded(): Promise<void> {
    return this.styleLoaded;
  }

  get count(): number {
    return this.events.size;
  }

  /** Replace the events on the map; `fit` zooms to them (the current filter). */
  async setEvents(events: StoredEvent[], fit: boolean): Promise<void> {
    this.events = new Map(events.map((e) => [e.event_id_cnty, e]));
    await this.countriesLoaded.catch((err: unknown) => console.warn('countries not loaded', err));
    await this.whenLoaded();
    this.push();
    if (fit) this.fit();
    if (!this.everLoaded) {
      this.everLoaded = true;
      this.map.once('idle', () => { window.mapReady = true; });
    }
  }

  /** Add or update one event (live); returns whether it is drawn. */
  upsert(e: StoredEvent, highlight: boolean): boolean {
    this.events.set(e.event_id_cnty, e);
    this.push();
    if (highlight && e.latitude != null && e.longitude != null) {
      const el = h('div', { class: 'pulse', 'aria-hidden': 'true' });
      const m = new maplibregl.Marker({ element: el }).setLngLat([e.longitude, e.latitude]).addTo(this.map);
      setTimeout(() => m.remove(), 4000);
    }
    return e.latitude != null;
  }

  remove(id: string): void {
    if (this.events.delete(id)) this.push();
  }

  private push(): void {
    const features = [...this.events.values()].map(toFeature).filter((f) => f !== null);
    (this.map.getSource('events') as maplibregl.GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
  }

  fit(): void {
    const pts = [...this.events.values()].filter((e) => e.latitude != null && e.longitude != null);
    if (!pts.length) return;
    const b = new maplibregl.LngLatBounds();
    for (const e of pts) b.extend([e.longitude!, e.latitude!]);
    const span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
    if (span < 0.05) this.map.jumpTo({ center: b.getCenter(), zoom: 8 });
    else this.map.fitBounds(b, { padding: 48, maxZoom: 8, duration: 0 });
  }

  /** The visible area as the API's bbox parameter. */
  bbox(): string {
    const b = this.map.getBounds();
    const c = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v)).toFixed(4);
    return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].join(',');
  }

  private async zoomToCluster(clusterId: number, center: [number, number]): Promise<void> {
    const src = this.map.getSource('events') as maplibregl.GeoJSONSource;
    const zoom = await src.getClusterExpansionZoom(clusterId);
    this.map.easeTo({ center, zoom: Math.min(zoom, 14) });
  }

  /** Cluster counts as HTML buttons (keyboard reachable; no glyphs needed). */
  private updateClusterMarkers(): void {
    if (!this.map.getSource('events') || !this.map.isSourceLoaded('events')) return;
    const seen = new Set<number>();
    for (const f of this.map.querySourceFeatures('events')) {
      const p = f.properties;
      if (!p['cluster']) continue;
      const id = p['cluster_id'] as number;
      if (seen.has(id)) continue;
      seen.add(id);
      if (this.clusterMarkers.has(id)) continue;
      const count = p['point_count'] as number;
      const coords = (f.geometry as Point).coordinates as [number, number];
      const el = h('button', {
        type: 'button',
        class: 'cluster-count',
        'aria-label': `${count} events here (${p['fatalities'] ?? 0} fatalities); zoom in`,
        title: `${count} events, ${p['fatalities'] ?? 0} fatalities`,
      }, count >= 1000 ? `${(count / 1000).toFixed(1)}k` : String(count));
      el.addEventListener('click', (ev) => { ev.stopPropagation(); void this.zoomToCluster(id, coords); });
      this.clusterMarkers.set(id, new maplibregl.Marker({ element: el }).setLngLat(coords).addTo(this.map));
    }
    for (const [id, m] of this.clusterMarkers) if (!seen.has(id)) { m.remove(); this.clusterMarkers.delete(id); }
  }

  private openPopup(e: maplibregl.MapLayerMouseEvent): void {
    const feats = e.features ?? [];
    if (!feats.length) return;
    const body = h('div', { class: 'popup' });
    for (const f of feats.slice(0, 4)) {
      const p = f.properties as EventProps;
      const color = TYPE_COLORS[p.event_type as keyof typeof TYPE_COLORS] ?? '#555';
      body.append(h('div', { class: 'popup-event' },
        h('p', { class: 'popup-type' }, h('span', { class: 'swatch', style: `background:${color}` }), p.sub_event_type),
        h('p', {}, h('strong', {}, p.location), p.admin1 ? `, ${p.admin1}` : '', `, ${p.country}`),
        h('p', {}, p.event_date || 'date unknown', ' · ', `${p.fatalities} fatalities`),
        h('p', {}, p.actor1, p.actor2 ? ` vs ${p.actor2}` : ''),
        h('a', { href: `#/event/${encodeURIComponent(p.id)}` }, 'Open event'),
      ));
    }
    if (feats.length > 4) body.append(h('p', {}, `and ${feats.length - 4} more here`));
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: '300px', focusAfterOpen: true }).setLngLat(e.lngLat).setDOMContent(body).addTo(this.map);
  }

  closePopup(): void {
    this.popup?.remove();
  }

  resize(): void {
    this.map.resize();
  }
}

export function legend(container: HTMLElement): void {
  container.append(
    h('ul', {}, EVENT_TYPES.map((t) => h('li', {}, h('span', { class: 'swatch', style: `background:${TYPE_COLORS[t]}` }), t))),
    h('p', { class: 'legend-size' },
      h('span', { class: 'dot-s' }), ' 0 ', h('span', { class: 'dot-m' }), ' 10 ', h('span', { class: 'dot-l' }), ' 50+ fatalities'),
    h('p', { class: 'legend-size' }, h('span', { class: 'cluster-swatch' }, 'n'), ' cluster of n events'),
  );
}
