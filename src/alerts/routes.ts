/**
 * Fastify plugin `alertsRoutes`: watch zones, alerts, feeds and webhooks over HTTP.
 *
 *   GET    /api/watch-zones            {zones: Zone[]}   (?format=geojson → FeatureCollection)
 *   POST   /api/watch-zones            zone JSON or a GeoJSON Feature → 201 Zone
 *   DELETE /api/watch-zones/:id        id or name → 204
 *   GET    /api/alerts                 ?limit&zone&kind&since&before_id → {alerts, next_before_id}
 *   GET    /api/feeds                  {feeds: FeedHealth[]}
 *   POST   /api/feeds                  {url, name?, interval_s?} → 201 FeedHealth
 *   DELETE /api/feeds/:id              → 204
 *   GET    /api/webhooks               {webhooks} (secrets are not returned)
 *   POST   /api/webhooks               {url, secret?, zone?} → 201 (secret returned once)
 *   DELETE /api/webhooks/:id           → 204
 *   GET    /api/escalations            ?recent_days=7&baseline_days=56&alpha=0.01&min_events=5&admin1=
 *                                       → {escalations, window_end}   (only when a store is given)
 * Errors are JSON {error, message, statusCode}. Write-token checks are the host server's (its onRequest hook).
 */
import { STATUS_CODES } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ConflictError, type WatchRepository } from './repository.js';
import { formatZodError, parseZoneInput, zonesToGeoJSON } from './zones.js';
import { feedHealth, validateHttpUrl, UsageError } from './commands.js';
import type { Store } from '../store/types.js';
import { fetchEventsSince } from './alerter.js';
import { detectEscalations, escalationHistoryFrom } from './escalation.js';

export interface AlertsRoutesOptions {
  repo: WatchRepository;
  /** Enables GET /api/escalations (reads recent events through the Store). */
  store?: Pick<Store, 'listEvents'>;
}

class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function sendError(reply: FastifyReply, status: number, message: string) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: STATUS_CODES[status] ?? 'Error', message, statusCode: status });
}

function parse<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const r = schema.safeParse(data ?? {});
  if (!r.success) throw new ApiError(400, `${what}: ${formatZodError(r.error)}`);
  return r.data;
}

const AlertsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    zone: z.string().min(1).optional(),
    kind: z.enum(['event', 'escalation']).optional(),
    since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    before_id: z.coerce.number().int().positive().optional(),
  })
  .strict();

const FeedBody = z
  .object({
    url: z.string().min(1).max(2000),
    name: z.string().trim().min(1).max(200).optional(),
    interval_s: z.number().int().min(60).max(7 * 86400).optional(),
  })
  .strict();

const WebhookBody = z
  .object({
    url: z.string().min(1).max(2000),
    secret: z.string().min(16, 'secret must be at least 16 characters').max(256).optional(),
    zone: z.string().min(1).optional(),
  })
  .strict();

const EscalationsQuery = z
  .object({
    recent_days: z.coerce.number().int().min(1).max(90).default(7),
    baseline_days: z.coerce.number().int().min(7).max(365).default(56),
    alpha: z.coerce.number().positive().max(0.5).default(0.01),
    min_events: z.coerce.number().int().min(1).max(10_000).default(5),
    admin1: z.string().min(1).max(200).optional(),
  })
  .strict();

const IdParam = z.object({ id: z.string().min(1).max(300) });
const ZonesQuery = z.object({ format: z.enum(['json', 'geojson']).default('json') }).strict();

export const alertsRoutes: FastifyPluginAsync<AlertsRoutesOptions> = async (app: FastifyInstance, opts) => {
  const { repo } = opts;

  app.setErrorHandler((err, _req, reply) => {
    const e = err as { statusCode?: number; message: string; code?: string };
    let status = e instanceof UsageError ? 400 : (e.statusCode ?? 500);
    if (e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') status = 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) status = 500;
    if (status >= 500) app.log.error({ err }, 'alerts route failed');
    return sendError(reply, status, status >= 500 ? 'internal error; see the server log' : e.message);
  });

  if (opts.store) {
    const store = opts.store;
    app.get('/api/escalations', async (req) => {
      const q = parse(EscalationsQuery, req.query, 'query');
      const now = new Date();
      const eo = { recentDays: q.recent_days, baselineDays: q.baseline_days, alpha: q.alpha, minEvents: q.min_events };
      let events = await fetchEventsSince(store, escalationHistoryFrom(now, eo), q.admin1 ? { admin1: q.admin1 } : {});
      if (q.admin1) events = events.filter((e) => (e.admin1 ?? '').toLowerCase() === q.admin1!.toLowerCase());
      const escalations = detectEscalations(events, { ...eo, now, zones: repo.listZones() });
      return { escalations, window_end: now.toISOString().slice(0, 10) };
    });
  }

  app.get('/api/watch-zones', async (req, reply) => {
    const q = parse(ZonesQuery, req.query, 'query');
    const zones = repo.listZones();
    if (q.format === 'geojson') return reply.type('application/geo+json; charset=utf-8').send(zonesToGeoJSON(zones));
    return { zones };
  });

  app.post('/api/watch-zones', async (req, reply) => {
    let input;
    try {
      input = parseZoneInput(req.body);
    } catch (e) {
      throw new ApiError(400, `invalid watch zone: ${formatZodError(e)}`);
    }
    try {
      return reply.code(201).send(repo.addZone(input));
    } catch (e) {
      if (e instanceof ConflictError) throw new ApiError(409, e.message);
      throw e;
    }
  });

  app.delete('/api/watch-zones/:id', async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    if (!repo.removeZone(id)) throw new ApiError(404, `no watch zone ${JSON.stringify(id)}`);
    return reply.code(204).send();
  });

  app.get('/api/alerts', async (req) => {
    const q = parse(AlertsQuery, req.query, 'query');
    let zone_id: string | undefined;
    if (q.zone) {
      const z0 = repo.getZone(q.zone);
      if (!z0) throw new ApiError(404, `no watch zone ${JSON.stringify(q.zone)}`);
      zone_id = z0.id;
    }
    const alerts = repo.listAlerts({
      limit: q.limit,
      ...(zone_id ? { zone_id } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.since ? { since: new Date(q.since).toISOString() } : {}),
      ...(q.before_id ? { before_id: q.before_id } : {}),
    });
    return { alerts, next_before_id: alerts.length === q.limit ? alerts[alerts.length - 1]!.id : null };
  });

  app.get('/api/feeds', async () => ({ feeds: repo.listFeeds().map(feedHealth) }));

  app.post('/api/feeds', async (req, reply) => {
    const b = parse(FeedBody, req.body, 'body');
    const url = validateHttpUrl(b.url);
    try {
      const feed = repo.addFeed(url, { name: b.name ?? null, interval_s: b.interval_s ?? 900 });
      return reply.code(201).send(feedHealth(feed));
    } catch (e) {
      if (e instanceof ConflictError) throw new ApiError(409, e.message);
      throw e;
    }
  });

  app.delete('/api/feeds/:id', async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    if (!repo.removeFeed(id)) throw new ApiError(404, `no feed ${JSON.stringify(id)}`);
    return reply.code(204).send();
  });

  app.get('/api/webhooks', async () => ({
    webhooks: repo.listWebhooks().map(({ secret: _s, ...h }) => h),
  }));

  app.post('/api/webhooks', async (req, reply) => {
    const b = parse(WebhookBody, req.body, 'body');
    const url = validateHttpUrl(b.url);
    let zoneId: string | null = null;
    if (b.zone) {
      const z0 = repo.getZone(b.zone);
      if (!z0) throw new ApiError(404, `no watch zone ${JSON.stringify(b.zone)}`);
      zoneId = z0.id;
    }
    const secret = b.secret ?? randomBytes(24).toString('hex');
    const h = repo.addWebhook(url, secret, zoneId);
    return reply.code(201).send({ ...h, secret });
  });

  app.delete('/api/webhooks/:id', async (req, reply) => {
    const { id } = parse(IdParam, req.params, 'path');
    if (!/^\d+$/.test(id) || !repo.removeWebhook(Number(id))) throw new ApiError(404, `no webhook ${JSON.stringify(id)}`);
    return reply.code(204).send();
  });
};
