/**
 * GET /api/stream: Server-Sent Events. Each stored-event change arrives as `event: created|updated|deleted`
 * with the StoredEvent as JSON data; other parts (alerts) publish their own event names through
 * `app.publish(name, data)`. The /api/events filters (but q) narrow the event messages. A comment line every `heartbeatMs` keeps proxies from closing the stream.
 * The reply is hijacked; listeners and timers are removed when the client goes away.
 */
import { EventEmitter } from 'node:events';
import type { FastifyPluginAsync } from 'fastify';
import type { RouteDeps } from './deps.js';
import { SECURITY_HEADERS } from '../static.js';
import { matchesFilter, type StreamFilter } from '../match.js';
import { StreamQuery } from '../query.js';

/** In-process fan-out of messages to every open stream. */
export class StreamHub extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  publish(event: string, data: unknown): void {
    if (!/^[A-Za-z0-9_.:-]+$/.test(event)) throw new Error(`bad SSE event name ${JSON.stringify(event)}`);
    this.emit('message', event, data);
  }
}

/** A client that stopped reading is dropped once this much is queued for it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export const streamRoutes: FastifyPluginAsync<RouteDeps & { hub: StreamHub; heartbeatMs: number }> = async (
  app,
  { store, hub, heartbeatMs },
) => {
  app.get(
    '/api/stream',
    {
      schema: { querystring: StreamQuery },
      config: {
        doc: {
          summary: 'Live Server-Sent Events of created, updated and deleted events (and alerts)',
          description:
            'text/event-stream. Messages: `event: created|updated|deleted` with `data:` a StoredEvent as JSON; ' +
            '`event: alert` (and other names) published by the alerts part. Lines starting with ":" are heartbeats. ' +
            'The event filters of /api/events (all but q) narrow the event messages; review_status only filters when given, ' +
            'so an unfiltered client also hears of rejections.',
          tags: ['events'],
          responses: { 200: { description: 'An endless event stream', contentType: 'text/event-stream', jsonSchema: { type: 'string' } } },
        },
      },
    },
    (req, reply) => {
      if (req.method === 'HEAD') {
        // Headers only: a HEAD must not hang on an endless stream.
        return reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-cache, no-transform').send();
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let seq = 0;
      let closed = false;
      const write = (chunk: string) => {
        if (closed) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          req.log.warn('SSE client too slow; closing its stream');
          cleanup();
          res.destroy();
          return;
        }
        res.write(chunk);
      };
      const send = (event: string, data: unknown) => write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const onHub = (event: string, data: unknown) => send(event, data);
      const filter = req.query as StreamFilter;
      const filtered = Object.keys(filter).length > 0;
      const unsubscribe = store.subscribe((change) => {
        if (!filtered || matchesFilter(change.event, filter)) send(change.kind, change.event);
      });
      hub.on('message', onHub);
      const timer = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      timer.unref();
      function cleanup() {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        unsubscribe();
        hub.off('message', onHub);
      }
      res.on('close', cleanup);
      res.on('error', cleanup);
      req.raw.on('close', cleanup);
      write(`retry: 3000\n: connected\n\n`);
    },
  );
};
