/**
 * End to end with the real parts: a local RSS feed → the poller → the real extractor and geocoder →
 * the real SQLite Store → its change events → the alerter → an alert for the watched town, and none for
 * a report from elsewhere. Fixture reports are written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { createExtractor } from '../../src/extract/index.js';
import { loadGeocoder } from '../../src/geo/index.js';
import { parseZoneInput, startAlertsService, type Alert } from '../../src/alerts/index.js';
import { tempRepo } from './helpers.js';

const PAGES: Record<string, string> = {
  '/news/1': `<html><head><title>Shelling in Sarmin</title></head><body><nav>Home | World</nav><article>
    <p>Government forces shelled the town of Sarmin in Idlib province on Monday, killing two civilians, a local monitoring group said.</p>
    <p>Residents said the shells fell near the main market in the early afternoon and that ambulances took the wounded to a nearby hospital.</p>
    <p>The area has seen repeated bombardment in recent weeks, according to aid workers who asked not to be named.</p>
    </article><footer>All rights reserved.</footer></body></html>`,
  '/news/2': `<html><head><title>Protest in Daraa</title></head><body><article>
    <p>Hundreds of people protested peacefully in the city of Daraa on Monday against rising bread prices, witnesses said.</p>
    <p>The demonstrators gathered in the central square and dispersed in the evening without incident, the witnesses added.</p>
    <p>Local officials did not comment on the protest, which followed a week of shortages in several southern towns.</p>
    </article></body></html>`,
};

test('a feed report of shelling in a watched town raises one alert through the real pipeline', async () => {
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
        <item><title>Shelling in Sarmin</title><link>${base}/news/1</link><guid>n1</guid><pubDate>Tue, 23 Jul 2024 08:00:00 GMT</pubDate></item>
        <item><title>Protest in Daraa</title><link>${base}/news/2</link><guid>n2</guid><pubDate>Tue, 23 Jul 2024 09:00:00 GMT</pubDate></item>
        </channel></rss>`);
      return;
    }
    const page = PAGES[req.url ?? ''];
    if (page) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = tempRepo();
  const store = await openStore({ path: join(t.dir, 'events.db') });
  const extractor = createExtractor(loadGeocoder());
  try {
    t.repo.addZone(parseZoneInput({ name: 'Sarmin clinic', geometry: { type: 'Point', coordinates: [36.7239, 35.9037] }, radius_km: 5 }));
    t.repo.addFeed(`http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`, { interval_s: 3600 });
    const alerts: Alert[] = [];
    let ingested = 0;
    let gotAlert!: () => void;
    const alerted = new Promise<void>((r) => (gotAlert = r));
    let polled!: () => void;
    const polledOnce = new Promise<void>((r) => (polled = r));
    const svc = startAlertsService({
      repo: t.repo,
      store,
      ingest: async (doc) => {
        await store.ingest(doc, (d) => extractor.extract(d));
        ingested++;
      },
      onAlert: (a) => {
        alerts.push(a);
        gotAlert();
      },
      escalationIntervalMs: 0,
      webhooks: false,
      poller: { tickMs: 50, timeoutMs: 2000, onPoll: () => polled() },
    });
    await polledOnce;
    await alerted;
    await svc.alerter.idle();
    await svc.stop();
    assert.equal(ingested, 2);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.zone_name, 'Sarmin clinic');
    assert.match(alerts[0]!.message, /Shelling\/artillery\/missile attack in Sarmin/);
    const ev = (alerts[0]!.data.event as { event_id_cnty: string; sources: { url: string }[] });
    assert.match(ev.sources[0]!.url, /\/news\/1$/);
    assert.ok(await store.getEvent(ev.event_id_cnty));
    assert.equal(t.repo.listAlerts().length, 1);
  } finally {
    await store.close();
    t.cleanup();
    await new Promise((r) => server.close(r));
  }
});

test('events stored by another process (frontline ingest while serve runs) are alerted by the sweep', async () => {
  const { startAlertSweep, createAlerter } = await import('../../src/alerts/index.js');
  const { makeEvent } = await import('./helpers.js');
  const t = tempRepo();
  const path = join(t.dir, 'shared.db');
  const served = await openStore({ path });
  const other = await openStore({ path }); // stands for a separate `frontline ingest` process
  try {
    t.repo.addZone(parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: [36.7, 35.85] }, radius_km: 5 }));
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    let live = 0;
    const unsubscribe = served.subscribe((c) => (live += alerter.handle(c).length));
    const sweep = startAlertSweep({ store: served, alerter, intervalMs: 60_000 });
    const today = new Date().toISOString().slice(0, 10);
    await other.bulkInsert([
      makeEvent({ event_date: today, longitude: 36.7, latitude: 35.85 }),
      makeEvent({ event_date: today, longitude: 38.5, latitude: 35.0 }),
    ]);
    assert.equal(live, 0, 'the serving store does not hear the other process');
    const found = await sweep.sweepNow();
    assert.equal(found.length, 1);
    assert.equal(found[0]!.zone_name, 'Outpost');
    assert.equal((await sweep.sweepNow()).length, 0, 'nothing twice');
    sweep.stop();
    unsubscribe();
  } finally {
    await other.close();
    await served.close();
    t.cleanup();
  }
});
