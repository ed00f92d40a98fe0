/**
 * GET /api/export?format=csv|geojson|jsonl|json&…filters: every matching event, streamed page by page
 * from the store (never all in memory), as an attachment. CSV has ACLED's columns in ACLED's order,
 * then Frontline's extra columns (src/model/formats.ts).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import { CONTENT_TYPES, CSV_COLUMNS, toCsv, toFeature, type OutputFormat, type StoredEvent } from '../../model/index.js';
import type { Store } from '../../store/types.js';
import { ExportQuery } from '../query.js';
import type { RouteDeps } from './deps.js';

const PAGE = 1000;

/**
 * Pages of matching events. The first page is read before the response starts, so a store error still
 * becomes a JSON error; later errors can only cut the download short.
 */
async function pages(store: Store, query: z.infer<typeof ExportQuery>): Promise<AsyncGenerator<StoredEvent[]>> {
  const { format: _format, ...filter } = query;
  const first = await store.listEvents({ ...filter, limit: PAGE });
  return (async function* () {
    if (first.events.length) yield first.events;
    let cursor = first.next_cursor ?? undefined;
    while (cursor) {
      const page = await store.listEvents({ ...filter, limit: PAGE, cursor });
      if (page.events.length) yield page.events;
      cursor = page.next_cursor ?? undefined;
    }
  })();
}

export async function* serialise(events: AsyncIterable<StoredEvent[]>, format: OutputFormat): AsyncGenerator<string> {
  let first = true;
  if (format === 'csv') {
    let header = true;
    for await (const page of events) {
      yield toCsv(page, header);
      header = false;
    }
    if (header) yield toCsv([], true) || CSV_COLUMNS.join(',') + '\n';
    return;
  }
  if (format === 'jsonl') {
    for await (const page of events) yield page.map((e) => JSON.stringify(e)).join('\n') + '\n';
    return;
  }
  yield format === 'geojson' ? '{"type":"FeatureCollection","features":[\n' : '[\n';
  for await (const page of events) {
    const items = format === 'geojson' ? page.map(toFeature).filter((f) => f !== null) : page;
    if (!items.length) continue;
    yield (first ? '' : ',\n') + items.map((i) => JSON.stringify(i)).join(',\n');
    first = false;
  }
  yield '\n]' + (format === 'geojson' ? '}' : '') + '\n';
}

const EXTENSIONS: Record<OutputFormat, string> = { csv: 'csv', geojson: 'geojson', jsonl: 'jsonl', json: 'json' };

export const exportRoutes: FastifyPluginAsync<RouteDeps> = async (app, { store }) => {
  app.get(
    '/api/export',
    {
      schema: { querystring: ExportQuery },
      config: {
        doc: {
          summary: 'Download every matching event as CSV (ACLED columns), GeoJSON, JSON Lines or JSON',
          description: 'Same filters as /api/events; oldest first by default. GeoJSON leaves out events without coordinates.',
          tags: ['events'],
          responses: {
            200: {
              description: 'The events, as an attachment',
              contentType: [CONTENT_TYPES.csv, CONTENT_TYPES.geojson, CONTENT_TYPES.jsonl, CONTENT_TYPES.json].map((t) => t.split(';')[0]!),
              jsonSchema: { type: 'string' },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const query = req.query as z.infer<typeof ExportQuery>;
      const stamp = new Date().toISOString().slice(0, 10);
      const events = await pages(store, query);
      reply
        .type(CONTENT_TYPES[query.format])
        .header('content-disposition', `attachment; filename="frontline-events-${stamp}.${EXTENSIONS[query.format]}"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(serialise(events, query.format)));
    },
  );
};
