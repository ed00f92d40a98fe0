/**
 * Browser tests of the dashboard: the real server (buildServer) on a temporary SQLite store with the real
 * extractor, the dashboard built by vite, driven in Debian's Chromium through playwright-core.
 * One browser for the whole file; a fresh context per test. Screenshots go to test-results/web/; the README's
 * picture (docs/screenshot.png) is written when missing or when FRONTLINE_UPDATE_SCREENSHOTS=1.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { EventDetailResponse, EventListResponse, IngestResponse } from '../../src/model/api.js';
import type { CodedEvent, StoredEvent } from '../../src/model/event.js';
import type { Extractor } from '../../src/extract/types.js';
import type { Store } from '../../src/store/types.js';
import { serveCommand } from '../../src/server/index.js';
import { openStore } from '../../src/store/index.js';
import { freshPgUrl, pgUrl } from '../helpers/pg.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = path.join(ROOT, 'test-results', 'web');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Reports written for these tests (not quotations of any outlet). */
const REPORTS = [
  {
    id: 'web-test-1', published: '2024-07-21', source: 'Test desk', title: 'Shelling hits Sarmin <img src=x onerror="window.__xss=1">',
    text: 'Syrian government forces shelled the town of Sarmin in Idlib on Saturday, killing three civilians and injuring five others, local rescuers said. Residents described the shelling as <b>the worst</b> in weeks.',
  },
  {
    id: 'web-test-2', published: '2024-07-19', source: 'Test wire', title: 'Clashes near Saraqib',
    text: 'Fighters of Hayat Tahrir al-Sham clashed with the Syrian army near the town of Saraqib in Idlib on Thursday. Two fighters were killed in the fighting, a war monitor said.',
  },
  {
    id: 'web-test-3', published: '2024-07-16', source: 'Test desk', title: 'Protest in As-Suwayda',
    text: 'Hundreds of people gathered in As-Suwayda city on Monday to protest against rising prices. The rally ended peacefully.',
  },
];
const LIVE_REPORT = {
  id: 'web-test-live', published: '2024-07-23', source: 'Test wire', title: 'Drone strike on Binnish',
  text: 'Syrian government forces launched drone strikes on the town of Binnish in Idlib on Monday, killing two fighters of Hayat Tahrir al-Sham, a local monitor said.',
};

let store: Store;
let app: FastifyInstance;
let stopServer: (() => Promise<void>) | undefined;
let base = '';
let browser: Browser;
let dropPg: (() => Promise<void>) | undefined;
let tmp = '';
const problems: string[] = []; // console errors, page errors and requests that left localhost

async function loadExtractor(): Promise<Extractor> {
  // Specifiers in variables: src/extract and src/geo are built in parallel by other engineers.
  const extractPath = '../../src/extract/index.js';
  const geoPath = '../../src/geo/index.js';
  const extract = (await import(extractPath)) as { createExtractor(g: unknown): Extractor };
  const geo = (await import(geoPath)) as { loadGeocoder(): unknown };
  return extract.createExtractor(geo.loadGeocoder());
}

async function api<T>(p: string, init?: RequestInit): Promise<T> {
  const res = await fetch(base + p, init);
  const body = (await res.json()) as T;
  assert.ok(res.ok, `${p}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
const postDoc = (doc: object) =>
  api<IngestResponse>('/api/documents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
const listAll = async (q = '') => (await api<EventListResponse>(`/api/events?limit=1000${q ? `&${q}` : ''}`)).events;

async function newPage(ctxOpts: Parameters<Browser['newContext']>[0] = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, ...ctxOpts });
  ctx.on('request', (r) => {
    const u = r.url();
    if (/^(data|blob):/.test(u)) return;
    const host = new URL(u).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') problems.push(`request left localhost: ${u}`);
  });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { ctx, page };
}

async function openDashboard(page: Page, query = ''): Promise<void> {
  await page.goto(`${base}/${query}`);
  await page.waitForFunction(() => window.mapReady === true, null, { timeout: 20_000 });
}

function codedEvent(id: string, over: Partial<CodedEvent>): CodedEvent {
  return {
    event_id_cnty: id, event_date: '2024-06-01', time_precision: 1, disorder_type: 'Political violence', event_type: 'Battles',
    sub_event_type: 'Armed clash', actor1: 'Test actor', assoc_actor_1: null, inter1: 1, actor2: null, assoc_actor_2: null, inter2: 0,
    interaction: 10, civilian_targeting: null, iso: 760, country: 'Syria', admin1: 'Idlib', admin2: null, admin3: null,
    location: 'Test place', latitude: 35.9, longitude: 36.7, geo_precision: 1, geo_note: null, source: 'Test', notes: 'Bulk test event',
    fatalities: 0, fatalities_approximate: false, injuries: 0, weapons: [], targets: [], confidence: 0.5, document_id: `${id}-doc`,
    evidence: [], ...over,
  };
}

const rowIds = (page: Page) => page.$$eval('table.events tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['id']));

describe('dashboard in Chromium', { timeout: 600_000 }, () => {
  let events: StoredEvent[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
    mkdirSync(RESULTS, { recursive: true });
    tmp = mkdtempSync(path.join(tmpdir(), 'frontline-web-'));
    const outDir = path.join(tmp, 'dist');
    // Build the current sources (vite 8 takes about a second) so the test never runs a stale bundle.
    const { build } = await import('vite');
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    // A store of its own: a temp SQLite file, or a fresh schema when CI runs the suite on PostgreSQL.
    if (pgUrl) {
      const fresh = await freshPgUrl();
      dropPg = fresh.drop;
      store = await openStore({ url: fresh.url });
    } else {
      store = await openStore({ path: path.join(tmp, 'test.db') });
    }
    // serveCommand = buildServer on port 0 plus the alerts part (watch zones, alerts on the stream); no feeds polled
    const served = await serveCommand({
      port: 0, host: '127.0.0.1', store, extractor: await loadExtractor(), webRoot: outDir, token: '',
      feeds: false, watchDb: path.join(tmp, 'watch.db'), handleSignals: false,
    });
    app = served.app;
    stopServer = served.stop;
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // a watch zone around Binnish (the live report's place): drawn on the map, and its alert shown live
    await api('/api/watch-zones', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Binnish clinic', geometry: { type: 'Point', coordinates: [36.7137, 35.9569] }, radius_km: 5 }),
    });
    // the bundled sample reports (our own words; they include the seed article's events) and the test's own
    const samples = readFileSync(path.join(ROOT, 'data/samples/reports.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    for (const line of samples) await postDoc(JSON.parse(line) as object);
    for (const r of REPORTS) await postDoc(r);
    events = await listAll();
    assert.ok(events.length >= 2, `the reports should give events, got ${events.length}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    if (stopServer) await stopServer();
    else await app?.close();
    await store?.close().catch(() => undefined);
    await dropPg?.();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(() => {
    const found = problems.splice(0);
    assert.deepEqual(found, [], 'no console errors and no request outside localhost');
  });

  test('the map draws the stored events, clustered, with a legend and the timeline', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    const located = events.filter((e) => e.latitude != null && e.longitude != null);
    assert.equal(await page.evaluate(() => window.frontline!.mapCount()), events.length);
    // zoom in enough that no cluster hides a point, then count the drawn circles
    // (no named helpers inside evaluate: tsx would wrap them in __name, unknown in the page). A feature near a
    // tile edge can be returned once per tile: count distinct event ids and cluster ids.
    const drawn = await page.evaluate(() => {
      const seen = new Map<string, number>();
      for (const f of window.frontlineMap!.queryRenderedFeatures({ layers: ['events', 'clusters'] })) {
        const p = f.properties;
        if (p['cluster']) seen.set(`c${String(p['cluster_id'])}`, Number(p['point_count']));
        else seen.set(`e${String(p['id'])}`, 1);
      }
      return { total: [...seen.values()].reduce((a, b) => a + b, 0), points: [...seen.keys()].filter((k) => k.startsWith('e')).length };
    });
    assert.equal(drawn.total, located.length, 'every located event is drawn, as a point or inside a cluster');
    assert.ok(drawn.points + (await page.locator('.cluster-count').count()) > 0);
    assert.equal(await page.locator('#legend li').count(), 6);
    // the watch zone is drawn (a 5 km circle) and named in the legend
    await page.waitForFunction(() => window.frontlineMap!.querySourceFeatures('zones').length > 0, null, { timeout: 5000 });
    assert.equal(await page.locator('.legend-zone').isVisible(), true);
    assert.ok((await page.locator('#timeline svg g.bar').count()) >= 1, 'timeline has bars');
    await page.screenshot({ path: path.join(RESULTS, 'dashboard-laptop.png') });
    // the README's picture: north-western Syria, where the sample reports (and the seed article) are
    await page.setViewportSize({ width: 1366, height: 1100 });
    await page.evaluate(() => new Promise<void>((done) => {
      window.frontlineMap!.once('idle', () => done());
      window.frontlineMap!.jumpTo({ center: [36.95, 36.02], zoom: 8.4 });
    }));
    // test-results/ always; docs/screenshot.png (the README's) when missing or with FRONTLINE_UPDATE_SCREENSHOTS=1,
    // so that a test run does not leave the work tree modified
    await page.screenshot({ path: path.join(RESULTS, 'readme.png') });
    const readme = path.join(ROOT, 'docs', 'screenshot.png');
    if (process.env.FRONTLINE_UPDATE_SCREENSHOTS === '1' || !existsSync(readme)) {
      mkdirSync(path.dirname(readme), { recursive: true });
      copyFileSync(path.join(RESULTS, 'readme.png'), readme);
    }
    // a click on a drawn point opens a popup built from DOM nodes
    const pt = await page.evaluate(() => {
      const f = window.frontlineMap!.queryRenderedFeatures({ layers: ['events'] })[0];
      if (!f) return null;
      const p = window.frontlineMap!.project((f.geometry as unknown as { coordinates: [number, number] }).coordinates);
      const r = window.frontlineMap!.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    if (pt) {
      await page.mouse.click(pt.x, pt.y);
      await page.locator('.maplibregl-popup a', { hasText: 'Open event' }).first().waitFor({ timeout: 5000 });
    }
    await ctx.close();
  });

  test('a point + radius watch zone is created from the map: centre by a click, drawn at once', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    await page.getByRole('button', { name: 'New watch zone' }).click();
    await page.getByLabel('Zone name').fill('Saraqib school');
    await page.getByLabel('Radius (km)').fill('3');
    // a click at the map's centre sets the zone's centre
    const target = await page.evaluate(() => {
      const m = window.frontlineMap!;
      const c = m.getCenter();
      const r = m.getCanvas().getBoundingClientRect();
      const p = m.project(c);
      return { x: r.left + p.x, y: r.top + p.y, lat: c.lat, lon: c.lng };
    });
    await page.mouse.click(target.x, target.y);
    const typed = await page.getByLabel('Centre (lat, lon)').inputValue();
    const [lat, lon] = typed.split(',').map(Number) as [number, number];
    assert.ok(Math.abs(lat - target.lat) < 0.05 && Math.abs(lon - target.lon) < 0.05, `centre ${typed} near the click`);
    await page.getByRole('button', { name: 'Create zone' }).click();
    await page.locator('.zone-message', { hasText: 'created' }).waitFor({ timeout: 5000 });
    const { zones } = await api<{ zones: { name: string; radius_km?: number | null }[] }>('/api/watch-zones');
    const z = zones.find((x) => x.name === 'Saraqib school');
    assert.ok(z, 'the API lists the new zone');
    assert.equal(z.radius_km, 3);
    await page.waitForFunction(() => window.frontlineMap!.querySourceFeatures('zones').some((f) => f.properties['name'] === 'Saraqib school'), null, { timeout: 5000 });
    // a centre that is not "lat, lon" is refused in the form, as text, before any request
    await page.getByLabel('Zone name').fill('Nowhere');
    await page.getByLabel('Centre (lat, lon)').fill('north of here');
    await page.getByRole('button', { name: 'Create zone' }).click();
    await page.locator('.zone-message', { hasText: 'Set the centre' }).waitFor({ timeout: 5000 });
    await ctx.close();
  });

  test('the table lists the events and sorts by fatalities', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    assert.deepEqual((await rowIds(page)).sort(), events.map((e) => e.event_id_cnty).sort());
    await page.getByRole('button', { name: /Fatalities/ }).click();
    await page.waitForURL(/sort=fatalities_desc/);
    await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"]')?.textContent?.includes('Fatalities'));
    const fat = await page.$$eval('table.events tbody td.num', (tds) => tds.map((td) => parseInt(td.textContent ?? '0', 10)));
    assert.deepEqual(fat, [...fat].sort((a, b) => b - a));
    await ctx.close();
  });

  test('filters change the URL and the list, and a shared URL restores them', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    const type = events[0]!.event_type;
    const expected = events.filter((e) => e.event_type === type).map((e) => e.event_id_cnty).sort();
    await page.getByLabel('Event type', { exact: true }).selectOption(type);
    await page.waitForURL((u) => u.searchParams.get('event_type') === type);
    await page.waitForFunction((n) => document.querySelectorAll('table.events tbody tr').length === n, expected.length);
    assert.deepEqual((await rowIds(page)).sort(), expected);
    await page.waitForFunction((n) => window.frontline!.mapCount() === n, expected.length, { timeout: 5000 });
    // the CSV download is the export of the same filter
    const href = await page.getByRole('link', { name: /CSV/ }).getAttribute('href');
    assert.equal(new URL(href!, base).searchParams.get('event_type'), type);
    const csv = await (await fetch(new URL(href!, base))).text();
    assert.match(csv.split('\n')[0]!, /^event_id_cnty,event_date,year,/);
    for (const id of expected) assert.ok(csv.includes(id), `${id} in the CSV`);
    for (const e of events.filter((x) => x.event_type !== type)) assert.ok(!csv.includes(e.event_id_cnty), `${e.event_id_cnty} not in the CSV`);

    const minF = Math.max(...events.map((e) => e.fatalities));
    await page.getByLabel('Event type', { exact: true }).selectOption('');
    await page.getByLabel('Min. fatalities').fill(String(minF));
    await page.getByLabel('Min. fatalities').press('Enter');
    await page.waitForURL((u) => u.searchParams.get('min_fatalities') === String(minF) && !u.searchParams.has('event_type'));
    const withMin = (await listAll(`min_fatalities=${minF}`)).map((e) => e.event_id_cnty).sort();
    await page.waitForFunction((n) => document.querySelectorAll('table.events tbody tr').length === n, withMin.length);
    assert.deepEqual((await rowIds(page)).sort(), withMin);

    // the URL is the view: open it fresh in another page
    const shared = page.url();
    const other = await ctx.newPage();
    other.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await openDashboard(other, new URL(shared).search);
    assert.equal(await other.getByLabel('Min. fatalities').inputValue(), String(minF));
    assert.deepEqual((await rowIds(other)).sort(), withMin);

    // brushing the timeline sets from/to
    const box = (await page.locator('#timeline svg').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.45, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.98, box.y + 40, { steps: 4 });
    await page.mouse.up();
    await page.waitForURL((u) => u.searchParams.has('from') && u.searchParams.has('to'));
    const u = new URL(page.url());
    assert.match(u.searchParams.get('from')!, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(u.searchParams.get('from')! <= u.searchParams.get('to')!);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), u.searchParams.get('from'));

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForURL((x) => x.search === '');
    await page.waitForFunction((n) => document.querySelectorAll('table.events tbody tr').length === n, events.length);
    await ctx.close();
  });

  test('the event page shows every field, the sources and the evidence highlighted and labelled', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    const ev = events.find((e) => e.evidence.length > 0 && e.sources.some((s) => s.document_id === 'web-test-1')) ?? events.find((e) => e.evidence.length > 0) ?? events[0]!;
    await page.locator(`tr[data-id="${ev.event_id_cnty}"] a`).click();
    await page.waitForURL(new RegExp(`#/event/${encodeURIComponent(ev.event_id_cnty)}$`));
    await page.locator('#event-title').waitFor();
    assert.equal(await page.locator('#dashboard').isVisible(), false);
    const detail = await api<EventDetailResponse>(`/api/events/${encodeURIComponent(ev.event_id_cnty)}`);
    assert.equal(await page.locator('dd[data-field="sub_event_type"]').innerText().then((t) => t.startsWith(detail.sub_event_type)), true);
    assert.equal(await page.locator('dd[data-field="location"]').innerText().then((t) => t.startsWith(detail.location)), true);
    assert.equal(await page.locator('ul.sources li').count(), detail.sources.length);
    // the source text is shown verbatim (markup in it stays text) and each evidence span is a labelled <mark>
    const doc = detail.documents[0]!;
    const shown = await page.locator('.doc-text').first().evaluate((el) => {
      const c = el.cloneNode(true) as HTMLElement;
      c.querySelectorAll('.ev-label').forEach((x) => x.remove());
      return { text: c.textContent, elements: [...el.querySelectorAll('*')].map((x) => x.tagName.toLowerCase()) };
    });
    assert.equal(shown.text, doc.text);
    assert.ok(shown.elements.every((t) => t === 'mark' || t === 'span'), `only marks and labels inside the text: ${shown.elements.join(',')}`);
    const inDoc = detail.evidence.filter((x) => x.document_id === doc.id);
    assert.ok(inDoc.length > 0, 'the extractor recorded evidence');
    const marks = await page.locator('.doc-text mark.ev').allInnerTexts();
    for (const x of inDoc) assert.ok(marks.join('|').includes(x.text) || marks.some((m) => x.text.includes(m)), `evidence "${x.text}" highlighted`);
    const labels = await page.locator('.doc-text .ev-label').allInnerTexts();
    assert.ok(labels.length > 0);
    if (inDoc.some((x) => x.field === 'actor1')) assert.ok(labels.some((l) => /actor/i.test(l)));
    if (inDoc.some((x) => x.field === 'location')) assert.ok(labels.some((l) => /place/i.test(l)));
    if (inDoc.some((x) => x.field === 'event_date')) assert.ok(labels.some((l) => /date/i.test(l)));
    if (doc.text.includes('<b>')) assert.ok(shown.text?.includes('<b>the worst</b>'));
    // markup in a title stays text too
    const titled = detail.documents.find((d) => d.title?.includes('<img'));
    assert.ok(titled, 'the test report with markup in its title is a source of this event');
    assert.equal(await page.locator(`article[data-doc="${titled.id}"] h4`).innerText(), titled.title);
    assert.equal(await page.locator('article.doc img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    await page.screenshot({ path: path.join(RESULTS, 'event-page.png'), fullPage: true });
    // keyboard: the evidence button of a field moves focus to its highlight
    await page.locator('dd[data-field="location"] button.evlink, dd[data-field="actor1"] button.evlink').first().focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'MARK');
    // back to the dashboard
    await page.getByRole('link', { name: /Back to the dashboard/ }).click();
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    await ctx.close();
  });

  test('review: confirm, edit a field (shown as edited), reject, unmerge', async (t) => {
    const { ctx, page } = await newPage();
    const ev = events[events.length - 1]!;
    await page.goto(`${base}/#/event/${encodeURIComponent(ev.event_id_cnty)}`);
    await page.locator('#event-title').waitFor();
    await page.getByLabel('Reviewer').fill('Test Analyst');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.status-line .badge-confirmed').waitFor();
    assert.equal((await api<StoredEvent>(`/api/events/${encodeURIComponent(ev.event_id_cnty)}`)).review_status, 'confirmed');

    await page.getByLabel('Edit field').selectOption('fatalities');
    await page.getByLabel('New value').fill(String(ev.fatalities + 7));
    await page.getByRole('button', { name: 'Save edit' }).click();
    await page.locator('.status-line .badge-edited').waitFor();
    assert.match(await page.locator('.status-line').innerText(), /Edited/);
    assert.equal(await page.locator('dd[data-field="fatalities"]').innerText().then((t) => parseInt(t, 10)), ev.fatalities + 7);
    const after = await api<EventDetailResponse>(`/api/events/${encodeURIComponent(ev.event_id_cnty)}`);
    assert.equal(after.fatalities, ev.fatalities + 7);
    assert.equal(after.review_status, 'edited');
    assert.ok(after.reviews.some((r) => r.reviewer === 'Test Analyst' && r.action === 'edit'));
    // the dashboard shows it as edited
    await page.getByRole('link', { name: /Back to the dashboard/ }).click();
    await page.locator(`tr[data-id="${ev.event_id_cnty}"] .badge-edited`).waitFor();
    // the map, loaded while hidden behind the event page, is fitted once shown: the events are in view
    await page.waitForFunction(() => window.frontlineMap!.queryRenderedFeatures({ layers: ['events', 'clusters'] }).length > 0, null, { timeout: 5000 });

    // unmerge: a second report of the Sarmin shelling merges into its event; split it back out
    const second = await postDoc({
      id: 'web-test-1b', published: '2024-07-21', source: 'Second test outlet', title: 'Sarmin shelled',
      text: 'Government forces shelled Sarmin in Idlib province on Saturday, killing three civilians, a monitoring group said.',
    });
    const merged = second.events.find((e) => e.sources.length > 1);
    if (merged) {
      await page.goto(`${base}/#/event/${encodeURIComponent(merged.event_id_cnty)}`);
      await page.locator('#event-title').waitFor();
      await page.getByLabel('Reviewer').fill('Test Analyst');
      const n = await page.locator('ul.sources li').count();
      assert.equal(n, merged.sources.length);
      await page.locator('ul.sources li', { hasText: 'Second test outlet' }).getByRole('button', { name: 'Unmerge this source' }).click();
      await page.locator('.message', { hasText: /Unmerged|failed/ }).waitFor();
      assert.match(await page.locator('.message').innerText(), /Unmerged/);
      assert.equal(await page.locator('ul.sources li').count(), n - 1);
    } else {
      t.diagnostic('the second Sarmin report did not merge into the first, so unmerge was not exercised');
    }

    await page.goto(`${base}/#/event/${encodeURIComponent(ev.event_id_cnty)}`);
    await page.locator('#event-title').waitFor();
    await page.getByLabel('Reviewer').fill('Test Analyst');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.locator('.status-line .badge-rejected').waitFor();
    await ctx.close();
    events = await listAll();
  });

  test('a report posted to the API appears on the open dashboard within 2 s, highlighted', async (t) => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    await page.waitForFunction(() => window.frontline!.liveConnected === true, null, { timeout: 10_000 });
    const before = await page.evaluate(() => window.frontline!.mapCount());
    const t0 = Date.now();
    const res = await postDoc(LIVE_REPORT);
    assert.ok(res.events.length > 0, 'the live report gives an event');
    const id = res.events[0]!.event_id_cnty;
    await page.locator(`tr[data-id="${id}"]`).waitFor({ timeout: 2000 });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed <= 2000, `appeared after ${elapsed} ms`);
    t.diagnostic(`POST to row on the open dashboard: ${elapsed} ms`);
    assert.ok(await page.locator(`tr[data-id="${id}"]`).evaluate((tr) => tr.classList.contains('flash')));
    assert.equal(await page.evaluate(() => window.frontline!.mapCount()), before + res.events.filter((e) => !e.sources || e.sources.length === 1).length);
    // the map pulses at the new event's place
    const ev0 = res.events[0]!;
    const off = await page.evaluate(([lon, lat]) => {
      const m = window.frontlineMap!;
      const p = m.project([lon, lat]);
      const c = m.getCanvas().getBoundingClientRect();
      const r = document.querySelector('.pulse-anchor')!.getBoundingClientRect();
      return Math.hypot(r.left + r.width / 2 - (c.left + p.x), r.top + r.height / 2 - (c.top + p.y));
    }, [ev0.longitude!, ev0.latitude!] as [number, number]);
    assert.ok(off < 3, `pulse drawn at the event (${off.toFixed(1)} px off)`);
    // the event falls in the Binnish watch zone: the alert arrives on the stream and is shown
    await page.locator('#alerts .alert', { hasText: 'Binnish clinic' }).waitFor({ timeout: 5000 });
    await page.screenshot({ path: path.join(RESULTS, 'live-update.png') });
    await ctx.close();
  });

  test('on a phone: one column, no sideways scrolling, filters folded but reachable', async () => {
    const { ctx, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await openDashboard(page);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal overflow');
    assert.equal(await page.getByLabel('Event type', { exact: true }).isVisible(), false, 'filters start folded');
    await page.locator('#filters-details summary').click();
    assert.equal(await page.getByLabel('Event type', { exact: true }).isVisible(), true);
    assert.ok((await page.locator('#map').boundingBox())!.width >= 360);
    await page.screenshot({ path: path.join(RESULTS, 'dashboard-phone.png'), fullPage: true });
    await ctx.close();
  });

  test('the table pages with the cursor; a cluster count is a button that zooms in', async () => {
    const actor = 'Paging Test Brigade';
    const many = Array.from({ length: 60 }, (_, i) => codedEvent(`PAGE${String(i).padStart(3, '0')}`, {
      actor1: actor, event_date: `2024-06-${String(1 + (i % 28)).padStart(2, '0')}`,
      latitude: 35.9 + (i % 10) * 0.004, longitude: 36.7 + Math.floor(i / 10) * 0.004, location: `Test hamlet ${i}`,
    }));
    assert.equal(await store.bulkInsert(many), 60);
    const { ctx, page } = await newPage();
    await openDashboard(page, `?actor=${encodeURIComponent(actor)}`);
    assert.equal(await page.getByLabel('Actor').inputValue(), actor);
    const first = await rowIds(page);
    assert.equal(first.length, 50);
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 10);
    const second = await rowIds(page);
    assert.deepEqual([...first, ...second].sort(), many.map((e) => e.event_id_cnty).sort(), 'the two pages hold every event once');
    assert.equal(await page.getByRole('button', { name: 'Next →' }).isDisabled(), true);
    await page.getByRole('button', { name: '← Previous' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length === 50);
    assert.deepEqual(await rowIds(page), first);
    // 60 events within a few hundred metres: clustered at the fitted zoom; Enter on the count zooms in
    const cluster = page.locator('.cluster-count').first();
    await cluster.waitFor();
    const z0 = await page.evaluate(() => window.frontlineMap!.getZoom());
    await cluster.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((z) => window.frontlineMap!.getZoom() > z + 0.5, z0, { timeout: 5000 });
    await ctx.close();
  });

  test('keyboard: skip link, labelled controls, sortable headers are buttons', async () => {
    const { ctx, page } = await newPage();
    await openDashboard(page);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the event table');
    const unlabelled = await page.$$eval('#filters input:not([hidden]), #filters select', (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    // type in the search box with the keyboard; the URL follows
    await page.getByLabel('Search text').focus();
    await page.keyboard.type('Saraqib');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === 'Saraqib');
    // the timeline brushes from the keyboard too: first day, widened by two days, Enter
    await page.goto(`${base}/`);
    await page.locator('#timeline svg').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.has('from') && u.searchParams.has('to'));
    const u = new URL(page.url());
    const days = (Date.parse(u.searchParams.get('to')!) - Date.parse(u.searchParams.get('from')!)) / 86_400_000;
    assert.equal(days, 2);
    await page.keyboard.press('Escape');
    await page.waitForURL((x) => !x.searchParams.has('from'));
    await ctx.close();
  });

  test('with more events than the map loads: 3 pages of 1,000, a note, and the events in view after a move', async () => {
    const actor = 'Cap Test Column';
    const n = 3300;
    const many = Array.from({ length: n }, (_, i) => codedEvent(`CAP${String(i).padStart(5, '0')}`, {
      actor1: actor, event_date: new Date(Date.UTC(2023, 0, 1) + (i % 400) * 86_400_000).toISOString().slice(0, 10),
      latitude: 33 + (i % 60) * 0.05, longitude: 36 + Math.floor(i / 60) * 0.06, location: `Cap place ${i}`,
    }));
    assert.equal(await store.bulkInsert(many), n);
    const { ctx, page } = await newPage();
    const pages: string[] = [];
    page.on('request', (r) => { if (/\/api\/events\?.*limit=1000/.test(r.url())) pages.push(r.url()); });
    await openDashboard(page, `?actor=${encodeURIComponent(actor)}`);
    assert.equal(await page.evaluate(() => window.frontline!.mapCount()), 3000);
    assert.equal(pages.length, 3, 'three pages of 1,000');
    assert.match(await page.locator('#map-note').innerText(), /3,000 most recent/);
    // zoom into a corner: the map loads the events in view (bbox)
    const inView = page.waitForRequest((r) => /\/api\/events\?.*bbox=/.test(r.url()), { timeout: 60_000 });
    await page.evaluate(() => window.frontlineMap!.jumpTo({ center: [36.2, 33.2], zoom: 9 }));
    const req = await inView;
    const bbox = new URL(req.url()).searchParams.get('bbox')!.split(',').map(Number);
    assert.ok(bbox[0]! < 36.2 && bbox[2]! > 36.2 && bbox[1]! < 33.2 && bbox[3]! > 33.2, `bbox ${bbox.join(',')} holds the view`);
    await page.waitForFunction(() => window.frontline!.mapCount() < 3000, null, { timeout: 10_000 });
    await ctx.close();
  });
});
