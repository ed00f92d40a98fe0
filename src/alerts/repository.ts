/**
 * WatchRepository: the alerts module's own small SQLite file (better-sqlite3, default ./frontline-watch.db,
 * or FRONTLINE_WATCH_DB) holding watch zones, alerts, feeds (with health and seen items) and webhooks.
 * It is separate from the event Store on purpose, so it works the same whichever Store (SQLite or
 * PostgreSQL) holds the events. All methods are synchronous (better-sqlite3) and short.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Zone, ZoneInput } from './zones.js';

export const DEFAULT_WATCH_DB = './frontline-watch.db';

export type AlertKind = 'event' | 'escalation';

export interface Alert {
  id: number;
  kind: AlertKind;
  zone_id: string | null;
  zone_name: string | null;
  /** For escalations: the area ("Idlib", or the zone name) the signal is about. */
  area: string | null;
  event_id: string | null;
  change: 'created' | 'updated' | null;
  message: string;
  distance_km: number | null;
  /** The event (for kind=event) or the escalation numbers (for kind=escalation). */
  data: Record<string, unknown>;
  created_at: string;
}

export interface NewAlert {
  dedupe_key: string;
  kind: AlertKind;
  zone_id?: string | null;
  zone_name?: string | null;
  area?: string | null;
  event_id?: string | null;
  change?: 'created' | 'updated' | null;
  message: string;
  distance_km?: number | null;
  data: Record<string, unknown>;
  created_at?: string;
}

export interface Feed {
  id: number;
  url: string;
  name: string | null;
  interval_s: number;
  etag: string | null;
  last_modified: string | null;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  last_status: number | null;
  consecutive_failures: number;
  next_poll_at: string;
  items_seen: number;
  items_ingested: number;
  /** Items set aside after repeated failed ingests (see feed_item_failures). */
  items_given_up: number;
  created_at: string;
}

export interface Webhook {
  id: number;
  url: string;
  secret: string;
  zone_id: string | null;
  created_at: string;
}

export interface WebhookDelivery {
  id: number;
  webhook_id: number;
  alert_id: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  updated_at: string;
}

const MIGRATIONS: string[] = [
  `CREATE TABLE zones (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     geometry TEXT NOT NULL,
     radius_km REAL NOT NULL,
     filters TEXT NOT NULL,
     description TEXT,
     created_at TEXT NOT NULL
   );
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     dedupe_key TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL CHECK (kind IN ('event','escalation')),
     zone_id TEXT,
     zone_name TEXT,
     area TEXT,
     event_id TEXT,
     change TEXT,
     message TEXT NOT NULL,
     distance_km REAL,
     data TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX alerts_created ON alerts(created_at);
   CREATE INDEX alerts_zone ON alerts(zone_id, created_at);
   CREATE TABLE feeds (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     url TEXT NOT NULL UNIQUE,
     name TEXT,
     interval_s INTEGER NOT NULL,
     etag TEXT,
     last_modified TEXT,
     last_ok_at TEXT,
     last_error TEXT,
     last_error_at TEXT,
     last_status INTEGER,
     consecutive_failures INTEGER NOT NULL DEFAULT 0,
     next_poll_at TEXT NOT NULL,
     items_seen INTEGER NOT NULL DEFAULT 0,
     items_ingested INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL
   );
   CREATE TABLE feed_items (
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     guid TEXT NOT NULL,
     url TEXT,
     document_id TEXT,
     seen_at TEXT NOT NULL,
     PRIMARY KEY (feed_id, guid)
   );
   CREATE TABLE webhooks (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     url TEXT NOT NULL,
     secret TEXT NOT NULL,
     zone_id TEXT REFERENCES zones(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL
   );
   CREATE TABLE webhook_deliveries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
     alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     last_status INTEGER,
     last_error TEXT,
     updated_at TEXT NOT NULL,
     UNIQUE (webhook_id, alert_id)
   );`,
  `CREATE TABLE feed_item_failures (
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     guid TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     last_error TEXT NOT NULL,
     gave_up INTEGER NOT NULL DEFAULT 0,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (feed_id, guid)
   );`,
];

const FEED_SELECT = `SELECT f.*, (SELECT COUNT(*) FROM feed_item_failures x WHERE x.feed_id = f.id AND x.gave_up = 1) AS items_given_up
  FROM feeds f`;

interface ZoneRow {
  id: string;
  name: string;
  geometry: string;
  radius_km: number;
  filters: string;
  description: string | null;
  created_at: string;
}
interface AlertRow extends Omit<Alert, 'data' | 'kind' | 'change'> {
  kind: string;
  change: string | null;
  data: string;
}

function rowToZone(r: ZoneRow): Zone {
  return {
    id: r.id,
    name: r.name,
    geometry: JSON.parse(r.geometry),
    radius_km: r.radius_km,
    filters: JSON.parse(r.filters),
    description: r.description,
    created_at: r.created_at,
  };
}
function rowToAlert(r: AlertRow): Alert {
  return { ...r, kind: r.kind as AlertKind, change: r.change as Alert['change'], data: JSON.parse(r.data) };
}

export interface AlertQuery {
  zone_id?: string;
  kind?: AlertKind;
  /** ISO timestamp: alerts created at or after. */
  since?: string;
  /** Alerts with id below this (pagination, newest first). */
  before_id?: number;
  limit?: number;
}

export class WatchRepository {
  readonly db: Database.Database;
  readonly path: string;
  private zoneCache: Zone[] | null = null;
  private zoneCacheVersion = -1;

  constructor(path: string = process.env.FRONTLINE_WATCH_DB || DEFAULT_WATCH_DB) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- zones ----

  addZone(input: ZoneInput, now = new Date()): Zone {
    const zone: Zone = {
      id: randomUUID(),
      name: input.name,
      geometry: input.geometry,
      radius_km: input.radius_km ?? 0,
      filters: input.filters ?? {},
      description: input.description ?? null,
      created_at: now.toISOString(),
    };
    try {
      this.db
        .prepare(
          `INSERT INTO zones (id, name, geometry, radius_km, filters, description, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(zone.id, zone.name, JSON.stringify(zone.geometry), zone.radius_km, JSON.stringify(zone.filters),
          zone.description, zone.created_at);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new ConflictError(`a watch zone named "${input.name}" already exists`);
      }
      throw e;
    }
    this.zoneCache = null;
    return zone;
  }

  listZones(): Zone[] {
    // Another process (the CLI while `serve` runs) may have changed the zones: SQLite's data_version
    // moves when another connection commits, so the cache is dropped then.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.zoneCacheVersion) {
      this.zoneCache = null;
      this.zoneCacheVersion = version;
    }
    if (!this.zoneCache) {
      this.zoneCache = (this.db.prepare('SELECT * FROM zones ORDER BY rowid').all() as ZoneRow[]).map(rowToZone);
    }
    return this.zoneCache;
  }

  /** By id, or by name (case-insensitive). */
  getZone(idOrName: string): Zone | null {
    const r = this.db.prepare('SELECT * FROM zones WHERE id = ? OR name = ? COLLATE NOCASE').get(idOrName, idOrName) as
      | ZoneRow
      | undefined;
    return r ? rowToZone(r) : null;
  }

  /** By id or name. True if a zone was removed (its alerts stay, for the record). */
  removeZone(idOrName: string): boolean {
    const zone = this.getZone(idOrName);
    if (!zone) return false;
    this.db.prepare('DELETE FROM zones WHERE id = ?').run(zone.id);
    this.zoneCache = null;
    return true;
  }

  // ---- alerts ----

  /** Insert an alert unless one with the same dedupe key exists. Returns the new alert, or null if it already existed. */
  insertAlert(a: NewAlert): Alert | null {
    const created_at = a.created_at ?? new Date().toISOString();
    const res = this.db
      .prepare(
        `INSERT OR IGNORE INTO alerts (dedupe_key, kind, zone_id, zone_name, area, event_id, change, message, distance_km, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.dedupe_key, a.kind, a.zone_id ?? null, a.zone_name ?? null, a.area ?? null, a.event_id ?? null,
        a.change ?? null, a.message, a.distance_km ?? null, JSON.stringify(a.data), created_at);
    if (res.changes === 0) return null;
    return this.getAlert(Number(res.lastInsertRowid));
  }

  hasAlert(dedupeKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM alerts WHERE dedupe_key = ?').get(dedupeKey) !== undefined;
  }

  getAlert(id: number): Alert | null {
    const r = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return r ? rowToAlert(r) : null;
  }

  /** Newest first. */
  listAlerts(q: AlertQuery = {}): Alert[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.zone_id) (where.push('zone_id = ?'), args.push(q.zone_id));
    if (q.kind) (where.push('kind = ?'), args.push(q.kind));
    if (q.since) (where.push('created_at >= ?'), args.push(q.since));
    if (q.before_id !== undefined) (where.push('id < ?'), args.push(q.before_id));
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 1000);
    const sql = `SELECT * FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as AlertRow[]).map(rowToAlert);
  }

  // ---- feeds ----

  addFeed(url: string, opts: { name?: string | null; interval_s?: number } = {}, now = new Date()): Feed {
    const interval = opts.interval_s ?? 900;
    try {
      const res = this.db
        .prepare(`INSERT INTO feeds (url, name, interval_s, next_poll_at, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(url, opts.name ?? null, interval, now.toISOString(), now.toISOString());
      return this.getFeed(Number(res.lastInsertRowid))!;
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new ConflictError(`feed already registered: ${url}`);
      throw e;
    }
  }

  getFeed(idOrUrl: number | string): Feed | null {
    const r =
      typeof idOrUrl === 'number' || /^\d+$/.test(idOrUrl)
        ? this.db.prepare(`${FEED_SELECT} WHERE f.id = ?`).get(Number(idOrUrl))
        : this.db.prepare(`${FEED_SELECT} WHERE f.url = ?`).get(idOrUrl);
    return (r as Feed | undefined) ?? null;
  }

  listFeeds(): Feed[] {
    return this.db.prepare(`${FEED_SELECT} ORDER BY f.id`).all() as Feed[];
  }

  removeFeed(idOrUrl: number | string): boolean {
    const f = this.getFeed(idOrUrl);
    if (!f) return false;
    this.db.prepare('DELETE FROM feeds WHERE id = ?').run(f.id);
    return true;
  }

  dueFeeds(now = new Date()): Feed[] {
    return this.db.prepare(`${FEED_SELECT} WHERE f.next_poll_at <= ? ORDER BY f.next_poll_at`).all(now.toISOString()) as Feed[];
  }

  /** Soonest next_poll_at among all feeds, or null without feeds. */
  nextPollAt(): string | null {
    const r = this.db.prepare('SELECT MIN(next_poll_at) AS t FROM feeds').get() as { t: string | null };
    return r.t;
  }

  updateFeed(id: number, patch: Partial<Omit<Feed, 'id' | 'url' | 'created_at'>>): void {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (!keys.length) return;
    const allowed = new Set([
      'name', 'interval_s', 'etag', 'last_modified', 'last_ok_at', 'last_error', 'last_error_at', 'last_status',
      'consecutive_failures', 'next_poll_at', 'items_seen', 'items_ingested',
    ]);
    for (const k of keys) if (!allowed.has(k)) throw new Error(`unknown feed column ${k}`);
    this.db
      .prepare(`UPDATE feeds SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...patch, id });
  }

  isItemSeen(feedId: number, guid: string): boolean {
    return this.db.prepare('SELECT 1 FROM feed_items WHERE feed_id = ? AND guid = ?').get(feedId, guid) !== undefined;
  }

  markItemSeen(feedId: number, guid: string, url: string | null, documentId: string | null, now = new Date()): void {
    this.db
      .prepare('INSERT OR IGNORE INTO feed_items (feed_id, guid, url, document_id, seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(feedId, guid, url, documentId, now.toISOString());
  }

  /** Count one more failed ingest of an item; returns the attempts so far. */
  recordItemFailure(feedId: number, guid: string, error: string, giveUpAfter: number, now = new Date()): number {
    const row = this.db
      .prepare(
        `INSERT INTO feed_item_failures (feed_id, guid, attempts, last_error, updated_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT (feed_id, guid) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error,
           updated_at = excluded.updated_at
         RETURNING attempts`,
      )
      .get(feedId, guid, error.slice(0, 1000), now.toISOString()) as { attempts: number };
    if (row.attempts >= giveUpAfter) {
      this.db.prepare('UPDATE feed_item_failures SET gave_up = 1 WHERE feed_id = ? AND guid = ?').run(feedId, guid);
    }
    return row.attempts;
  }

  /** Items whose ingest failed (given up or still being retried), newest first. */
  listItemFailures(feedId?: number): { feed_id: number; guid: string; attempts: number; last_error: string; gave_up: number; updated_at: string }[] {
    return (feedId === undefined
      ? this.db.prepare('SELECT * FROM feed_item_failures ORDER BY updated_at DESC').all()
      : this.db.prepare('SELECT * FROM feed_item_failures WHERE feed_id = ? ORDER BY updated_at DESC').all(feedId)) as never;
  }

  // ---- webhooks ----

  addWebhook(url: string, secret: string, zoneId: string | null = null, now = new Date()): Webhook {
    const res = this.db
      .prepare('INSERT INTO webhooks (url, secret, zone_id, created_at) VALUES (?, ?, ?, ?)')
      .run(url, secret, zoneId, now.toISOString());
    return this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(Number(res.lastInsertRowid)) as Webhook;
  }

  listWebhooks(): Webhook[] {
    return this.db.prepare('SELECT * FROM webhooks ORDER BY id').all() as Webhook[];
  }

  removeWebhook(id: number): boolean {
    return this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
  }

  /** Webhooks that receive an alert: global ones, plus those bound to the alert's zone. */
  webhooksFor(zoneId: string | null): Webhook[] {
    return this.db
      .prepare('SELECT * FROM webhooks WHERE zone_id IS NULL OR zone_id = ? ORDER BY id')
      .all(zoneId) as Webhook[];
  }

  /** Create or update the delivery record of (webhook, alert); returns its id (the X-Frontline-Delivery header). */
  recordDelivery(webhookId: number, alertId: number, d: Pick<WebhookDelivery, 'status' | 'attempts' | 'last_status' | 'last_error'>): number {
    const row = this.db
      .prepare(
        `INSERT INTO webhook_deliveries (webhook_id, alert_id, status, attempts, last_status, last_error, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (webhook_id, alert_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
           last_status = excluded.last_status, last_error = excluded.last_error, updated_at = excluded.updated_at
         RETURNING id`,
      )
      .get(webhookId, alertId, d.status, d.attempts, d.last_status, d.last_error, new Date().toISOString()) as { id: number };
    return row.id;
  }

  /** Deliveries not finished (for resuming after a restart), with their webhook and alert. */
  pendingDeliveries(): { delivery: WebhookDelivery; webhook: Webhook; alert: Alert }[] {
    const rows = this.db.prepare(`SELECT * FROM webhook_deliveries WHERE status = 'pending' ORDER BY id`).all() as WebhookDelivery[];
    const out: { delivery: WebhookDelivery; webhook: Webhook; alert: Alert }[] = [];
    for (const d of rows) {
      const webhook = this.db.prepare('SELECT * FROM webhooks WHERE id = ?').get(d.webhook_id) as Webhook | undefined;
      const alert = this.getAlert(d.alert_id);
      if (webhook && alert) out.push({ delivery: d, webhook, alert });
    }
    return out;
  }

  listDeliveries(alertId?: number): WebhookDelivery[] {
    return (alertId === undefined
      ? this.db.prepare('SELECT * FROM webhook_deliveries ORDER BY id').all()
      : this.db.prepare('SELECT * FROM webhook_deliveries WHERE alert_id = ? ORDER BY id').all(alertId)) as WebhookDelivery[];
  }
}

/** A uniqueness conflict (zone name, feed URL): HTTP 409, CLI exit 1. */
export class ConflictError extends Error {
  readonly statusCode = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export function openWatchRepository(path?: string): WatchRepository {
  return new WatchRepository(path);
}
