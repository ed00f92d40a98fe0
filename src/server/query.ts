/**
 * Query-string schemas of the event routes: the model's filter schemas plus the checks a regex cannot
 * make (a real calendar date, from <= to, km only with near). `near` without `km` uses the store's default radius.
 */
import { z } from 'zod';
import { EventFilterSchema, EventListQuerySchema, OUTPUT_FORMATS, EVENT_SORTS } from '../model/index.js';

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function checkFilter(q: { from?: string; to?: string; near?: unknown; km?: number }, ctx: z.RefinementCtx) {
  for (const key of ['from', 'to'] as const) {
    const v = q[key];
    if (v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v) && !isRealDate(v)) ctx.addIssue({ code: 'custom', path: [key], message: 'not a calendar date', input: v });
  }
  if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `before from (${q.from})`, input: q.to });
  if (q.km !== undefined && q.near === undefined) ctx.addIssue({ code: 'custom', path: ['km'], message: 'needs near=lat,lon', input: q.km });
}

export const ListQuery = EventListQuerySchema.superRefine(checkFilter);
export const FilterQuery = EventFilterSchema.superRefine(checkFilter);
/** The live stream takes every filter but full-text q (which needs the store's index). */
export const StreamQuery = EventFilterSchema.omit({ q: true }).strict().superRefine(checkFilter);

export const ExportQuery = EventFilterSchema.extend({
  format: z.enum(OUTPUT_FORMATS).default('csv'),
  sort: z.enum(EVENT_SORTS).default('date_asc'),
})
  .strict()
  .superRefine(checkFilter);

