/**
 * Static map (pure): an SVG drawn offline from world-atlas country outlines (Natural Earth 50m, via
 * topojson-client), watch zones and event points coloured by event type. Equirectangular projection with
 * the x axis scaled by cos(latitude) at the map's centre, fitted to the events and zones with a margin.
 * All text is XML-escaped.
 */
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { FeatureCollection, Geometry, MultiPolygon, Position } from 'geojson';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { EventType, StoredEvent } from '../model/index.js';
import { zoneBbox, type Zone } from './zones.js';

const require = createRequire(import.meta.url);

export const EVENT_COLOURS: Record<EventType, string> = {
  Battles: '#d62728',
  'Explosions/Remote violence': '#ff7f0e',
  'Violence against civilians': '#9467bd',
  Protests: '#2ca02c',
  Riots: '#8c564b',
  'Strategic developments': '#1f77b4',
};

let countriesCache: FeatureCollection<Geometry, { name?: string }> | null = null;
function countries(): FeatureCollection<Geometry, { name?: string }> {
  if (!countriesCache) {
    const topo = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection<{ name?: string }> }>;
    countriesCache = feature(topo, topo.objects.countries) as unknown as FeatureCollection<Geometry, { name?: string }>;
  }
  return countriesCache;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface MapOptions {
  width?: number;
  height?: number;
  title?: string;
  /** [minLon, minLat, maxLon, maxLat]; default: fitted to events and zones. */
  bbox?: [number, number, number, number];
}

type Bbox = [number, number, number, number];

function fitBbox(events: readonly StoredEvent[], zones: readonly Zone[]): Bbox {
  let [w, s, e, n] = [180, 90, -180, -90];
  const add = (lon: number, lat: number) => {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  };
  for (const ev of events) if (ev.latitude != null && ev.longitude != null) add(ev.longitude, ev.latitude);
  for (const z of zones) {
    const b = zoneBbox(z);
    add(b[0], b[1]);
    add(b[2], b[3]);
  }
  if (w > e) return [35, 32, 43, 38]; // nothing to place: Syria and around, the project's home region
  // At least ~1° across, plus a 15% margin.
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const hw = Math.max(0.5, ((e - w) / 2) * 1.15);
  const hh = Math.max(0.5, ((n - s) / 2) * 1.15);
  return [cx - hw, Math.max(-85, cy - hh), cx + hw, Math.min(85, cy + hh)];
}

/** Render the SVG text. */
export function renderMapSvg(events: readonly StoredEvent[], zones: readonly Zone[] = [], opts: MapOptions = {}): string {
  const W = opts.width ?? 800;
  let [w, s, e, n] = opts.bbox ?? fitBbox(events, zones);
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  // Grow the box so its aspect ratio matches the image (no distortion beyond the cos(lat) scaling).
  let H = opts.height ?? Math.round(Math.min(900, Math.max(300, (W * (n - s)) / ((e - w) * k))));
  const want = (W / H) * (n - s); // width in "scaled degrees" needed
  if ((e - w) * k < want) {
    const extra = (want / k - (e - w)) / 2;
    w -= extra;
    e += extra;
  } else {
    const extra = ((e - w) * k * (H / W) - (n - s)) / 2;
    s -= extra;
    n += extra;
  }
  H = Math.round(H);
  const x = (lon: number) => ((lon - w) / (e - w)) * W;
  const y = (lat: number) => ((n - lat) / (n - s)) * H;
  const pt = (p: Position) => `${x(p[0]!).toFixed(1)},${y(p[1]!).toFixed(1)}`;
  const ring = (r: Position[]) => 'M' + r.map(pt).join('L') + 'Z';
  const line = (r: Position[]) => 'M' + r.map(pt).join('L');

  const intersects = (b: Bbox | null) => b !== null && !(b[2] < w || b[0] > e || b[3] < s || b[1] > n);
  const countryPaths: string[] = [];
  const labels: string[] = [];
  for (const f of countries().features) {
    const g = f.geometry;
    if (!g) continue;
    const all = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    // Only the parts of a country that reach into the view (keeps the file small; Alaska stays out of Syria).
    const polys = all.map((p) => ({ p, b: geomBbox({ type: 'Polygon', coordinates: p }) })).filter((x) => intersects(x.b));
    if (!polys.length) continue;
    countryPaths.push(`<path d="${polys.map((x) => x.p.map(ring).join('')).join('')}"/>`);
    // Label a country at the mean of the grid points (12×12 over the view) that fall inside it.
    if (f.properties?.name) {
      const mp: MultiPolygon = { type: 'MultiPolygon', coordinates: polys.map((x) => x.p) };
      let sx = 0;
      let sy = 0;
      let cnt = 0;
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < 12; j++) {
          const lon = w + ((i + 0.5) / 12) * (e - w);
          const lat = s + ((j + 0.5) / 12) * (n - s);
          if (booleanPointInPolygon([lon, lat], mp)) (sx += lon, sy += lat, cnt++);
        }
      }
      if (cnt >= 2) labels.push(`<text x="${x(sx / cnt).toFixed(1)}" y="${y(sy / cnt).toFixed(1)}">${escapeXml(f.properties.name)}</text>`);
    }
  }

  const kmToPx = (km: number) => (km / (111.32 * (e - w) * k)) * W;
  const zoneShapes = zones.map((z) => {
    const g = z.geometry;
    const title = `<title>${escapeXml(z.name)}</title>`;
    const width = Math.max(1.5, 2 * kmToPx(z.radius_km));
    let shape: string;
    if (g.type === 'Point') {
      shape = `<circle cx="${x(g.coordinates[0]).toFixed(1)}" cy="${y(g.coordinates[1]).toFixed(1)}" r="${Math.max(2, kmToPx(z.radius_km)).toFixed(1)}"/>`;
    } else if (g.type === 'LineString' || g.type === 'MultiLineString') {
      const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
      shape = `<path class="buffer" stroke-width="${width.toFixed(1)}" d="${lines.map(line).join('')}"/><path class="axis" d="${lines.map(line).join('')}"/>`;
    } else {
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      shape = `<path d="${polys.map((p) => p.map(ring).join('')).join('')}"/>`;
    }
    const b = zoneBbox(z);
    const label = `<text class="zl" x="${x(b[0]).toFixed(1)}" y="${(y(b[3]) - 3).toFixed(1)}">${escapeXml(z.name)}</text>`;
    return `<g class="zone">${title}${shape}${label}</g>`;
  });

  const placed = events.filter((ev) => ev.latitude != null && ev.longitude != null);
  const points = placed
    .slice()
    .sort((a, b) => a.fatalities - b.fatalities)
    .map((ev) => {
      const r = 3.5 + Math.min(6, Math.sqrt(ev.fatalities));
      const tip = `${ev.event_date ?? ''} ${ev.sub_event_type} — ${ev.location}${ev.fatalities ? ` (${ev.fatalities} killed)` : ''}`;
      return `<circle class="ev" cx="${x(ev.longitude!).toFixed(1)}" cy="${y(ev.latitude!).toFixed(1)}" r="${r.toFixed(1)}" fill="${EVENT_COLOURS[ev.event_type]}"><title>${escapeXml(tip)}</title></circle>`;
    });

  const types = [...new Set(placed.map((ev) => ev.event_type))];
  // Legend in a strip under the map, in rows, so it never hides an event.
  const legendItems: string[] = [];
  let lx = 10;
  let row = 0;
  for (const t of types) {
    const w = 26 + t.length * 6.8;
    if (lx + w > W - 10 && lx > 10) {
      lx = 10;
      row++;
    }
    legendItems.push(`<g transform="translate(${lx.toFixed(0)},${H + 18 + row * 18})"><circle r="5" cx="5" cy="-4" fill="${EVENT_COLOURS[t]}"/><text x="15" y="0">${escapeXml(t)}</text></g>`);
    lx += w;
  }
  const legendH = types.length ? 26 + row * 18 : 0;
  const legend = legendItems;
  const title = opts.title ? `<text class="title" x="10" y="20">${escapeXml(opts.title)}</text>` : '';
  const scaleKm = niceKm((e - w) * k * 111.32 * 0.2);
  const scalePx = kmToPx(scaleKm);
  const scale = `<g class="scale" transform="translate(${W - scalePx - 14},${H - 14})"><path d="M0,0h${scalePx.toFixed(1)}"/><text x="0" y="-4">${scaleKm} km</text></g>`;

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + legendH}" viewBox="0 0 ${W} ${H + legendH}" role="img" aria-label="${escapeXml(opts.title ?? 'Event map')}">
<style>
.land path{fill:#f2efe9;stroke:#9a9a9a;stroke-width:.7}
.labels text{font:11px sans-serif;fill:#777;text-anchor:middle}
.zone circle,.zone>path:not(.buffer):not(.axis){fill:#3366cc22;stroke:#3366cc;stroke-width:1.5;stroke-dasharray:4 3}
.zone .buffer{fill:none;stroke:#3366cc33;stroke-linecap:round;stroke-linejoin:round}
.zone .axis{fill:none;stroke:#3366cc;stroke-width:1.2}
.zone .zl{font:bold 11px sans-serif;fill:#224488}
.ev{stroke:#fff;stroke-width:1;fill-opacity:.85}
text{font:12px sans-serif;fill:#222}
.title{font:bold 14px sans-serif}
.scale path{stroke:#222;stroke-width:2}
</style>
<rect width="${W}" height="${H + legendH}" fill="#fff"/>
<defs><clipPath id="frontline-map-clip"><rect width="${W}" height="${H}"/></clipPath></defs>
<rect width="${W}" height="${H}" fill="#cfe3f3"/>
<g clip-path="url(#frontline-map-clip)">
<g class="land">${countryPaths.join('')}</g>
<g class="labels">${labels.join('')}</g>
<g class="zones">${zoneShapes.join('')}</g>
<g class="events">${points.join('')}</g>
</g>
<g class="legend">${legend.join('')}</g>
${scale}
${title}
</svg>
`;
}

function niceKm(km: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(km, 0.1)));
  for (const m of [5, 2, 1]) if (m * p <= km) return m * p;
  return p;
}

function geomBbox(g: Geometry | null): Bbox | null {
  if (!g) return null;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      w = Math.min(w, c[0] as number);
      e = Math.max(e, c[0] as number);
      s = Math.min(s, c[1] as number);
      n = Math.max(n, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  if ('coordinates' in g) visit(g.coordinates);
  return w === Infinity ? null : [w, s, e, n];
}
