/**
 * Situation briefs: `buildBrief` (pure: events in, a Brief out), `renderBriefMarkdown` / `renderBriefHtml`
 * (pure: text out, untrusted text escaped), `renderMapSvg` for the map, and `briefCommand`, the I/O edge
 * that writes the report and its map file next to it.
 *
 * The caller passes the events (StoredEvent[] from store.listEvents; `loadBriefEvents` does that): they
 * should reach back recentDays + baselineDays (63 days by default) before now so that escalations can be
 * computed; the brief itself only counts events inside the `since` window.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { StoredEvent } from '../model/index.js';
import type { Store } from '../store/types.js';
import { parseDuration, UsageError } from './commands.js';
import { detectEscalations, escalationHistoryFrom, isoDay, type Escalation, type EscalationOptions } from './escalation.js';
import { escapeXml, renderMapSvg } from './map.js';
import type { WatchRepository } from './repository.js';
import { pointInZone, type Zone } from './zones.js';
import { fetchEventsSince } from './alerter.js';

export interface BriefInput {
  events: readonly StoredEvent[];
  /** Window: "24h", "7d", or seconds. */
  since: string | number;
  now?: Date;
  zone?: Zone | null;
  admin1?: string | null;
  escalation?: EscalationOptions;
  /** Notable events listed (default 10). */
  notableLimit?: number;
}

export interface Brief {
  title: string;
  generated_at: string;
  window: { from: string; to: string; since: string };
  scope: { zone: Zone | null; admin1: string | null };
  total: number;
  fatalities: number;
  injuries: number;
  by_type: { event_type: string; sub_event_type: string; count: number; fatalities: number }[];
  by_area: { country: string; admin1: string | null; count: number; fatalities: number }[];
  notable: StoredEvent[];
  escalations: Escalation[];
  /** The events in the window and scope (for the map). */
  events: StoredEvent[];
}

function inWindow(e: StoredEvent, fromMs: number, fromDay: string): boolean {
  if (e.event_date) return e.event_date >= fromDay;
  return Date.parse(e.created_at) >= fromMs;
}

export function buildBrief(input: BriefInput): Brief {
  const now = input.now ?? new Date();
  const sinceS = parseDuration(input.since);
  if (!(sinceS > 0)) throw new UsageError('--since must be a positive duration');
  const fromMs = now.getTime() - sinceS * 1000;
  const fromDay = isoDay(new Date(fromMs));
  const zone = input.zone ?? null;
  const admin1 = input.admin1?.trim() || null;

  const scoped = input.events.filter((e) => {
    if (e.review_status === 'rejected') return false;
    if (admin1 && (e.admin1 ?? '').toLowerCase() !== admin1.toLowerCase()) return false;
    if (zone) {
      if (e.latitude == null || e.longitude == null) return false;
      if (!pointInZone(zone, [e.longitude, e.latitude])) return false;
    }
    return true;
  });
  const events = scoped.filter((e) => inWindow(e, fromMs, fromDay));

  const byType = new Map<string, Brief['by_type'][number]>();
  const byArea = new Map<string, Brief['by_area'][number]>();
  for (const e of events) {
    const tk = `${e.event_type}\u0000${e.sub_event_type}`;
    const t = byType.get(tk) ?? { event_type: e.event_type, sub_event_type: e.sub_event_type, count: 0, fatalities: 0 };
    t.count++;
    t.fatalities += e.fatalities;
    byType.set(tk, t);
    const ak = `${e.country}\u0000${e.admin1 ?? ''}`;
    const a = byArea.get(ak) ?? { country: e.country, admin1: e.admin1, count: 0, fatalities: 0 };
    a.count++;
    a.fatalities += e.fatalities;
    byArea.set(ak, a);
  }
  const notable = events
    .slice()
    .sort(
      (a, b) =>
        b.fatalities - a.fatalities ||
        b.injuries - a.injuries ||
        b.sources.length - a.sources.length ||
        (b.event_date ?? '').localeCompare(a.event_date ?? ''),
    )
    .slice(0, input.notableLimit ?? 10);

  const escalations = detectEscalations(scoped, { ...input.escalation, now, zones: zone ? [zone] : [], byAdmin1: true });
  const scopeName = zone ? zone.name : admin1 ?? 'all areas';
  const sinceLabel = typeof input.since === 'string' ? input.since : `${input.since}s`;
  return {
    title: `Situation brief: ${scopeName}, last ${sinceLabel}`,
    generated_at: now.toISOString(),
    window: { from: new Date(fromMs).toISOString(), to: now.toISOString(), since: sinceLabel },
    scope: { zone, admin1 },
    total: events.length,
    fatalities: events.reduce((s, e) => s + e.fatalities, 0),
    injuries: events.reduce((s, e) => s + e.injuries, 0),
    by_type: [...byType.values()].sort((a, b) => b.count - a.count || b.fatalities - a.fatalities),
    by_area: [...byArea.values()].sort((a, b) => b.count - a.count || b.fatalities - a.fatalities),
    notable,
    escalations,
    events,
  };
}

/**
 * Escape untrusted text for inline Markdown: the characters that make links, images, emphasis, code,
 * table cells or HTML are backslash-escaped (with [ and ] escaped, parentheses cannot form a link) or turned into entities; newlines become spaces. (Escaped text
 * never starts a line here, so list and heading markers need no escaping.)
 */
export function escapeMd(s: string): string {
  return s
    .replace(/[\\`*_[\]!|~#]/g, (c) => '\\' + c)
    .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'))
    .replace(/\r?\n/g, ' ');
}

function safeUrl(u: string | null): string | null {
  if (!u) return null;
  try {
    const p = new URL(u);
    return p.protocol === 'http:' || p.protocol === 'https:' ? p.href : null;
  } catch {
    return null;
  }
}

function eventLine(e: StoredEvent): string {
  const who = e.actor2 ? `${e.actor1} vs ${e.actor2}` : e.actor1;
  const toll = [e.fatalities ? `${e.fatalities}${e.fatalities_approximate ? '+' : ''} killed` : '', e.injuries ? `${e.injuries} injured` : '']
    .filter(Boolean)
    .join(', ');
  return `${e.event_date ?? 'date unknown'}: ${e.sub_event_type} in ${e.location}${e.admin1 ? `, ${e.admin1}` : ''} (${who})${toll ? ` — ${toll}` : ''}`;
}

export function renderBriefMarkdown(b: Brief, mapFile: string | null): string {
  const L: string[] = [];
  L.push(`# ${escapeMd(b.title)}`, '');
  L.push(`Generated ${b.generated_at}. Window: ${b.window.from} to ${b.window.to}.`, '');
  L.push(`**${b.total}** event${b.total === 1 ? '' : 's'}, **${b.fatalities}** reported killed, **${b.injuries}** injured.`, '');
  if (mapFile) L.push(`![Map of the events](${encodeURI(mapFile)})`, '');
  L.push('## Escalations', '');
  if (!b.escalations.length) L.push('No area is above its baseline (Poisson test, p < 0.01, at least 5 events).', '');
  for (const e of b.escalations) L.push(`- ${escapeMd(e.message)}`);
  if (b.escalations.length) L.push('');
  L.push('## Events by type', '');
  if (b.by_type.length) {
    L.push('| Event type | Sub-event type | Events | Killed |', '| --- | --- | ---: | ---: |');
    for (const t of b.by_type) L.push(`| ${escapeMd(t.event_type)} | ${escapeMd(t.sub_event_type)} | ${t.count} | ${t.fatalities} |`);
  } else L.push('No events in the window.');
  L.push('', '## Events by area', '');
  if (b.by_area.length) {
    L.push('| Country | Admin1 | Events | Killed |', '| --- | --- | ---: | ---: |');
    for (const a of b.by_area) L.push(`| ${escapeMd(a.country)} | ${escapeMd(a.admin1 ?? '(unknown)')} | ${a.count} | ${a.fatalities} |`);
  } else L.push('No events in the window.');
  L.push('', '## Notable events', '');
  if (!b.notable.length) L.push('None.');
  for (const e of b.notable) {
    L.push(`- ${escapeMd(eventLine(e))}`);
    for (const s of e.sources) {
      const url = safeUrl(s.url);
      const label = escapeMd(s.title ?? s.source);
      L.push(`  - ${url ? `[${label}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)` : label}${s.published ? ` (${escapeMd(s.published)})` : ''}, ${escapeMd(s.source)}`);
    }
  }
  L.push('');
  return L.join('\n');
}

const esc = escapeXml;

export function renderBriefHtml(b: Brief, mapFile: string | null): string {
  const rows = (cells: (string | number)[]) => `<tr>${cells.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  const notable = b.notable
    .map((e) => {
      const srcs = e.sources
        .map((s) => {
          const url = safeUrl(s.url);
          const label = esc(s.title ?? s.source);
          return `<li>${url ? `<a href="${esc(url)}" rel="noopener noreferrer">${label}</a>` : label}${s.published ? ` (${esc(s.published)})` : ''}, ${esc(s.source)}</li>`;
        })
        .join('');
      return `<li>${esc(eventLine(e))}${srcs ? `<ul>${srcs}</ul>` : ''}</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(b.title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'">
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
td:nth-child(n+3){text-align:right}img{max-width:100%;border:1px solid #ccc}.esc{color:#a00}</style></head>
<body>
<h1>${esc(b.title)}</h1>
<p>Generated ${esc(b.generated_at)}. Window: ${esc(b.window.from)} to ${esc(b.window.to)}.</p>
<p><strong>${b.total}</strong> event${b.total === 1 ? '' : 's'}, <strong>${b.fatalities}</strong> reported killed, <strong>${b.injuries}</strong> injured.</p>
${mapFile ? `<figure><img src="${esc(encodeURI(mapFile))}" alt="Map of the events"></figure>` : ''}
<h2>Escalations</h2>
${b.escalations.length ? `<ul>${b.escalations.map((e) => `<li class="esc">${esc(e.message)}</li>`).join('')}</ul>` : '<p>No area is above its baseline (Poisson test, p &lt; 0.01, at least 5 events).</p>'}
<h2>Events by type</h2>
${b.by_type.length ? `<table><thead><tr><th>Event type</th><th>Sub-event type</th><th>Events</th><th>Killed</th></tr></thead><tbody>${b.by_type.map((t) => rows([t.event_type, t.sub_event_type, t.count, t.fatalities])).join('')}</tbody></table>` : '<p>No events in the window.</p>'}
<h2>Events by area</h2>
${b.by_area.length ? `<table><thead><tr><th>Country</th><th>Admin1</th><th>Events</th><th>Killed</th></tr></thead><tbody>${b.by_area.map((a) => rows([a.country, a.admin1 ?? '(unknown)', a.count, a.fatalities])).join('')}</tbody></table>` : '<p>No events in the window.</p>'}
<h2>Notable events</h2>
${b.notable.length ? `<ol>\n${notable}\n</ol>` : '<p>None.</p>'}
</body></html>
`;
}

export interface BriefCommandOptions {
  since: string;
  zone?: string | Zone | null;
  admin1?: string | null;
  format?: 'md' | 'html';
  /** Events from the store (see loadBriefEvents). */
  events: readonly StoredEvent[];
  /** Output file; default ./frontline-brief-<UTC timestamp>.<md|html>. The map goes next to it as <name>.map.svg. */
  out?: string;
  now?: Date;
  /** To resolve a zone given by name. */
  repo?: WatchRepository;
  watchDb?: string;
  /** Watch zones drawn on the map (default: the zone in scope, else all zones of the repository). */
  mapZones?: readonly Zone[];
  escalation?: EscalationOptions;
}

export interface BriefCommandResult {
  path: string;
  mapPath: string;
  brief: Brief;
  text: string;
}

/** Build the brief, write the report and its SVG map next to it. */
export async function briefCommand(opts: BriefCommandOptions): Promise<BriefCommandResult> {
  const format = opts.format ?? 'md';
  if (format !== 'md' && format !== 'html') throw new UsageError(`--format must be md or html, not ${format}`);
  const now = opts.now ?? new Date();
  let zone: Zone | null = null;
  let allZones: readonly Zone[] = opts.mapZones ?? [];
  if (opts.zone || !opts.mapZones) {
    const { WatchRepository, DEFAULT_WATCH_DB } = await import('./repository.js');
    const path = opts.watchDb ?? (process.env.FRONTLINE_WATCH_DB || DEFAULT_WATCH_DB);
    // Opened for a zone by name, or to draw the zones on the map if a watch database exists (never created here).
    const needRepo = (typeof opts.zone === 'string') || (!opts.mapZones && (path === ':memory:' ? false : existsSync(path)));
    const repo = opts.repo ?? (needRepo ? new WatchRepository(path) : null);
    try {
      if (typeof opts.zone === 'string') {
        zone = repo?.getZone(opts.zone) ?? null;
        if (!zone) throw new UsageError(`no watch zone "${opts.zone}"`);
      } else if (opts.zone) zone = opts.zone;
      if (!opts.mapZones) allZones = zone ? [zone] : (repo?.listZones() ?? []);
    } finally {
      if (repo && repo !== opts.repo) repo.close();
    }
  }
  const brief = buildBrief({
    events: opts.events, since: opts.since, now, zone, admin1: opts.admin1 ?? null,
    ...(opts.escalation ? { escalation: opts.escalation } : {}),
  });
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 13).replace('T', '-');
  const path = opts.out ?? `frontline-brief-${stamp}.${format}`;
  const stem = basename(path, extname(path));
  const mapName = `${stem}.map.svg`;
  const mapPath = join(dirname(path), mapName);
  const svg = renderMapSvg(brief.events, allZones, { title: brief.title });
  const text = format === 'md' ? renderBriefMarkdown(brief, mapName) : renderBriefHtml(brief, mapName);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(mapPath, svg);
  writeFileSync(path, text);
  return { path, mapPath, brief, text };
}

/** Events a brief needs from the Store: the `since` window plus the escalation baseline before it. */
export async function loadBriefEvents(
  store: Pick<Store, 'listEvents'>,
  opts: { since: string; admin1?: string | null; now?: Date; escalation?: EscalationOptions },
): Promise<StoredEvent[]> {
  const now = opts.now ?? new Date();
  const windowFrom = isoDay(new Date(now.getTime() - parseDuration(opts.since) * 1000));
  const baselineFrom = escalationHistoryFrom(now, opts.escalation);
  const from = windowFrom < baselineFrom ? windowFrom : baselineFrom;
  return fetchEventsSince(store, from, opts.admin1 ? { admin1: opts.admin1 } : {});
}
