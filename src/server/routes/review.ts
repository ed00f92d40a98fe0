/**
 * Review actions on an event (confirm, reject, edit fields; kept with who and when by the store) and
 * unmerge (split one document's contribution back out into its own event).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  ReviewRequestSchema,
  StoredEventSchema,
  UnmergeRequestSchema,
  UnmergeResponseSchema,
  type ReviewRequest,
  type UnmergeRequest,
} from '../../model/index.js';
import type { ReviewAction } from '../../store/types.js';
import { HttpError, notFound } from '../errors.js';
import { EventIdParams } from './events.js';
import type { RouteDeps } from './deps.js';

/** The store refusing an unmerge (the document is the event's only report) is a conflict with the event's state. */
function rethrowConflict(err: unknown): never {
  if (err instanceof Error && (err as { statusCode?: number }).statusCode === 400) throw new HttpError(409, err.message);
  throw err;
}

export const reviewRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store }) => {
  app.post(
    '/api/events/:id/review',
    {
      schema: { params: EventIdParams, body: ReviewRequestSchema },
      config: {
        doc: {
          summary: 'Confirm, reject or edit an event (kept with reviewer and time)',
          description: 'Edits change the coded fields (exports carry the reviewed values) and mark the event "edited".',
          tags: ['review'],
          responses: {
            200: { description: 'The updated event', schema: StoredEventSchema },
            404: { description: 'No event with this id' },
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params as z.infer<typeof EventIdParams>;
      const body = req.body as ReviewRequest;
      const updated = await store.review(id, body as ReviewAction);
      if (!updated) throw notFound(`no event with id ${JSON.stringify(id)}`);
      return updated;
    },
  );

  app.post(
    '/api/events/:id/unmerge',
    {
      schema: { params: EventIdParams, body: UnmergeRequestSchema },
      config: {
        doc: {
          summary: "Undo the merge of one source document into an event: that document's event becomes its own event again",
          tags: ['review'],
          responses: {
            200: { description: 'The events after the split', schema: UnmergeResponseSchema },
            404: { description: 'No event with this id' },
            409: { description: 'The document is not a merged source of this event, or is its only source' },
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params as z.infer<typeof EventIdParams>;
      const { document_id } = req.body as UnmergeRequest;
      let events;
      try {
        events = await store.unmerge(id, document_id);
      } catch (err) {
        rethrowConflict(err);
      }
      if (!events) {
        if (!(await store.getEvent(id))) throw notFound(`no event with id ${JSON.stringify(id)}`);
        throw new HttpError(409, `document ${JSON.stringify(document_id)} is not a merged source of event ${JSON.stringify(id)}`);
      }
      return { events };
    },
  );
};
