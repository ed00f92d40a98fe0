/**
 * server: the HTTP API and the dashboard host. Owns routing, request validation (zod schemas from
 * src/model), JSON errors, token auth for writes, the SSE stream, exports, the OpenAPI document and
 * static files. Reaches data only through the Store interface and extraction only through Extractor;
 * must not touch the database, the extractor's internals or web/ sources.
 *
 *   const app = await buildServer({ store, extractor });      // fastify.inject() in tests
 *   await serveCommand({ port: 8080, host: '127.0.0.1', store, extractor });
 *
 * One plugin per resource in routes/: events, stats, documents, review, stream, export, meta; the alerts
 * part's routes (watch zones, alerts, feeds, webhooks) when given a repository. Beside them: errors.ts
 * (JSON errors, zod validation), bodies.ts (strict decoding), auth.ts (bearer token on writes), query.ts
 * (filter checks), match.ts (the stream's filter), openapi.ts, static.ts (dashboard, security headers).
 * serveCommand also runs the alerts service (alerter, escalation, feed poller) and prints the URL.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Extractor } from '../extract/types.js';
import type { Store } from '../store/types.js';
import type { WatchRepository } from '../alerts/repository.js';
import { installHostCheck, installTokenAuth, loopbackAllowedHosts } from './auth.js';
import { installBodyParsers } from './bodies.js';
import { errorBody, installErrorHandlers, zodValidatorCompiler } from './errors.js';
import { collectRoutes, methodsForPath, openApiPlugin } from './openapi.js';
import { documentsRoutes } from './routes/documents.js';
import { eventsRoutes } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { metaRoutes } from './routes/meta.js';
import { reviewRoutes } from './routes/review.js';
import { statsRoutes } from './routes/stats.js';
import { StreamHub, streamRoutes } from './routes/stream.js';
import { installDashboard, installSecurityHeaders } from './static.js';

export { StreamHub } from './routes/stream.js';
export { HttpError } from './errors.js';

export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;

export interface ServerOptions {
  store: Store;
  extractor: Extractor;
  /** Folder with the built dashboard (default: web/dist of this checkout). */
  webRoot?: string;
  /** Bearer token required on every write; defaults to env FRONTLINE_TOKEN. Empty means no token. */
  token?: string;
  logger?: boolean;
  /** Largest accepted request body in bytes (default 2 MB); larger bodies get 413. */
  bodyLimit?: number;
  /** Interval of SSE heartbeat comments (default 15 s). */
  heartbeatMs?: number;
  /** Watch zones, alerts, feeds and webhooks routes (src/alerts), backed by this repository. */
  alerts?: { repo: WatchRepository };
  /** Answer only requests whose Host is one of these names (DNS-rebinding guard); serveCommand sets it on loopback. */
  allowedHosts?: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Send a named message to every open /api/stream client (used by alerts). */
    publish(event: string, data: unknown): void;
    /** The live stream's hub (open clients, replay buffer). */
    streamHub: StreamHub;
  }
}

const VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const token = opts.token ?? process.env.FRONTLINE_TOKEN ?? '';
  const app = Fastify({
    logger: opts.logger ?? false,
    forceCloseConnections: true,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // A client has this long to send its whole request (slow-upload protection); responses (SSE) are not limited.
    requestTimeout: 120_000,
    // Malformed URLs and the like, rejected before routing: the same JSON error shape as everything else.
    frameworkErrors: (err, _req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void (reply as FastifyReply).code(status).type('application/json; charset=utf-8').send(errorBody(status, err.message));
    },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandlers(app, { logToStderr: !opts.logger });
  installBodyParsers(app);
  installSecurityHeaders(app);
  const routes = collectRoutes(app);

  // Empty query parameters (?actor=&country=) mean "no filter", as an HTML form sends them.
  app.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown> | undefined;
    if (q && typeof q === 'object') for (const k of Object.keys(q)) if (q[k] === '') delete q[k];
  });

  if (opts.allowedHosts) installHostCheck(app, opts.allowedHosts);
  if (token) installTokenAuth(app, token);

  const hub = new StreamHub();
  const disconnect = hub.connect(opts.store);
  app.addHook('onClose', async () => disconnect());
  app.decorate('publish', (event: string, data: unknown) => hub.publish(event, data));
  app.decorate('streamHub', hub);

  const deps = { store: opts.store, extractor: opts.extractor };
  await app.register(eventsRoutes, deps);
  await app.register(statsRoutes, deps);
  await app.register(documentsRoutes, deps);
  await app.register(reviewRoutes, deps);
  await app.register(streamRoutes, { ...deps, hub, heartbeatMs: opts.heartbeatMs ?? 15_000 });
  await app.register(exportRoutes, deps);
  await app.register(metaRoutes, { ...deps, version: VERSION });
  if (opts.alerts) {
    const { alertsRoutes } = await import('../alerts/routes.js');
    await app.register(alertsRoutes, { repo: opts.alerts.repo, store: opts.store });
  }
  await app.register(openApiPlugin(routes, { version: VERSION, tokenRequired: Boolean(token) }));
  await installDashboard(app, opts.webRoot, methodsForPath(routes));
  return app;
}

export interface ServeOptions {
  port: number;
  host?: string;
  store: Store;
  extractor: Extractor;
  webRoot?: string;
  token?: string;
  logger?: boolean;
  /** Run alerts while serving: watch-zone routes, the alerter on new events, escalation checks (default true). */
  alerts?: boolean;
  /** Poll the configured RSS/Atom feeds while serving (default true; needs alerts). */
  feeds?: boolean;
  /** Watch-zone database (default: env FRONTLINE_WATCH_DB or ./frontline-watch.db). */
  watchDb?: string;
  /** Close the server and the store on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

/**
 * Build, wire alerts (routes, alerter, escalation monitor, feed poller; alerts go to /api/stream), and
 * listen; prints the URL. Returns the app, its URL and a `stop()` that shuts everything down in order.
 */
export async function serveCommand(opts: ServeOptions): Promise<{ app: FastifyInstance; url: string; stop: () => Promise<void> }> {
  const useAlerts = opts.alerts ?? true;
  const alertsMod = useAlerts ? await import('../alerts/index.js') : null;
  const repo = alertsMod ? alertsMod.openWatchRepository(opts.watchDb) : null;
  const host = opts.host ?? '127.0.0.1';
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '::1';
  const { alerts: _a, ...serverOpts } = opts;
  const app = await buildServer({
    ...serverOpts,
    ...(repo ? { alerts: { repo } } : {}),
    ...(loopback ? { allowedHosts: loopbackAllowedHosts() } : {}),
  });
  if (!loopback && !(opts.token ?? process.env.FRONTLINE_TOKEN)) {
    console.error(`frontline: warning: listening on ${host} without FRONTLINE_TOKEN; anyone who can reach this machine can ingest and review`);
  }
  try {
    await app.listen({ port: opts.port, host });
  } catch (err) {
    repo?.close();
    await app.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${opts.port} on ${host} is already in use; choose another with --port (or PORT=…)`);
    if (code === 'EACCES') throw new Error(`no permission to listen on port ${opts.port} on ${host}; use a port above 1023`);
    throw err;
  }
  const service =
    alertsMod && repo
      ? alertsMod.startAlertsService({
          repo,
          store: opts.store,
          ingest: (doc) => opts.store.ingest(doc, (d) => opts.extractor.extract(d)),
          onAlert: (alert) => app.publish('alert', alert),
          feeds: opts.feeds ?? true,
        })
      : null;
  const addr = app.server.address();
  const port = addr && typeof addr === 'object' ? addr.port : opts.port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  // bench/lib/serve.ts and scripts read this line ("serving on http://…").
  console.log(`Frontline is serving on ${url} (API: ${url}api/events, OpenAPI: ${url}api/openapi.json)`);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await service?.stop();
      await app.close();
      repo?.close();
      await opts.store.close();
    })());
  if (opts.handleSignals ?? true) {
    const onSignal = (signal: string) => {
      console.error(`frontline: ${signal}, shutting down`);
      stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  }
  return { app, url, stop };
}
