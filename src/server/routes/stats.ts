/** GET /api/stats: counts by day, type, actor and admin1 under the same filters as /api/events. */
import type { FastifyPluginAsync } from 'fastify';
import { StatsResponseSchema, type EventFilter } from '../../model/index.js';
import { FilterQuery } from '../query.js';
import type { RouteDeps } from './deps.js';

export const statsRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store }) => {
  app.get(
    '/api/stats',
    {
      schema: { querystring: FilterQuery },
      config: {
        doc: {
          summary: 'Counts of matching events by day (and type), type, actor and admin1',
          tags: ['events'],
          responses: { 200: { description: 'Counts', schema: StatsResponseSchema } },
        },
      },
    },
    async (req) => store.stats(req.query as EventFilter),
  );
};
