/**
 * Shapes of the HTTP API, shared by the server (validation, OpenAPI) and the dashboard (types).
 */
import { z } from 'zod';
import { CodedEventSchema, EventTypeSchema, StoredEventSchema, SubEventTypeSchema } from './event.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** "minLon,minLat,maxLon,maxLat" */
export const BboxSchema = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',').map((p) => Number(p.trim()));
    const [w, s2, e, n] = parts;
    if (
      parts.length !== 4 || parts.some((p) => !Number.isFinite(p)) ||
      w! < -180 || e! > 180 || s2! < -90 || n! > 90 || w! > e! || s2! > n!
    ) {
      ctx.addIssue({ code: 'custom', message: 'bbox must be minLon,minLat,maxLon,maxLat within [-180,-90,180,90]' });
      return z.NEVER;
    }
    return [w!, s2!, e!, n!] as [number, number, number, number];
  });

/** "lat,lon" */
export const NearSchema = z.string().transform((s, ctx) => {
  const parts = s.split(',').map((p) => Number(p.trim()));
  const [lat, lon] = parts;
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) {
    ctx.addIssue({ code: 'custom', message: 'near must be lat,lon' });
    return z.NEVER;
  }
  return [lat!, lon!] as [number, number];
});

export const EVENT_SORTS = ['date_desc', 'date_asc', 'fatalities_desc'] as const;

/** Filters accepted by GET /api/events, /api/stats and /api/export. */
export const EventFilterSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    country: z.string().min(1).optional(),
    admin1: z.string().min(1).optional(),
    event_type: EventTypeSchema.optional(),
    sub_event_type: SubEventTypeSchema.optional(),
    actor: z.string().min(1).optional(),
    q: z.string().min(1).max(500).optional(),
    bbox: BboxSchema.optional(),
    near: NearSchema.optional(),
    km: z.coerce.number().positive().max(20000).optional(),
    min_fatalities: z.coerce.number().int().nonnegative().optional(),
    review_status: z.enum(['unreviewed', 'confirmed', 'edited', 'rejected']).optional(),
  })
  .strict();
export type EventFilter = z.infer<typeof EventFilterSchema>;

export const EventListQuerySchema = EventFilterSchema.extend({
  sort: z.enum(EVENT_SORTS).default('date_desc'),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict();
export type EventListQuery = z.infer<typeof EventListQuerySchema>;

export const EventListResponseSchema = z.object({
  events: z.array(StoredEventSchema),
  next_cursor: z.string().nullable(),
});
export type EventListResponse = z.infer<typeof EventListResponseSchema>;

export const StatsResponseSchema = z.object({
  total: z.number().int(),
  by_day: z.array(z.object({ day: z.string(), event_type: EventTypeSchema, count: z.number().int() })),
  by_type: z.array(z.object({ event_type: EventTypeSchema, count: z.number().int(), fatalities: z.number().int() })),
  by_actor: z.array(z.object({ actor: z.string(), count: z.number().int() })),
  by_admin1: z.array(z.object({ country: z.string(), admin1: z.string().nullable(), count: z.number().int() })),
});
export type StatsResponse = z.infer<typeof StatsResponseSchema>;

export const ErrorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  statusCode: z.number().int(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

// ---- Added by the server (backwards-compatible): request/response shapes shared with the dashboard. ----

/** POST /api/documents response: the document id and the events it created or updated. */
export const IngestResponseSchema = z.object({
  document_id: z.string(),
  duplicate: z.boolean(),
  events: z.array(StoredEventSchema),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;

/** A source document's full text as served with an event (GET /api/events/:id). */
export const StoredDocumentSchema = z.object({
  id: z.string(),
  text: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  source: z.string().nullable(),
  published: z.string().nullable(),
});

/** One entry of an event's review log. */
export const ReviewRecordSchema = z.object({
  action: z.enum(['confirm', 'reject', 'edit']),
  reviewer: z.string(),
  note: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()).nullable(),
  at: z.string(),
});

/** One entry of an event's merge log: a document's report was merged into the event (undone_at once unmerged). */
export const MergeRecordSchema = z.object({
  event_id: z.string(),
  document_id: z.string(),
  score: z.number(),
  reason: z.string(),
  at: z.string(),
  undone_at: z.string().nullable(),
});

/** GET /api/events/:id: the event, its sources and evidence, the text of its source documents, and its history. */
export const EventDetailResponseSchema = StoredEventSchema.extend({
  documents: z.array(StoredDocumentSchema),
  edited_fields: z.array(z.string()),
  reviews: z.array(ReviewRecordSchema),
  merges: z.array(MergeRecordSchema),
});
export type EventDetailResponse = z.infer<typeof EventDetailResponseSchema>;

/** Coded fields an analyst may edit in a review (ids, document and evidence are not editable). */
export const EditableFieldsSchema = CodedEventSchema.omit({ event_id_cnty: true, document_id: true, evidence: true })
  .partial()
  .strict()
  .refine((f) => Object.keys(f).length > 0, { message: 'fields must name at least one field to edit' });

const reviewer = z.string().trim().min(1, 'reviewer is required').max(200);
const note = z.string().max(2000).optional();

/** POST /api/events/:id/review */
export const ReviewRequestSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('confirm'), reviewer, note }).strict(),
  z.object({ action: z.literal('reject'), reviewer, note }).strict(),
  z.object({ action: z.literal('edit'), reviewer, fields: EditableFieldsSchema, note }).strict(),
]);
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** POST /api/events/:id/unmerge: split one document's contribution back out into its own event. */
export const UnmergeRequestSchema = z.object({ document_id: z.string().min(1) }).strict();
export type UnmergeRequest = z.infer<typeof UnmergeRequestSchema>;

/** POST /api/events/:id/unmerge response: the events after the split. */
export const UnmergeResponseSchema = z.object({ events: z.array(StoredEventSchema) });
