/** GET /api/events (filters, sort, cursor pagination) and GET /api/events/:id (sources, evidence, documents). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { EventDetailResponseSchema, EventListResponseSchema, type EventListQuery } from '../../model/index.js';
import { HttpError, notFound } from '../errors.js';
import { ListQuery, withDefaults, DEFAULT_NEAR_KM } from '../query.js';
import type { RouteDeps } from './deps.js';

export const EventIdParams = z.object({ id: z.string().min(1).max(300) }).strict();

/** A store error about the cursor is the client's fault. */
export function rethrowCursorError(err: unknown, cursor: string | undefined): never {
  if (cursor !== undefined && err instanceof Error && /cursor/i.test(err.message)) {
    throw new HttpError(400, `query parameter "cursor": not a cursor returned by this API (${err.message})`);
  }
  throw err;
}

export const eventsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store }) => {
  app.get(
    '/api/events',
    {
      schema: { querystring: ListQuery },
      config: {
        doc: {
          summary: 'List events',
          description:
            'Events matching every given filter, newest first by default. Pass `next_cursor` back as `cursor` for the next page ' +
            `(null on the last page). \`bbox\` is minLon,minLat,maxLon,maxLat; \`near\` is lat,lon with \`km\` (default ${DEFAULT_NEAR_KM}). ` +
            'Unknown parameters are rejected with 400; empty parameters are ignored.',
          tags: ['events'],
          responses: { 200: { description: 'One page of events', schema: EventListResponseSchema } },
        },
      },
    },
    async (req) => {
      const query = withDefaults(req.query as EventListQuery);
      try {
        return await store.listEvents(query);
      } catch (err) {
        rethrowCursorError(err, query.cursor);
      }
    },
  );

  app.get(
    '/api/events/:id',
    {
      schema: { params: EventIdParams },
      config: {
        doc: {
          summary: 'One event with its sources, evidence spans and the full text of its source documents',
          tags: ['events'],
          responses: {
            200: { description: 'The event', schema: EventDetailResponseSchema },
            404: { description: 'No event with this id' },
          },
        },
      },
    },
    async (req) => {
      const { id } = req.params as z.infer<typeof EventIdParams>;
      const event = await store.getEvent(id);
      if (!event) throw notFound(`no event with id ${JSON.stringify(id)}`);
      return event;
    },
  );
};
