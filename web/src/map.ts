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
// Natural Earth admin-1 boundaries (built by web/tools/build-admin1.mjs), loaded after the events
import admin1Url from './assets/admin1-lines.json?url';
import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Point, Polygon } from 'geojson';
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

/** Above this zoom points are never clustered (events at one place stay a cluster: its popup lists them). */
const CLUSTER_MAX_ZOOM = 13;
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
  private labelMarkers = new Map<string, maplibregl.Marker>();
  /** What the map's "zoom to the events" button does (the host may reload first). */
  onFitRequest: () => void = () => this.fit();
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
          zones: { type: 'geojson', data: EMPTY },
          admin1: { type: 'geojson', data: EMPTY },
          events: {
            type: 'geojson',
            data: EMPTY,
            cluster: true,
            clusterRadius: 14,
            clusterMaxZoom: CLUSTER_MAX_ZOOM,
            clusterProperties: { fatalities: ['+', ['get', 'fatalities']] },
          },
        },
        layers: [
          { id: 'sea', type: 'background', paint: { 'background-color': '#cddde8' } },
          { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f4f2ec' } },
          {
            id: 'admin1', type: 'line', source: 'admin1', minzoom: 3.5,
            paint: { 'line-color': '#a8a298', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.4, 9, 1], 'line-dasharray': [3, 2] },
          },
          { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#8d8a84', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.4] } },
          // watch zones: polygons (and point+radius drawn as circles) filled; lines drawn as their buffer
          { id: 'zones-fill', type: 'fill', source: 'zones', filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]], paint: { 'fill-color': '#f5a300', 'fill-opacity': 0.12 } },
          {
            id: 'zones-buffer', type: 'line', source: 'zones', filter: ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]],
            layout: { 'line-cap': 'round', 'line-join': 'round' },
            paint: { 'line-color': '#f5a300', 'line-opacity': 0.2, 'line-width': ['interpolate', ['exponential', 2], ['zoom'], 0, ['get', 'w0'], 22, ['*', ['get', 'w0'], 4194304]] },
          },
          { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': '#c47a00', 'line-width': 1.5, 'line-dasharray': [3, 2] } },
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
    this.map.addControl(new FitControl(() => this.onFitRequest()), 'top-right');
    this.countriesLoaded = this.loadCountries();
    this.map.on('click', 'events', (e) => this.openPopup(e));
    this.map.on('click', 'zones-fill', (e) => this.zonePopup(e));
    this.map.on('click', 'zones-buffer', (e) => this.zonePopup(e));
    this.map.on('mouseenter', 'events', () => { this.map.getCanvas().style.cursor = 'pointer'; });
    this.map.on('mouseleave', 'events', () => { this.map.getCanvas().style.cursor = ''; });
    this.map.on('click', 'clusters', (e) => {
      const f = e.features?.[0];
      if (f) void this.zoomToCluster(f.properties['cluster_id'] as number, (f.geometry as Point).coordinates as [number, number]);
    });
    this.map.on('render', () => this.updateClusterMarkers());
    this.map.on('idle', () => void this.updateLabels());
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

  private async loadAdmin1(): Promise<void> {
    try {
      const res = await fetch(admin1Url);
      if (!res.ok) throw new Error(`${res.status}`);
      (this.map.getSource('admin1') as maplibregl.GeoJSONSource).setData(await res.json());
    } catch (err) {
      console.warn('admin-1 boundaries not loaded', err);
    }
  }

  private whenLoaded(): Promise<void> {
    return this.styleLoaded;
  }

  get count(): number {
    return this.events.size;
  }

  /** Replace the events on the map; `fit` zooms to them (the current filter); `complete`: all pages are in. */
  async setEvents(events: StoredEvent[], fit: boolean, complete = true): Promise<void> {
    this.events = new Map(events.map((e) => [e.event_id_cnty, e]));
    await this.countriesLoaded.catch((err: unknown) => console.warn('countries not loaded', err));
    await this.whenLoaded();
    this.push();
    if (fit) this.fit();
    if (complete && !this.everLoaded) {
      this.everLoaded = true;
      this.map.once('idle', () => {
        window.mapReady = true;
        performance.mark('frontline:map-ready');
        void this.loadAdmin1();
      });
    }
  }

  /** Add or update one event (live); returns whether it is drawn. */
  upsert(e: StoredEvent, highlight: boolean): boolean {
    this.events.set(e.event_id_cnty, e);
    this.push();
    if (highlight && e.latitude != null && e.longitude != null) {
      // maplibre positions the marker element with a transform: the animation goes on an inner element
      const el = h('div', { class: 'pulse-anchor', 'aria-hidden': 'true' }, h('div', { class: 'pulse' }));
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

  private pendingFit = false;

  fit(): void {
    // a hidden map (the event page is open) has no size to fit to: fit when it is shown again
    if (!this.map.getContainer().clientWidth) { this.pendingFit = true; return; }
    const pts = [...this.events.values()].filter((e) => e.latitude != null && e.longitude != null);
    if (!pts.length) return;
    const b = new maplibregl.LngLatBounds();
    for (const e of pts) b.extend([e.longitude!, e.latitude!]);
    const span = Math.max(b.getEast() - b.getWest(), b.getNorth() - b.getSouth());
    if (span < 0.05) this.map.jumpTo({ center: b.getCenter(), zoom: 8 }, { fromFit: true });
    else this.map.fitBounds(b, { padding: 48, maxZoom: 8, duration: 0 }, { fromFit: true });
  }

  /** The visible area as the API's bbox parameter. */
  bbox(): string {
    const b = this.map.getBounds();
    const c = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v)).toFixed(4);
    return [c(b.getWest(), -180, 180), c(b.getSouth(), -90, 90), c(b.getEast(), -180, 180), c(b.getNorth(), -90, 90)].join(',');
  }

  /** Zoom until the cluster splits; events at one place (they never split) are listed in a popup. */
  private async zoomToCluster(clusterId: number, center: [number, number]): Promise<void> {
    const src = this.map.getSource('events') as maplibregl.GeoJSONSource;
    const zoom = await src.getClusterExpansionZoom(clusterId);
    if (zoom <= CLUSTER_MAX_ZOOM && zoom > this.map.getZoom()) {
      this.map.easeTo({ center, zoom });
      return;
    }
    const leaves = await src.getClusterLeaves(clusterId, 50, 0);
    this.showPopup(center, leaves.map((f) => f.properties as EventProps));
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

  /** Watch zones (GeoJSON from /api/watch-zones?format=geojson): a point with radius_km becomes a circle. */
  async setZones(fc: FeatureCollection): Promise<void> {
    const features = [];
    for (const f of fc.features) {
      const g = f.geometry;
      const r = Number(f.properties?.['radius_km'] ?? 0);
      const props = { ...f.properties, name: String(f.properties?.['name'] ?? f.id ?? 'zone') };
      if (g.type === 'Point') {
        if (r > 0) features.push({ type: 'Feature' as const, properties: props, geometry: circle(g.coordinates as [number, number], r) });
      } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
        const first = g.type === 'LineString' ? g.coordinates[0] : g.coordinates[0]?.[0];
        const lat = (first?.[1] ?? 0) * Math.PI / 180;
        // full buffer width in pixels at zoom 0 (512 px tiles); the layer scales it by 2^zoom
        const w0 = (2 * r * 1000) / ((40075016.686 * Math.cos(lat)) / 512);
        features.push({ type: 'Feature' as const, properties: { ...props, w0 }, geometry: g });
      } else if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
        features.push({ type: 'Feature' as const, properties: props, geometry: g });
      }
    }
    await this.whenLoaded();
    (this.map.getSource('zones') as maplibregl.GeoJSONSource).setData({ type: 'FeatureCollection', features });
  }

  private zonePopup(e: maplibregl.MapLayerMouseEvent): void {
    if (this.map.queryRenderedFeatures(e.point, { layers: ['events', 'clusters'] }).length) return;
    const names = [...new Set((e.features ?? []).map((f) => String(f.properties['name'])))];
    if (!names.length) return;
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: '260px' }).setLngLat(e.lngLat)
      .setDOMContent(h('div', { class: 'popup' }, h('p', { class: 'popup-type' }, 'Watch zone'), names.map((n) => h('p', {}, n))))
      .addTo(this.map);
  }

  /** Place names beside the points when few are in view (HTML, so no glyphs are needed). */
  private labelRun = 0;
  private async updateLabels(): Promise<void> {
    const run = ++this.labelRun;
    const layers = ['events', 'clusters'].filter((l) => this.map.getLayer(l));
    const feats = layers.length ? this.map.queryRenderedFeatures({ layers }) : [];
    const want = new Map<string, { name: string; at: [number, number]; offset: number }>();
    if (feats.length <= 40) {
      const src = this.map.getSource('events') as maplibregl.GeoJSONSource;
      for (const f of feats) {
        const at = (f.geometry as Point).coordinates as [number, number];
        let name = String(f.properties['location'] ?? '');
        if (f.properties['cluster']) {
          // a cluster of events at one place is labelled with that place
          const leaves = await src.getClusterLeaves(f.properties['cluster_id'] as number, 100, 0).catch(() => []);
          const names = new Set(leaves.map((l) => String(l.properties?.['location'] ?? '')));
          name = names.size === 1 ? [...names][0]! : '';
        }
        const key = `${name}|${at[0].toFixed(4)}|${at[1].toFixed(4)}`;
        if (name && !want.has(key)) want.set(key, { name, at, offset: f.properties['cluster'] ? 17 : 9 });
      }
    }
    if (run !== this.labelRun) return; // a newer update is under way
    for (const [k, m] of this.labelMarkers) if (!want.has(k)) { m.remove(); this.labelMarkers.delete(k); }
    for (const [k, { name, at, offset }] of want) {
      if (this.labelMarkers.has(k)) continue;
      const el = h('div', { class: 'place-label', 'aria-hidden': 'true' }, name);
      this.labelMarkers.set(k, new maplibregl.Marker({ element: el, anchor: 'left', offset: [offset, 0] }).setLngLat(at).addTo(this.map));
    }
  }

  private openPopup(e: maplibregl.MapLayerMouseEvent): void {
    const feats = e.features ?? [];
    if (!feats.length) return;
    this.showPopup(e.lngLat, feats.map((f) => f.properties as EventProps));
  }

  private showPopup(at: maplibregl.LngLatLike, props: EventProps[]): void {
    const body = h('div', { class: 'popup' });
    for (const p of props.slice(0, 4)) {
      const color = TYPE_COLORS[p.event_type as keyof typeof TYPE_COLORS] ?? '#555';
      body.append(h('div', { class: 'popup-event' },
        h('p', { class: 'popup-type' }, h('span', { class: 'swatch', style: `background:${color}` }), p.sub_event_type),
        h('p', {}, h('strong', {}, p.location), p.admin1 ? `, ${p.admin1}` : '', `, ${p.country}`),
        h('p', {}, p.event_date || 'date unknown', ' · ', `${p.fatalities} fatalities`),
        h('p', {}, p.actor1, p.actor2 ? ` vs ${p.actor2}` : ''),
        h('a', { href: `#/event/${encodeURIComponent(p.id)}` }, 'Open event'),
      ));
    }
    if (props.length > 4) body.append(h('p', {}, `and ${props.length - 4} more here (see the table)`));
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ maxWidth: '300px', focusAfterOpen: true }).setLngLat(at).setDOMContent(body).addTo(this.map);
  }

  closePopup(): void {
    this.popup?.remove();
  }

  resize(): void {
    this.map.resize();
    if (this.pendingFit) {
      this.pendingFit = false;
      this.fit();
    }
  }
}

/** A map button that zooms back to the events of the current filter. */
class FitControl implements maplibregl.IControl {
  private el: HTMLElement | null = null;
  constructor(private readonly onFit: () => void) {}
  onAdd(): HTMLElement {
    this.el = h('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group' },
      h('button', { type: 'button', class: 'fit-button', title: 'Zoom to the events', 'aria-label': 'Zoom to the events of the current filter', onclick: () => this.onFit() }, '⤢'));
    return this.el;
  }
  onRemove(): void {
    this.el?.remove();
  }
}

/** A circle of `km` around [lon, lat] as a polygon (64 vertices, spherical). */
function circle([lon, lat]: [number, number], km: number): Polygon {
  const R = 6371.0088, d = km / R, la = (lat * Math.PI) / 180, lo = (lon * Math.PI) / 180;
  const ring: [number, number][] = [];
  for (let i = 0; i <= 64; i++) {
    const b = (2 * Math.PI * i) / 64;
    const la2 = Math.asin(Math.sin(la) * Math.cos(d) + Math.cos(la) * Math.sin(d) * Math.cos(b));
    const lo2 = lo + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(la), Math.cos(d) - Math.sin(la) * Math.sin(la2));
    ring.push([(lo2 * 180) / Math.PI, (la2 * 180) / Math.PI]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

export function legend(container: HTMLElement, open: boolean): void {
  container.append(h('details', { open }, h('summary', {}, 'Legend'),
    h('ul', {}, EVENT_TYPES.map((t) => h('li', {}, h('span', { class: 'swatch', style: `background:${TYPE_COLORS[t]}` }), t))),
    h('p', { class: 'legend-size' },
      h('span', { class: 'dot-s' }), ' 0 ', h('span', { class: 'dot-m' }), ' 10 ', h('span', { class: 'dot-l' }), ' 50+ fatalities'),
    h('p', { class: 'legend-size' }, h('span', { class: 'cluster-swatch' }, 'n'), ' cluster of n events'),
    h('p', { class: 'legend-size' }, h('span', { class: 'edited-swatch' }), ' edited by a reviewer'),
    h('p', { class: 'legend-size legend-zone', hidden: true }, h('span', { class: 'zone-swatch' }), ' watch zone'),
  ));
}
