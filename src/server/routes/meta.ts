/** GET /api/health: liveness and which store backs the server. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { RouteDeps } from './deps.js';

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  store: z.enum(['sqlite', 'postgres']),
  version: z.string(),
  uptime_s: z.number(),
});

export const metaRoutes: FastifyPluginAsync<RouteDeps & { version: string }> = async (app, { store, version }) => {
  app.get(
    '/api/health',
    {
      config: {
        doc: {
          summary: 'Liveness check',
          tags: ['meta'],
          responses: { 200: { description: 'The server is up', schema: HealthResponseSchema } },
        },
      },
    },
    async () => ({ status: 'ok' as const, store: store.kind, version, uptime_s: Math.round(process.uptime()) }),
  );
};
