/**
 * GET /api/stream: Server-Sent Events. Each stored-event change arrives as `event: created|updated|deleted`
 * with the StoredEvent as JSON data; other parts (alerts) publish their own event names through
 * `app.publish(name, data)`. The /api/events filters (but q) narrow the event messages.
 *
 * One StreamHub per server subscribes to the store once and numbers every message; it keeps the last
 * REPLAY_SIZE messages so a client that reconnects with `Last-Event-ID` (EventSource does this by itself)
 * gets what it missed. A comment line every `heartbeatMs` keeps proxies from closing the stream. The reply
 * is hijacked; listeners and timers are removed when the client goes away.
 */
import { EventEmitter } from 'node:events';
import type { FastifyPluginAsync } from 'fastify';
import type { StoredEvent } from '../../model/index.js';
import type { Store } from '../../store/types.js';
import type { RouteDeps } from './deps.js';
import { SECURITY_HEADERS } from '../static.js';
import { matchesFilter, type StreamFilter } from '../match.js';
import { StreamQuery } from '../query.js';

export interface StreamMessage {
  id: number;
  event: string;
  data: unknown;
}

const EVENT_KINDS = new Set(['created', 'updated', 'deleted']);
export const REPLAY_SIZE = 500;

/** In-process fan-out of numbered messages to every open stream, with a short replay buffer. */
export class StreamHub extends EventEmitter {
  private seq = 0;
  private readonly recent: StreamMessage[] = [];
  /** Identifies this hub's numbering: ids from another server run are not replayed. */
  readonly epoch = Date.now().toString(36);

  constructor(private readonly replaySize = REPLAY_SIZE) {
    super();
    this.setMaxListeners(0);
  }

  publish(event: string, data: unknown): void {
    if (!/^[A-Za-z0-9_.:-]+$/.test(event)) throw new Error(`bad SSE event name ${JSON.stringify(event)}`);
    const msg: StreamMessage = { id: ++this.seq, event, data };
    this.recent.push(msg);
    if (this.recent.length > this.replaySize) this.recent.shift();
    this.emit('message', msg);
  }

  /** Messages after `lastId` still in the buffer (all of them if the gap is larger than the buffer). */
  since(lastId: number): StreamMessage[] {
    return this.recent.filter((m) => m.id > lastId);
  }

  /** Feed the store's changes into the hub; returns the unsubscribe function. */
  connect(store: Store): () => void {
    return store.subscribe((change) => this.publish(change.kind, change.event));
  }

  get clients(): number {
    return this.listenerCount('message');
  }
}

/** A client that stopped reading is dropped once this much is queued for it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export const streamRoutes: FastifyPluginAsync<RouteDeps & { hub: StreamHub; heartbeatMs: number }> = async (
  app,
  { hub, heartbeatMs },
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
            `so an unfiltered client also hears of rejections. Reconnecting with Last-Event-ID replays up to ${REPLAY_SIZE} missed messages.`,
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
      const filter = req.query as StreamFilter;
      const filtered = Object.keys(filter).length > 0;
      const wanted = (m: StreamMessage) => !filtered || !EVENT_KINDS.has(m.event) || matchesFilter(m.data as StoredEvent, filter);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
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
      const send = (m: StreamMessage) => {
        if (wanted(m)) write(`id: ${hub.epoch}-${m.id}\nevent: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`);
      };
      const timer = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      timer.unref();
      function cleanup() {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        hub.off('message', send);
      }
      res.on('close', cleanup);
      res.on('error', cleanup);
      req.raw.on('close', cleanup);
      write(`retry: 3000\n: connected\n\n`);
      // Replay what a reconnecting client missed (only ids of this server run), then go live.
      const last = /^([0-9a-z]+)-(\d+)$/.exec(String(req.headers['last-event-id'] ?? ''));
      if (last && last[1] === hub.epoch) for (const m of hub.since(Number(last[2]))) send(m);
      hub.on('message', send);
    },
  );
};
