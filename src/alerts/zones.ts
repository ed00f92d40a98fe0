/**
 * Watch zones: schema (zod), GeoJSON in/out, and the pure "is this event inside this zone?" test.
 * Geometry is done by @turf/* (geodesic distances in km), never by hand.
 *
 * A zone is a GeoJSON geometry plus a distance `radius_km`:
 *   Point + radius_km            a clinic with 20 km around it
 *   LineString + radius_km       a highway (the M4) with a 5 km buffer either side
 *   Polygon / MultiPolygon       an area; radius_km (default 0) extends it beyond its edge
 * and optional filters: event types, an actor substring, minimum fatalities, and the coarsest
 * geo_precision that counts (default 2: events placed only at a province centroid do not alert).
 */
import { z } from 'zod';
import { distance } from '@turf/distance';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, Geometry, LineString, Polygon, MultiPolygon, Position } from 'geojson';
import { EVENT_TYPES, type StoredEvent } from '../model/index.js';

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const PositionSchema = z
  .tuple([lon, lat])
  .rest(z.number())
  .transform((p) => [p[0], p[1]] as [number, number]);

const ringSchema = z
  .array(PositionSchema)
  .min(4, 'a polygon ring needs at least 4 positions')
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], {
    message: 'a polygon ring must be closed (first position equals last)',
  });

export const ZoneGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: PositionSchema }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(PositionSchema).min(2, 'a line needs at least 2 positions') }),
  z.object({
    type: z.literal('MultiLineString'),
    coordinates: z.array(z.array(PositionSchema).min(2)).min(1),
  }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ringSchema).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ringSchema).min(1)).min(1) }),
]);
export type ZoneGeometry = z.infer<typeof ZoneGeometrySchema>;

export const ZoneFiltersSchema = z
  .object({
    event_types: z.array(z.enum(EVENT_TYPES)).min(1).optional(),
    actor: z.string().trim().min(1).max(200).optional(),
    min_fatalities: z.number().int().nonnegative().optional(),
    /** Coarsest geo_precision that can trigger (1 exact place, 2 near/part of, 3 province). Default 2. */
    max_geo_precision: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  })
  .strict();
export type ZoneFilters = z.infer<typeof ZoneFiltersSchema>;

/** What a user gives to create a zone (CLI, API, data/watch files). */
export const ZoneInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    geometry: ZoneGeometrySchema,
    radius_km: z.number().nonnegative().max(1000).optional(),
    filters: ZoneFiltersSchema.optional(),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .superRefine((z0, ctx) => {
    if ((z0.geometry.type === 'Point' || z0.geometry.type.endsWith('LineString')) && !(z0.radius_km && z0.radius_km > 0)) {
      ctx.addIssue({ code: 'custom', path: ['radius_km'], message: `a ${z0.geometry.type} zone needs radius_km > 0` });
    }
  });
export type ZoneInput = z.infer<typeof ZoneInputSchema>;

export interface Zone {
  id: string;
  name: string;
  geometry: ZoneGeometry;
  radius_km: number;
  filters: ZoneFilters;
  description: string | null;
  created_at: string;
}

/**
 * The unvalidated zone object behind a user's input: our JSON shape as is (buffer_km read as radius_km),
 * or a GeoJSON Feature whose properties hold name, radius_km (alias buffer_km), description and the filters
 * event_types, actor, min_fatalities, max_geo_precision (flat, or under `filters`).
 */
export function zoneCandidate(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { value: raw };
  const r = raw as Record<string, unknown>;
  if (r.type === 'Feature') {
    const p = (r.properties && typeof r.properties === 'object' ? r.properties : {}) as Record<string, unknown>;
    const filters: Record<string, unknown> = {};
    for (const k of ['event_types', 'actor', 'min_fatalities', 'max_geo_precision'] as const) {
      if (p[k] !== undefined && p[k] !== null) filters[k] = p[k];
    }
    if (p.filters && typeof p.filters === 'object') Object.assign(filters, p.filters);
    const c: Record<string, unknown> = { name: p.name, geometry: r.geometry, radius_km: p.radius_km ?? p.buffer_km };
    if (p.description != null) c.description = p.description;
    if (Object.keys(filters).length) c.filters = filters;
    for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
    return c;
  }
  if ('buffer_km' in r && !('radius_km' in r)) {
    const { buffer_km, ...rest } = r;
    return { ...rest, radius_km: buffer_km };
  }
  return r;
}

/** Validate one zone given as our JSON shape or as a GeoJSON Feature (throws a ZodError). */
export function parseZoneInput(raw: unknown): ZoneInput {
  return ZoneInputSchema.parse(zoneCandidate(raw));
}

/** The list of zone candidates in a FeatureCollection, an array, or a single zone/Feature. */
export function zoneCandidates(raw: unknown): Record<string, unknown>[] {
  if (raw && typeof raw === 'object' && (raw as { type?: unknown }).type === 'FeatureCollection') {
    const feats = (raw as { features?: unknown }).features;
    if (!Array.isArray(feats)) throw new Error('FeatureCollection without a features array');
    return feats.map(zoneCandidate);
  }
  if (Array.isArray(raw)) return raw.map(zoneCandidate);
  return [zoneCandidate(raw)];
}

/** Zones from a GeoJSON FeatureCollection, a single Feature, or an array of zone inputs. */
export function parseZoneInputs(raw: unknown): ZoneInput[] {
  return zoneCandidates(raw).map((c, i) => {
    const r = ZoneInputSchema.safeParse(c);
    if (!r.success) throw new Error(`zone ${i}${typeof c.name === 'string' ? ` "${c.name}"` : ''}: ${formatZodError(r.error)}`);
    return r.data;
  });
}

export function formatZodError(e: unknown): string {
  if (e instanceof z.ZodError) {
    return e.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
  }
  return e instanceof Error ? e.message : String(e);
}

export function zoneToFeature(zone: Zone): Feature<Geometry> {
  return {
    type: 'Feature',
    id: zone.id,
    geometry: zone.geometry as Geometry,
    properties: {
      id: zone.id,
      name: zone.name,
      radius_km: zone.radius_km,
      ...zone.filters,
      description: zone.description,
      created_at: zone.created_at,
    },
  };
}

export function zonesToGeoJSON(zones: readonly Zone[]): FeatureCollection<Geometry> {
  return { type: 'FeatureCollection', features: zones.map(zoneToFeature) };
}

/** Geodesic distance in km from a point to the zone's geometry (0 inside a polygon). */
export function distanceToZoneKm(zone: Pick<Zone, 'geometry'>, lonLat: [number, number]): number {
  const g = zone.geometry;
  switch (g.type) {
    case 'Point':
      return distance(lonLat, g.coordinates, { units: 'kilometers' });
    case 'LineString':
      return lineDistance(lonLat, g.coordinates);
    case 'MultiLineString':
      return Math.min(...g.coordinates.map((c) => lineDistance(lonLat, c)));
    case 'Polygon':
    case 'MultiPolygon': {
      if (booleanPointInPolygon(lonLat, g as Polygon | MultiPolygon)) return 0;
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      return Math.min(...polys.flatMap((rings) => rings.map((r) => lineDistance(lonLat, r))));
    }
  }
}

function lineDistance(pt: [number, number], coords: Position[]): number {
  const line: LineString = { type: 'LineString', coordinates: coords };
  return pointToLineDistance(pt, line, { units: 'kilometers' });
}

export interface ZoneMatch {
  zone: Zone;
  distance_km: number;
}

const bboxCache = new WeakMap<Zone['geometry'], [number, number, number, number]>();

/** Cheap rejection before any geodesic maths: is the point outside the zone's bbox (grown by its radius)? */
function outsideBbox(zone: Pick<Zone, 'geometry' | 'radius_km'>, lon: number, lat: number): boolean {
  let b = bboxCache.get(zone.geometry);
  if (!b) {
    b = zoneBbox(zone);
    // a little slack: the bbox's km→degree conversion is approximate; the exact test follows
    const pad = 0.01;
    b = [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad];
    bboxCache.set(zone.geometry, b);
  }
  return lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3];
}

/** Does the event pass the zone's filters and lie within it? Returns the distance, or null. */
export function matchEvent(zone: Zone, ev: StoredEvent): ZoneMatch | null {
  if (ev.latitude == null || ev.longitude == null) return null;
  if (ev.review_status === 'rejected') return null;
  const f = zone.filters;
  if (ev.geo_precision > (f.max_geo_precision ?? 2)) return null;
  if (f.event_types && !f.event_types.includes(ev.event_type)) return null;
  if (f.min_fatalities !== undefined && ev.fatalities < f.min_fatalities) return null;
  if (f.actor) {
    const needle = f.actor.toLowerCase();
    const actors = [ev.actor1, ev.assoc_actor_1, ev.actor2, ev.assoc_actor_2];
    if (!actors.some((a) => a != null && a.toLowerCase().includes(needle))) return null;
  }
  if (outsideBbox(zone, ev.longitude, ev.latitude)) return null;
  const d = distanceToZoneKm(zone, [ev.longitude, ev.latitude]);
  // A zone's edge is inclusive; allow for float noise at exactly radius_km.
  return d <= zone.radius_km + 1e-9 ? { zone, distance_km: d } : null;
}

/** Whether a point lies in the zone, ignoring filters (for escalation and briefs). */
export function pointInZone(zone: Zone, lonLat: [number, number]): boolean {
  if (outsideBbox(zone, lonLat[0], lonLat[1])) return false;
  return distanceToZoneKm(zone, lonLat) <= zone.radius_km + 1e-9;
}

/** [minLon, minLat, maxLon, maxLat] of the zone geometry, grown by its radius. */
export function zoneBbox(zone: Pick<Zone, 'geometry' | 'radius_km'>): [number, number, number, number] {
  const pts: Position[] = [];
  const g = zone.geometry;
  if (g.type === 'Point') pts.push(g.coordinates);
  else if (g.type === 'LineString') pts.push(...g.coordinates);
  else if (g.type === 'MultiLineString' || g.type === 'Polygon') pts.push(...g.coordinates.flat());
  else pts.push(...g.coordinates.flat(2));
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const p of pts) {
    w = Math.min(w, p[0]!);
    e = Math.max(e, p[0]!);
    s = Math.min(s, p[1]!);
    n = Math.max(n, p[1]!);
  }
  // Degrees on turf's sphere (R = 6371.0088 km: 111.195 km per degree); the longitude span uses the
  // latitude nearest a pole, where a km is the most degrees.
  const dLat = zone.radius_km / 111.19;
  const maxAbsLat = Math.min(89.9, Math.max(Math.abs(s - dLat), Math.abs(n + dLat)));
  const dLon = Math.min(360, dLat / Math.max(0.001, Math.cos((maxAbsLat * Math.PI) / 180)));
  return [Math.max(-180, w - dLon), Math.max(-90, s - dLat), Math.min(180, e + dLon), Math.min(90, n + dLat)];
}
