/**
 * alerts: watch zones, alerts, escalation, webhooks, the feed poller and situation briefs.
 *
 * Owns its own small SQLite file (WatchRepository: zones, alerts, feeds + health + seen items, webhooks;
 * default ./frontline-watch.db or FRONTLINE_WATCH_DB), so it works the same with either event Store.
 * Reaches events only through the Store interface (subscribe, listEvents) and documents only through an
 * `ingest(doc)` callback given by its caller; must not touch the Store's database, the extractor, the
 * server's internals or the CLI's argument parsing.
 *
 * Pure core: zones.ts (geometry via @turf), escalation.ts (Poisson test), feeds/parse.ts (RSS/Atom),
 * feeds/article.ts (Readability), map.ts (SVG), brief.ts (buildBrief/render*).
 * I/O edges: repository.ts, feeds/http.ts, feeds/poller.ts, webhooks.ts, alerter.ts, commands.ts, routes.ts.
 *
 * Wiring in `serve`:
 *   const repo = openWatchRepository();                       // ./frontline-watch.db or FRONTLINE_WATCH_DB
 *   await app.register(alertsRoutes, { repo, store });        // before listen
 *   const svc = startAlertsService({ repo, store, ingest: (doc) => store.ingest(doc, (d) => extractor.extract(d)),
 *                                    onAlert: (a) => app.publish('alert', a), feeds: opts.feeds !== false });
 *   app.addHook('onClose', async () => { await svc.stop(); repo.close(); });
 * CLI: `alertsCli(command, argv, { openStore })` for feeds|watch|webhooks|alerts|brief, or the *Command functions.
 *
 * Choices: an alert fires once per (zone, event) for created or updated events that pass the zone's
 * filters; events coded only to a province (geo_precision 3) do not trigger zones unless the zone allows it;
 * rejected events never alert. Escalation is a one-sided Poisson test (see escalation.ts).
 */
import type { SourceDocument } from '../model/index.js';
import type { Store } from '../store/types.js';
import { connectAlerter, createAlerter, startAlertSweep, startEscalationMonitor, type Alerter } from './alerter.js';
import { startPoller, type Poller, type PollerOptions, type PollResult } from './feeds/poller.js';
import type { Alert, WatchRepository } from './repository.js';
import type { WebhookOptions } from './webhooks.js';

export * from './zones.js';
export * from './repository.js';
export * from './escalation.js';
export * from './alerter.js';
export * from './webhooks.js';
export * from './commands.js';
export * from './brief.js';
export { renderMapSvg, EVENT_COLOURS } from './map.js';
export { alertsRoutes, type AlertsRoutesOptions } from './routes.js';
export { alertsCli, ALERTS_HELP, type AlertsCliDeps } from './cli.js';
export { fetchText, FetchError, detectCharset, decode, type FetchOptions, type FetchedText } from './feeds/http.js';
export { parseFeed, FeedParseError, type FeedItem, type ParsedFeed } from './feeds/parse.js';
export { extractArticle, htmlToText, type Article } from './feeds/article.js';
export {
  startPoller, pollFeed, backoffSeconds, documentIdFor, type Poller, type PollerOptions, type PollResult, type IngestFn,
} from './feeds/poller.js';

export interface AlertsServiceOptions {
  repo: WatchRepository;
  /** Events come from here (subscribe) and escalation reads history from here (listEvents). */
  store: Pick<Store, 'subscribe' | 'listEvents'>;
  /** Hand a feed document to the pipeline, e.g. (doc) => store.ingest(doc, (d) => extractor.extract(d)). */
  ingest: (doc: SourceDocument) => unknown | Promise<unknown>;
  /** Push an alert to live listeners (the server's SSE stream). */
  onAlert?: (alert: Alert) => void;
  signal?: AbortSignal;
  /** Poll feeds (default true). */
  feeds?: boolean;
  poller?: Partial<Omit<PollerOptions, 'repo' | 'ingest'>> & { tickMs?: number; concurrency?: number; onPoll?: (r: PollResult) => void };
  webhooks?: WebhookOptions | false;
  /** Escalation check period (default 1 h; also at most every 5 min after new events); 0 disables it. */
  escalationIntervalMs?: number;
  /** Period of the sweep that alerts on events stored by other processes (default 60 s); 0 disables it. */
  sweepIntervalMs?: number;
}

export interface AlertsService {
  alerter: Alerter;
  poller: Poller | null;
  /** Stop polling, unsubscribe, stop escalation checks and webhook retries. */
  stop(): Promise<void>;
}

/**
 * Everything `serve` runs for alerts: the alerter on the Store's changes, a sweep for events stored by
 * other processes, the escalation monitor, the feed poller.
 */
export function startAlertsService(o: AlertsServiceOptions): AlertsService {
  const ac = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, ac.signal]) : ac.signal;
  const alerter = createAlerter({ repo: o.repo, ...(o.onAlert ? { onAlert: o.onAlert } : {}), webhooks: o.webhooks === false ? false : { resume: true, ...o.webhooks } });
  const esc =
    o.escalationIntervalMs === 0
      ? null
      : startEscalationMonitor({ store: o.store, alerter, signal, intervalMs: o.escalationIntervalMs ?? 3_600_000 });
  const unsubscribeAlerts = connectAlerter(o.store, alerter);
  const sweep =
    o.sweepIntervalMs === 0 ? null : startAlertSweep({ store: o.store, alerter, signal, intervalMs: o.sweepIntervalMs ?? 60_000 });
  const unsubscribeEsc = esc ? o.store.subscribe(() => esc.trigger()) : () => {};
  const unsubscribe = () => {
    unsubscribeAlerts();
    unsubscribeEsc();
  };
  const poller = o.feeds === false ? null : startPoller({ ...o.poller, repo: o.repo, ingest: o.ingest, signal });
  let stopped: Promise<void> | null = null;
  return {
    alerter,
    poller,
    stop() {
      stopped ??= (async () => {
        ac.abort();
        unsubscribe();
        esc?.stop();
        sweep?.stop();
        await Promise.all([poller?.done, esc?.idle(), sweep?.idle()]);
        alerter.close();
      })();
      return stopped;
    },
  };
}
