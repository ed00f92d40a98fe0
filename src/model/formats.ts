/**
 * Serialisations of events shared by the CLI and the API export: JSON, JSON Lines, GeoJSON and
 * ACLED-compatible CSV (ACLED's column names and order, then Frontline's extra columns).
 * Pure functions: events in, text out.
 */
import { stringify } from 'csv-stringify/sync';
import {
  ACLED_CSV_COLUMNS,
  FRONTLINE_EXTRA_CSV_COLUMNS,
  type CodedEvent,
} from './event.js';

export const OUTPUT_FORMATS = ['json', 'jsonl', 'csv', 'geojson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
};

/** One CSV row in ACLED's column order. */
export function toAcledRow(e: CodedEvent & { sources?: { source: string }[] }): Record<string, string | number> {
  const sources = e.sources?.length ? [...new Set(e.sources.map((s) => s.source))].join('; ') : e.source;
  const row: Record<string, string | number> = {
    event_id_cnty: e.event_id_cnty,
    event_date: e.event_date ?? '',
    year: e.event_date ? Number(e.event_date.slice(0, 4)) : '',
    time_precision: e.time_precision,
    disorder_type: e.disorder_type,
    event_type: e.event_type,
    sub_event_type: e.sub_event_type,
    actor1: e.actor1,
    assoc_actor_1: e.assoc_actor_1 ?? '',
    inter1: e.inter1,
    actor2: e.actor2 ?? '',
    assoc_actor_2: e.assoc_actor_2 ?? '',
    inter2: e.inter2,
    interaction: e.interaction,
    civilian_targeting: e.civilian_targeting ?? '',
    iso: e.iso ?? '',
    region: '',
    country: e.country,
    admin1: e.admin1 ?? '',
    admin2: e.admin2 ?? '',
    admin3: e.admin3 ?? '',
    location: e.location,
    latitude: e.latitude ?? '',
    longitude: e.longitude ?? '',
    geo_precision: e.geo_precision,
    source: sources,
    source_scale: '',
    notes: e.notes,
    fatalities: e.fatalities,
    tags: e.fatalities_approximate ? 'fatalities approximate' : '',
    timestamp: '',
    injuries: e.injuries,
    weapons: e.weapons.join('; '),
    targets: e.targets.join('; '),
    confidence: e.confidence,
    geo_note: e.geo_note ?? '',
  };
  return row;
}

export const CSV_COLUMNS = [...ACLED_CSV_COLUMNS, ...FRONTLINE_EXTRA_CSV_COLUMNS];

/** CSV with a header line. */
export function toCsv(events: readonly CodedEvent[], header = true): string {
  return stringify(events.map(toAcledRow), { header, columns: CSV_COLUMNS as unknown as string[] });
}

/** A GeoJSON Feature for an event with coordinates, or null when it has none. */
export function toFeature(e: CodedEvent): object | null {
  if (e.latitude == null || e.longitude == null) return null;
  const { latitude, longitude, ...properties } = e;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [longitude, latitude] }, properties };
}

export function toGeoJson(events: readonly CodedEvent[]): string {
  const features = events.map(toFeature).filter((f) => f !== null);
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** Serialise events in one of the output formats. */
export function formatEvents(events: readonly CodedEvent[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(events, null, 2) + '\n';
    case 'jsonl':
      return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
    case 'csv':
      return toCsv(events);
    case 'geojson':
      return toGeoJson(events) + '\n';
  }
}
