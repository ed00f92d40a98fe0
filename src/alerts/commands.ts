/**
 * CLI entry points for `frontline feeds|watch|webhooks|alerts` (the CLI parses argv and prints the
 * returned text). Each opens the watch database (opts.watchDb, FRONTLINE_WATCH_DB or ./frontline-watch.db),
 * does one thing, closes it. Bad input throws UsageError (print its message, exit 2); a duplicate name/URL
 * throws ConflictError (exit 1).
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { EVENT_TYPES, type EventType } from '../model/index.js';
import { WatchRepository, type Alert, type Feed } from './repository.js';
import { formatZodError, zoneCandidates, ZoneInputSchema, zonesToGeoJSON, type Zone, type ZoneInput } from './zones.js';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface RepoOpts {
  /** Path of the watch database; or pass an open repository. */
  watchDb?: string;
  repo?: WatchRepository;
}

function withRepo<T>(opts: RepoOpts, f: (repo: WatchRepository) => T): T {
  if (opts.repo) return f(opts.repo);
  const repo = new WatchRepository(opts.watchDb);
  try {
    return f(repo);
  } finally {
    repo.close();
  }
}

/** "90s", "15m", "24h", "7d", "2w" or a bare number of seconds → seconds. */
export function parseDuration(s: string | number): number {
  if (typeof s === 'number') return s;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$/i.exec(s);
  if (!m) throw new UsageError(`not a duration: "${s}" (use e.g. 90s, 15m, 24h, 7d, 2w)`);
  const mult = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[(m[2] ?? 's').toLowerCase() as 's']!;
  return Number(m[1]) * mult;
}

// ---- feeds ----

export interface FeedsAddOptions extends RepoOpts {
  name?: string;
  /** Poll interval: seconds or a duration such as "15m" (default 15m, at least 60 s). */
  interval?: string | number;
}

export function validateHttpUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`not a URL: "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`only http and https URLs are accepted, not ${u.protocol}`);
  return u.href;
}

export function feedsAddCommand(url: string, opts: FeedsAddOptions = {}): string {
  const href = validateHttpUrl(url);
  const interval = Math.round(parseDuration(opts.interval ?? '15m'));
  if (interval < 60) throw new UsageError('the poll interval must be at least 60 s');
  const feed = withRepo(opts, (r) => r.addFeed(href, { name: opts.name ?? null, interval_s: interval }));
  return `added feed ${feed.id}: ${feed.url} (every ${formatSeconds(feed.interval_s)}; polled by \`frontline serve\`)`;
}

export function feedsListCommand(opts: RepoOpts & { json?: boolean } = {}): string {
  const feeds = withRepo(opts, (r) => r.listFeeds());
  if (opts.json) return JSON.stringify(feeds.map(feedHealth), null, 2);
  if (!feeds.length) return 'no feeds; add one with `frontline feeds add URL`';
  return feeds
    .map((f) => {
      const h = feedHealth(f);
      return [
        `${f.id}  ${f.url}${f.name ? `  (${f.name})` : ''}`,
        `    status ${h.status}, every ${formatSeconds(f.interval_s)}, next poll ${f.next_poll_at}`,
        `    last ok ${f.last_ok_at ?? 'never'}; items seen ${f.items_seen}, ingested ${f.items_ingested}` +
          (f.items_given_up ? `, given up ${f.items_given_up}` : ''),
        ...(f.last_error ? [`    last error ${f.last_error_at}: ${f.last_error}`] : []),
      ].join('\n');
    })
    .join('\n');
}

export function feedsRmCommand(idOrUrl: string, opts: RepoOpts = {}): string {
  const ok = withRepo(opts, (r) => r.removeFeed(idOrUrl));
  if (!ok) throw new UsageError(`no feed ${idOrUrl}`);
  return `removed feed ${idOrUrl}`;
}

export type FeedStatus = 'ok' | 'failing' | 'pending';

/** The public view of a feed's health (API and CLI). */
export function feedHealth(f: Feed) {
  const status: FeedStatus = f.consecutive_failures > 0 ? 'failing' : f.last_ok_at ? 'ok' : 'pending';
  return {
    id: f.id,
    url: f.url,
    name: f.name,
    interval_s: f.interval_s,
    status,
    last_ok_at: f.last_ok_at,
    last_error: f.last_error,
    last_error_at: f.last_error_at,
    last_status: f.last_status,
    consecutive_failures: f.consecutive_failures,
    next_poll_at: f.next_poll_at,
    items_seen: f.items_seen,
    items_ingested: f.items_ingested,
    items_given_up: f.items_given_up,
    created_at: f.created_at,
  };
}
export type FeedHealth = ReturnType<typeof feedHealth>;

function formatSeconds(s: number): string {
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

// ---- watch zones ----

export interface WatchAddOptions extends RepoOpts {
  name?: string;
  /** "lat,lon" for a point zone. */
  point?: string;
  /** A GeoJSON file: Feature, FeatureCollection (adds every feature) or bare geometry (needs name). */
  file?: string;
  /** Inline GeoJSON geometry or Feature text. */
  geojson?: string;
  /** Radius (point) or buffer (line) in km. */
  radius?: string | number;
  /** Comma-separated event types. */
  types?: string;
  actor?: string;
  minFatalities?: string | number;
  description?: string;
}

function buildFilters(o: WatchAddOptions): ZoneInput['filters'] | undefined {
  const f: NonNullable<ZoneInput['filters']> = {};
  if (o.types) {
    const types = o.types.split(',').map((t) => t.trim()).filter(Boolean);
    for (const t of types) {
      if (!(EVENT_TYPES as readonly string[]).includes(t)) {
        throw new UsageError(`unknown event type "${t}"; one of: ${EVENT_TYPES.join(', ')}`);
      }
    }
    f.event_types = types as EventType[];
  }
  if (o.actor) f.actor = o.actor;
  if (o.minFatalities !== undefined) {
    const n = Number(o.minFatalities);
    if (!Number.isInteger(n) || n < 0) throw new UsageError('--min-fatalities must be a whole number ≥ 0');
    f.min_fatalities = n;
  }
  return Object.keys(f).length ? f : undefined;
}

/** Zone inputs from CLI options, validated (throws UsageError with the reason). */
export function zoneInputsFromOptions(o: WatchAddOptions): ZoneInput[] {
  const radius = o.radius === undefined ? undefined : Number(o.radius);
  if (radius !== undefined && !(Number.isFinite(radius) && radius >= 0)) throw new UsageError('--radius must be a number of km');
  const filters = buildFilters(o);
  const sources = [o.point, o.file, o.geojson].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError('give exactly one of --point LAT,LON, --file PATH.geojson or --geojson TEXT');

  let candidates: Record<string, unknown>[];
  if (o.point !== undefined) {
    const parts = o.point.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) throw new UsageError('--point must be LAT,LON');
    if (!o.name) throw new UsageError('a point zone needs --name');
    candidates = [{ name: o.name, geometry: { type: 'Point', coordinates: [parts[1]!, parts[0]!] } }];
  } else {
    const text = o.file !== undefined ? readText(o.file) : o.geojson!;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`not valid JSON${o.file ? ` in ${o.file}` : ''}: ${(e as Error).message}`);
    }
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && ['Point', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'].includes(type)) {
      if (!o.name) throw new UsageError('a bare GeoJSON geometry needs --name');
      raw = { type: 'Feature', geometry: raw, properties: {} };
    }
    try {
      candidates = zoneCandidates(raw);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (o.name && candidates.length > 1) throw new UsageError('--name applies to a single zone, not a collection');
  }
  // CLI options override what the file says.
  return candidates.map((c, i) => {
    const merged: Record<string, unknown> = { ...c };
    if (o.name) merged.name = o.name;
    if (radius !== undefined) merged.radius_km = radius;
    if (filters) merged.filters = { ...(c.filters as object | undefined), ...filters };
    if (o.description) merged.description = o.description;
    const r = ZoneInputSchema.safeParse(merged);
    if (!r.success) {
      const label = typeof merged.name === 'string' ? `"${merged.name}"` : `#${i + 1}`;
      throw new UsageError(`invalid zone ${label}: ${formatZodError(r.error)}`);
    }
    return r.data;
  });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export function watchAddCommand(opts: WatchAddOptions): string {
  const inputs = zoneInputsFromOptions(opts);
  const zones = withRepo(opts, (r) => r.db.transaction(() => inputs.map((i) => r.addZone(i)))());
  return zones.map((z) => `added watch zone "${z.name}" (${describeZone(z)}) id ${z.id}`).join('\n');
}

export function describeZone(z: Zone): string {
  const g = z.geometry;
  const filters = [
    z.filters.event_types ? `types ${z.filters.event_types.join(', ')}` : null,
    z.filters.actor ? `actor ~ "${z.filters.actor}"` : null,
    z.filters.min_fatalities !== undefined ? `≥${z.filters.min_fatalities} killed` : null,
  ].filter(Boolean);
  const shape =
    g.type === 'Point'
      ? `${z.radius_km} km around ${g.coordinates[1].toFixed(4)},${g.coordinates[0].toFixed(4)}`
      : g.type.endsWith('LineString')
        ? `${z.radius_km} km either side of a line`
        : `polygon${z.radius_km ? ` + ${z.radius_km} km` : ''}`;
  return shape + (filters.length ? `; ${filters.join(', ')}` : '');
}

export function watchListCommand(opts: RepoOpts & { json?: boolean; geojson?: boolean } = {}): string {
  const zones = withRepo(opts, (r) => r.listZones());
  if (opts.geojson) return JSON.stringify(zonesToGeoJSON(zones), null, 2);
  if (opts.json) return JSON.stringify(zones, null, 2);
  if (!zones.length) return 'no watch zones; add one with `frontline watch add --name NAME --point LAT,LON --radius KM`';
  return zones.map((z) => `${z.id}  ${z.name}: ${describeZone(z)}`).join('\n');
}

export function watchRmCommand(idOrName: string, opts: RepoOpts = {}): string {
  const ok = withRepo(opts, (r) => r.removeZone(idOrName));
  if (!ok) throw new UsageError(`no watch zone "${idOrName}"`);
  return `removed watch zone "${idOrName}"`;
}

// ---- webhooks and alerts ----

export function webhooksAddCommand(url: string, opts: RepoOpts & { secret?: string; zone?: string } = {}): string {
  const href = validateHttpUrl(url);
  return withRepo(opts, (r) => {
    let zoneId: string | null = null;
    if (opts.zone) {
      const z = r.getZone(opts.zone);
      if (!z) throw new UsageError(`no watch zone "${opts.zone}"`);
      zoneId = z.id;
    }
    const secret = opts.secret ?? randomBytes(24).toString('hex');
    const h = r.addWebhook(href, secret, zoneId);
    return `added webhook ${h.id}: ${h.url}${opts.zone ? ` (zone ${opts.zone})` : ' (all zones)'}\n` +
      `secret: ${secret}\nverify: X-Frontline-Signature = "sha256=" + hex(HMAC-SHA256(secret, raw body))`;
  });
}

export function webhooksListCommand(opts: RepoOpts = {}): string {
  const hooks = withRepo(opts, (r) => r.listWebhooks());
  if (!hooks.length) return 'no webhooks';
  return hooks.map((h) => `${h.id}  ${h.url}${h.zone_id ? `  zone ${h.zone_id}` : ''}`).join('\n');
}

export function webhooksRmCommand(id: string, opts: RepoOpts = {}): string {
  if (!/^\d+$/.test(id)) throw new UsageError('webhook id must be a number');
  const ok = withRepo(opts, (r) => r.removeWebhook(Number(id)));
  if (!ok) throw new UsageError(`no webhook ${id}`);
  return `removed webhook ${id}`;
}

export function alertsListCommand(opts: RepoOpts & { limit?: number; zone?: string; since?: string; json?: boolean } = {}): string {
  const alerts: Alert[] = withRepo(opts, (r) => {
    let zone_id: string | undefined;
    if (opts.zone) {
      const z = r.getZone(opts.zone);
      if (!z) throw new UsageError(`no watch zone "${opts.zone}"`);
      zone_id = z.id;
    }
    const since = opts.since ? new Date(Date.now() - parseDuration(opts.since) * 1000).toISOString() : undefined;
    return r.listAlerts({ limit: opts.limit ?? 50, ...(zone_id ? { zone_id } : {}), ...(since ? { since } : {}) });
  });
  if (opts.json) return JSON.stringify(alerts, null, 2);
  if (!alerts.length) return 'no alerts';
  return alerts.map((a) => `${a.created_at}  [${a.kind}] ${a.message}`).join('\n');
}
