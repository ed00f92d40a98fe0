/**
 * The alerter: turns event changes into alerts. `handle(change)` is called for each created/updated
 * event (wire it to Store.subscribe); an event inside a zone that passes the zone's filters raises one
 * alert per (zone, event), ever: the alerts table's unique dedupe key makes that hold across restarts.
 * New alerts go to the `onAlert` listener (the server's SSE stream) and to webhooks, both after the
 * caller has returned (never blocking ingest, never throwing into it).
 * `checkEscalations(events)` raises escalation alerts, at most once per area, group and day.
 */
import type { EventChange, Store } from '../store/types.js';
import type { StoredEvent } from '../model/index.js';
import type { Alert, WatchRepository } from './repository.js';
import { matchEvent, type Zone } from './zones.js';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookOptions } from './webhooks.js';
import { detectEscalations, escalationHistoryFrom, isoDay, type DetectOptions, type Escalation } from './escalation.js';

export interface AlerterOptions {
  repo: WatchRepository;
  /** Called (asynchronously) with every new alert. */
  onAlert?: (alert: Alert) => void;
  webhooks?: WebhookOptions | false;
  /** Reports errors that were swallowed to protect the caller. Default: console.error. */
  onError?: (err: unknown) => void;
}

export interface Alerter {
  /** Check one change against all zones; returns the alerts it created (already persisted). Never throws. */
  handle(change: EventChange): Alert[];
  /** Test escalation for every admin1 area and zone; raises and returns new escalation alerts. */
  checkEscalations(events: readonly StoredEvent[], opts?: DetectOptions): { escalations: Escalation[]; alerts: Alert[] };
  /** Resolve when queued deliveries (listener and webhooks) are done. */
  idle(): Promise<void>;
  close(): void;
}

/** A short one-line description of an event for alert messages. */
export function describeEvent(e: StoredEvent): string {
  const who = e.actor2 ? `${e.actor1} vs ${e.actor2}` : e.actor1;
  const fat = e.fatalities ? `, ${e.fatalities}${e.fatalities_approximate ? '+' : ''} killed` : '';
  return `${e.sub_event_type} in ${e.location}${e.admin1 ? ` (${e.admin1})` : ''} on ${e.event_date ?? 'unknown date'}: ${who}${fat}`;
}

/** "4.9 km from the point", "2.1 km from the line", "inside", "1.3 km outside the edge". */
export function wherePhrase(zone: Zone, km: number): string {
  const t = zone.geometry.type;
  if (t === 'Point') return `${km.toFixed(1)} km away`;
  if (t === 'LineString' || t === 'MultiLineString') return `${km.toFixed(1)} km from the line`;
  return km === 0 ? 'inside the area' : `${km.toFixed(1)} km outside its edge`;
}

export function createAlerter(opts: AlerterOptions): Alerter {
  const { repo } = opts;
  const onError = opts.onError ?? ((e: unknown) => console.error('[alerts]', e));
  const dispatcher: WebhookDispatcher | null = opts.webhooks === false ? null : createWebhookDispatcher(repo, opts.webhooks || {});
  let pendingListener = 0;
  let waiters: (() => void)[] = [];

  const deliver = (alert: Alert) => {
    if (opts.onAlert) {
      pendingListener++;
      setImmediate(() => {
        try {
          opts.onAlert!(alert);
        } catch (e) {
          onError(e);
        }
        pendingListener--;
        if (pendingListener === 0) {
          const w = waiters;
          waiters = [];
          w.forEach((f) => f());
        }
      });
    }
    dispatcher?.enqueue(alert);
  };

  return {
    handle(change) {
      if (change.kind !== 'created' && change.kind !== 'updated') return [];
      const created: Alert[] = [];
      try {
        const ev = change.event;
        for (const zone of repo.listZones()) {
          const m = matchEvent(zone, ev);
          if (!m) continue;
          const alert = repo.insertAlert({
            dedupe_key: `event|${zone.id}|${ev.event_id_cnty}`,
            kind: 'event',
            zone_id: zone.id,
            zone_name: zone.name,
            area: ev.admin1,
            event_id: ev.event_id_cnty,
            change: change.kind,
            message: `${zone.name}: ${describeEvent(ev)} — ${wherePhrase(zone, m.distance_km)}`,
            distance_km: Math.round(m.distance_km * 1000) / 1000,
            data: { event: ev },
          });
          if (alert) {
            created.push(alert);
            deliver(alert);
          }
        }
      } catch (e) {
        onError(e);
      }
      return created;
    },

    checkEscalations(events, dopts = {}) {
      const escalations = detectEscalations(events, { zones: repo.listZones(), ...dopts });
      const alerts: Alert[] = [];
      for (const esc of escalations) {
        const alert = repo.insertAlert({
          dedupe_key: `escalation|${esc.scope}|${esc.zone_id ?? esc.country + '/' + esc.area}|${esc.group.level}:${esc.group.value}|${esc.window_end}`,
          kind: 'escalation',
          zone_id: esc.zone_id,
          zone_name: esc.scope === 'zone' ? esc.area : null,
          area: esc.area,
          message: esc.message,
          data: { ...esc },
        });
        if (alert) {
          alerts.push(alert);
          deliver(alert);
        }
      }
      return { escalations, alerts };
    },

    async idle() {
      if (pendingListener > 0) await new Promise<void>((r) => waiters.push(r));
      await dispatcher?.idle();
    },

    close() {
      dispatcher?.stop();
    },
  };
}

/** Subscribe the alerter to a Store's created/updated events. Returns the unsubscribe function. */
export function connectAlerter(store: Pick<Store, 'subscribe'>, alerter: Alerter): () => void {
  return store.subscribe((change) => {
    alerter.handle(change);
  });
}

/**
 * Catch events that reached the Store from another process (`frontline ingest` against the database
 * `serve` uses; Store.subscribe only reports changes made in this process). Every `intervalMs` (default
 * 60 s) it lists the events dated in the last `days` days (default 14) and hands those created or
 * updated since the previous sweep to the alerter; the alert dedupe key makes an event already alerted
 * live a no-op.
 */
export function startAlertSweep(opts: {
  store: Pick<Store, 'listEvents'>;
  alerter: Alerter;
  signal?: AbortSignal;
  intervalMs?: number;
  days?: number;
  /** Start of the first sweep's window (default: now minus one interval). */
  since?: Date;
  onError?: (e: unknown) => void;
}): { sweepNow(): Promise<Alert[]>; stop(): void; idle(): Promise<void> } {
  const interval = opts.intervalMs ?? 60_000;
  const days = opts.days ?? 14;
  let watermark = (opts.since ?? new Date(Date.now() - interval)).toISOString();
  let running: Promise<Alert[]> | null = null;
  let stopped = false;
  const sweepNow = (): Promise<Alert[]> => {
    if (running) return running;
    running = (async () => {
      // A small overlap guards against clock skew between processes; dedupe absorbs repeats.
      const started = new Date(Date.now() - 5_000).toISOString();
      try {
        const from = isoDay(new Date(Date.now() - days * 86_400_000));
        const events = await fetchEventsSince(opts.store, from);
        const out: Alert[] = [];
        for (const ev of events) {
          if (ev.created_at >= watermark) out.push(...opts.alerter.handle({ kind: 'created', event: ev }));
          else if (ev.updated_at >= watermark) out.push(...opts.alerter.handle({ kind: 'updated', event: ev }));
        }
        watermark = started;
        return out;
      } catch (e) {
        if (!stopped) (opts.onError ?? ((x) => console.error('[alerts] sweep failed', x)))(e);
        return [];
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void sweepNow(), interval);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  if (opts.signal?.aborted) stop();
  else opts.signal?.addEventListener('abort', stop, { once: true });
  return {
    sweepNow,
    stop,
    async idle() {
      await running?.catch(() => {});
    },
  };
}

/** Every event since `from` (YYYY-MM-DD), page by page. */
export async function fetchEventsSince(store: Pick<Store, 'listEvents'>, from: string, filter: { admin1?: string } = {}): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listEvents({ from, ...filter, sort: 'date_asc', limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.events);
    if (!page.next_cursor || page.events.length === 0) break;
    cursor = page.next_cursor;
  }
  return out;
}

/**
 * Run the escalation check now and then every `intervalMs` (default 1 h) until `signal` aborts.
 * Reads the last recentDays+baselineDays days of events from the Store.
 */
export function startEscalationMonitor(opts: {
  store: Pick<Store, 'listEvents'>;
  alerter: Alerter;
  signal?: AbortSignal;
  intervalMs?: number;
  detect?: DetectOptions;
  onError?: (e: unknown) => void;
  /** Shortest time between two checks started by trigger() (default 5 min). */
  minSpacingMs?: number;
}): { runNow(): Promise<Alert[]>; trigger(): void; stop(): void; idle(): Promise<void> } {
  const interval = opts.intervalMs ?? 3_600_000;
  const spacing = opts.minSpacingMs ?? 300_000;
  let timer: NodeJS.Timeout | null = null;
  let pending: NodeJS.Timeout | null = null;
  let running: Promise<Alert[]> | null = null;
  let lastRun = 0;
  const runNow = (): Promise<Alert[]> => {
    if (running) return running;
    lastRun = Date.now();
    running = (async () => {
      try {
        const now = opts.detect?.now ?? new Date();
        const events = await fetchEventsSince(opts.store, escalationHistoryFrom(now, opts.detect));
        return opts.alerter.checkEscalations(events, { ...opts.detect, now }).alerts;
      } catch (e) {
        // after stop() the store may be closing under us: not worth a report
        if (!stopped) (opts.onError ?? ((x) => console.error('[alerts] escalation check failed', x)))(e);
        return [];
      } finally {
        running = null;
      }
    })();
    return running;
  };
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (timer) clearInterval(timer);
    if (pending) clearTimeout(pending);
    timer = null;
    pending = null;
  };
  /** New events arrived: check soon, but not more often than every minSpacingMs. */
  const trigger = () => {
    if (pending || !timer) return;
    const wait = Math.max(1000, lastRun + spacing - Date.now());
    pending = setTimeout(() => {
      pending = null;
      void runNow();
    }, wait);
    pending.unref();
  };
  if (!opts.signal?.aborted) {
    void runNow();
    timer = setInterval(() => void runNow(), interval);
    timer.unref();
    opts.signal?.addEventListener('abort', stop, { once: true });
  }
  const idle = async () => {
    await running?.catch(() => {});
  };
  return { runNow, trigger, stop, idle };
}
