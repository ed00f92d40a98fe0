/** GET /api/events (filters, sort, cursor pagination) and GET /api/events/:id (sources, evidence, documents). */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { EventDetailResponseSchema, EventListResponseSchema, type EventListQuery } from '../../model/index.js';
import { DEFAULT_NEAR_KM } from '../../store/index.js';
import { notFound } from '../errors.js';
import { ListQuery } from '../query.js';
import type { RouteDeps } from './deps.js';

export const EventIdParams = z.object({ id: z.string().min(1).max(300) }).strict();

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
            'Unknown parameters are rejected with 400; empty parameters are ignored. Rejected events are left out unless review_status=rejected.',
          tags: ['events'],
          responses: { 200: { description: 'One page of events', schema: EventListResponseSchema } },
        },
      },
    },
    async (req) => {
      return store.listEvents(req.query as EventListQuery);
    },
  );

  app.get(
    '/api/events/:id',
    {
      schema: { params: EventIdParams },
      config: {
        doc: {
          summary: 'One event with its sources, evidence spans, the full text of its source documents, and its review and merge history',
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
