/**
 * Optional argv adapter for the CLI: `alertsCli(command, argv, deps)` parses the options of
 * `frontline feeds|watch|webhooks|alerts|brief` with node:util parseArgs, calls the command functions of
 * ./commands.ts and ./brief.ts, prints, and returns the exit code (0 ok, 1 failure, 2 usage).
 * The CLI may delegate to it or parse argv itself and call the command functions directly.
 */
import { parseArgs } from 'node:util';
import type { Store } from '../store/types.js';
import {
  alertsListCommand,
  feedsAddCommand,
  feedsListCommand,
  feedsRmCommand,
  UsageError,
  watchAddCommand,
  watchListCommand,
  watchRmCommand,
  webhooksAddCommand,
  webhooksListCommand,
  webhooksRmCommand,
} from './commands.js';
import { briefCommand, loadBriefEvents } from './brief.js';
import { ConflictError } from './repository.js';

export const ALERTS_HELP: Record<string, string> = {
  feeds: `Usage: frontline feeds add URL [--name NAME] [--interval 15m] [--watch-db FILE]
       frontline feeds list [--json] [--watch-db FILE]
       frontline feeds rm ID|URL

RSS 2.0 / Atom feeds polled by 'frontline serve' (conditional GET, back-off on errors). Each new item's page is
reduced to its article text and ingested. 'list' shows each feed's health: last success, last error, next poll.`,
  watch: `Usage: frontline watch add --name NAME --point LAT,LON --radius KM [filters]
       frontline watch add --file ZONES.geojson [--radius KM] [filters]     (Feature or FeatureCollection)
       frontline watch add --name NAME --geojson '{"type":"LineString",…}' --radius KM [filters]
       frontline watch list [--format json|geojson]
       frontline watch rm ID|NAME
Filters: --types "Battles,Explosions/Remote violence"  --actor SUBSTRING  --min-fatalities N

A new or updated event inside a zone raises one alert (API /api/alerts, the live stream, webhooks).
Examples ship in data/watch/idlib-example.geojson.`,
  webhooks: `Usage: frontline webhooks add URL [--secret S] [--zone NAME]
       frontline webhooks list
       frontline webhooks rm ID

Alerts are POSTed as JSON signed with X-Frontline-Signature: sha256=<hex HMAC-SHA256(secret, body)>.`,
  alerts: `Usage: frontline alerts [--since 24h] [--zone NAME] [--limit N] [--json]`,
  brief: `Usage: frontline brief [--since 24h] [--zone NAME | --admin1 NAME] [--format md|html] [--out FILE] [--db FILE]

Writes a situation report (counts by type and area, notable events with sources, escalations) and an SVG map
next to it (FILE.map.svg). Default file: ./frontline-brief-<UTC time>.md`,
};

export interface AlertsCliDeps {
  /** Open the event store (for brief): e.g. (db) => openStore(db ? { path: db } : {}). */
  openStore?: (db?: string) => Promise<Pick<Store, 'listEvents' | 'close'>>;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

export async function alertsCli(command: string, argv: string[], deps: AlertsCliDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((s: string) => process.stdout.write(s + '\n'));
  const err = deps.stderr ?? ((s: string) => process.stderr.write(s + '\n'));
  const help = ALERTS_HELP[command] ?? Object.values(ALERTS_HELP).join('\n\n');
  try {
    const { values: v, positionals: pos } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        'watch-db': { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
        geojson: { type: 'string' },
        name: { type: 'string' },
        interval: { type: 'string' },
        point: { type: 'string' },
        file: { type: 'string' },
        radius: { type: 'string' },
        types: { type: 'string' },
        actor: { type: 'string' },
        'min-fatalities': { type: 'string' },
        description: { type: 'string' },
        secret: { type: 'string' },
        zone: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        admin1: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
      },
    });
    if (v.help) {
      out(help);
      return 0;
    }
    const watchDb = v['watch-db'];
    const repoOpts = watchDb ? { watchDb } : {};
    const sub = pos[0];
    switch (command) {
      case 'feeds':
        if (sub === 'add' && pos[1]) {
          out(feedsAddCommand(pos[1], { ...repoOpts, ...(v.name ? { name: v.name } : {}), ...(v.interval ? { interval: v.interval } : {}) }));
        } else if (sub === 'list' || sub === undefined) out(feedsListCommand({ ...repoOpts, json: !!v.json }));
        else if (sub === 'rm' && pos[1]) out(feedsRmCommand(pos[1], repoOpts));
        else throw new UsageError(help);
        return 0;
      case 'watch':
        if (sub === 'add') {
          out(
            watchAddCommand({
              ...repoOpts,
              ...(v.name !== undefined ? { name: v.name } : {}),
              ...(v.point !== undefined ? { point: v.point } : {}),
              ...(v.file !== undefined ? { file: v.file } : {}),
              ...(v.geojson !== undefined ? { geojson: v.geojson } : {}),
              ...(v.radius !== undefined ? { radius: v.radius } : {}),
              ...(v.types !== undefined ? { types: v.types } : {}),
              ...(v.actor !== undefined ? { actor: v.actor } : {}),
              ...(v['min-fatalities'] !== undefined ? { minFatalities: v['min-fatalities'] } : {}),
              ...(v.description !== undefined ? { description: v.description } : {}),
            }),
          );
        } else if (sub === 'list' || sub === undefined) {
          if (v.format && v.format !== 'json' && v.format !== 'geojson') throw new UsageError('--format must be json or geojson');
          out(watchListCommand({ ...repoOpts, json: !!v.json || v.format === 'json', geojson: v.format === 'geojson' }));
        } else if (sub === 'rm' && pos[1]) out(watchRmCommand(pos[1], repoOpts));
        else throw new UsageError(help);
        return 0;
      case 'webhooks':
        if (sub === 'add' && pos[1]) {
          out(webhooksAddCommand(pos[1], { ...repoOpts, ...(v.secret ? { secret: v.secret } : {}), ...(v.zone ? { zone: v.zone } : {}) }));
        } else if (sub === 'list' || sub === undefined) out(webhooksListCommand(repoOpts));
        else if (sub === 'rm' && pos[1]) out(webhooksRmCommand(pos[1], repoOpts));
        else throw new UsageError(help);
        return 0;
      case 'alerts': {
        const limit = v.limit !== undefined ? Number(v.limit) : undefined;
        if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive whole number');
        out(alertsListCommand({ ...repoOpts, json: !!v.json, ...(limit ? { limit } : {}), ...(v.zone ? { zone: v.zone } : {}), ...(v.since ? { since: v.since } : {}) }));
        return 0;
      }
      case 'brief': {
        if (v.zone && v.admin1) throw new UsageError('give --zone or --admin1, not both');
        const format = (v.format ?? 'md') as 'md' | 'html';
        if (format !== 'md' && format !== 'html') throw new UsageError('--format must be md or html');
        if (!deps.openStore) throw new Error('brief needs access to the event store (deps.openStore)');
        const since = v.since ?? '24h';
        const store = await deps.openStore(v.db);
        let events;
        try {
          events = await loadBriefEvents(store, { since, ...(v.admin1 ? { admin1: v.admin1 } : {}) });
        } finally {
          await store.close();
        }
        const r = await briefCommand({
          since, format, events, ...repoOpts,
          ...(v.zone ? { zone: v.zone } : {}),
          ...(v.admin1 ? { admin1: v.admin1 } : {}),
          ...(v.out ? { out: v.out } : {}),
        });
        out(`wrote ${r.path} (${plural(r.brief.total, "event")}, ${plural(r.brief.escalations.length, "escalation")}) and its map ${r.mapPath}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}\n${help}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`frontline ${command}: ${e.message}`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`frontline ${command}: ${(e as Error).message}\n${help}`);
      return 2;
    }
    if (e instanceof ConflictError) {
      err(`frontline ${command}: ${e.message}`);
      return 1;
    }
    err(`frontline ${command}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
