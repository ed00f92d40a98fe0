/**
 * The one event schema (zod), shared by extractor, store, API and dashboard.
 * Field names follow ACLED's codebook; Frontline adds injuries, weapons, targets, confidence,
 * geo_note, and evidence (for each coded field, the document and character span that produced it).
 */
import { z } from 'zod';
import {
  ALL_SUB_EVENT_TYPES,
  DISORDER_TYPES,
  EVENT_TYPES,
  type EventType,
  type SubEventType,
} from './taxonomy.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** Fields that carry evidence spans. */
export const EVIDENCE_FIELDS = [
  'event_date',
  'event_type',
  'sub_event_type',
  'actor1',
  'assoc_actor_1',
  'actor2',
  'assoc_actor_2',
  'location',
  'admin1',
  'fatalities',
  'injuries',
  'weapons',
  'targets',
] as const;
export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** One span of source text that justifies one coded field. Offsets are UTF-16 code units into the document text. */
export const EvidenceSchema = z.object({
  field: z.enum(EVIDENCE_FIELDS),
  document_id: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const EventTypeSchema = z.enum(EVENT_TYPES);
export const SubEventTypeSchema = z.enum(ALL_SUB_EVENT_TYPES as [SubEventType, ...SubEventType[]]);

/** An event as the extractor codes it from one document. */
export const CodedEventSchema = z.object({
  event_id_cnty: z.string(),
  event_date: isoDate.nullable(),
  time_precision: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  disorder_type: z.enum(DISORDER_TYPES),
  event_type: EventTypeSchema,
  sub_event_type: SubEventTypeSchema,
  actor1: z.string(),
  assoc_actor_1: z.string().nullable(),
  inter1: z.number().int().min(0).max(8),
  actor2: z.string().nullable(),
  assoc_actor_2: z.string().nullable(),
  inter2: z.number().int().min(0).max(8),
  interaction: z.number().int().min(0).max(88),
  civilian_targeting: z.literal('Civilian targeting').nullable(),
  iso: z.number().int().nullable(),
  country: z.string(),
  admin1: z.string().nullable(),
  admin2: z.string().nullable(),
  admin3: z.string().nullable(),
  location: z.string(),
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
  geo_precision: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  geo_note: z.string().nullable(),
  source: z.string(),
  notes: z.string(),
  fatalities: z.number().int().nonnegative(),
  fatalities_approximate: z.boolean(),
  injuries: z.number().int().nonnegative(),
  weapons: z.array(z.string()),
  targets: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  document_id: z.string(),
  evidence: z.array(EvidenceSchema),
});
export type CodedEvent = z.infer<typeof CodedEventSchema>;

/** A source document as Frontline receives it (CLI, JSONL batch, API, feeds). */
export const SourceDocumentSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  published: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'expected YYYY-MM-DD, YYYY-MM or YYYY')
    .nullable()
    .optional(),
  url: z.string().nullable().optional(),
  title: z.string().nullable().optional(),
  source: z.string().nullable().optional(),
});
export type SourceDocument = z.infer<typeof SourceDocumentSchema>;

/** One report that contributed to a stored event. */
export const EventSourceSchema = z.object({
  document_id: z.string(),
  source: z.string(),
  url: z.string().nullable(),
  title: z.string().nullable(),
  published: z.string().nullable(),
});
export type EventSource = z.infer<typeof EventSourceSchema>;

export const REVIEW_STATUSES = ['unreviewed', 'confirmed', 'edited', 'rejected'] as const;

/** An event as stored and served: a coded event plus its sources and review state. */
export const StoredEventSchema = CodedEventSchema.extend({
  sources: z.array(EventSourceSchema),
  review_status: z.enum(REVIEW_STATUSES),
  created_at: z.string(),
  updated_at: z.string(),
});
export type StoredEvent = z.infer<typeof StoredEventSchema>;

/** ACLED's column names and order, used by CSV export. Frontline's extra columns follow ACLED's. */
export const ACLED_CSV_COLUMNS = [
  'event_id_cnty',
  'event_date',
  'year',
  'time_precision',
  'disorder_type',
  'event_type',
  'sub_event_type',
  'actor1',
  'assoc_actor_1',
  'inter1',
  'actor2',
  'assoc_actor_2',
  'inter2',
  'interaction',
  'civilian_targeting',
  'iso',
  'region',
  'country',
  'admin1',
  'admin2',
  'admin3',
  'location',
  'latitude',
  'longitude',
  'geo_precision',
  'source',
  'source_scale',
  'notes',
  'fatalities',
  'tags',
  'timestamp',
] as const;

export const FRONTLINE_EXTRA_CSV_COLUMNS = [
  'injuries',
  'weapons',
  'targets',
  'confidence',
  'geo_note',
] as const;

export type { EventType, SubEventType };
