import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { alertsRoutes, createAlerter } from '../../src/alerts/index.js';
import { makeEvent, tempRepo } from './helpers.js';
import { openStore } from '../../src/store/index.js';

async function app(repo: ReturnType<typeof tempRepo>['repo']) {
  const a = Fastify();
  await a.register(alertsRoutes, { repo });
  return a;
}

test('watch zones over HTTP: create (JSON and GeoJSON Feature), list, GeoJSON out, delete, errors', async () => {
  const t = tempRepo();
  const a = await app(t.repo);
  try {
    const created = await a.inject({
      method: 'POST', url: '/api/watch-zones',
      payload: { name: 'Outpost', geometry: { type: 'Point', coordinates: [36.7, 35.85] }, radius_km: 5, filters: { min_fatalities: 1 } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const zone = created.json();
    assert.equal(zone.name, 'Outpost');
    assert.equal(zone.radius_km, 5);

    const fc = JSON.parse(readFileSync(new URL('../../data/watch/idlib-example.geojson', import.meta.url), 'utf8'));
    const m4 = await a.inject({ method: 'POST', url: '/api/watch-zones', payload: fc.features[1] });
    assert.equal(m4.statusCode, 201, m4.body);
    assert.equal(m4.json().radius_km, 5);

    const list = await a.inject({ url: '/api/watch-zones' });
    assert.deepEqual(list.json().zones.map((z: { name: string }) => z.name), ['Outpost', 'M4 highway, Saraqib to Jisr al-Shughur (example)']);
    const geo = await a.inject({ url: '/api/watch-zones?format=geojson' });
    assert.match(geo.headers['content-type'] as string, /geo\+json/);
    assert.equal(geo.json().type, 'FeatureCollection');
    assert.equal(geo.json().features[0].properties.min_fatalities, 1);

    const dup = await a.inject({ method: 'POST', url: '/api/watch-zones', payload: { name: 'outpost', geometry: { type: 'Point', coordinates: [1, 1] }, radius_km: 1 } });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.json().message, /already exists/);

    const bad = await a.inject({ method: 'POST', url: '/api/watch-zones', payload: { name: 'X', geometry: { type: 'Point', coordinates: [500, 1] }, radius_km: 1 } });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json()).sort(), ['error', 'message', 'statusCode']);
    assert.match(bad.json().message, /^invalid watch zone: geometry/);

    const notJson = await a.inject({ method: 'POST', url: '/api/watch-zones', headers: { 'content-type': 'application/json' }, payload: '{nope' });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().statusCode, 400);

    assert.equal((await a.inject({ method: 'DELETE', url: `/api/watch-zones/${zone.id}` })).statusCode, 204);
    const gone = await a.inject({ method: 'DELETE', url: `/api/watch-zones/${zone.id}` });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error, 'Not Found');
  } finally {
    await a.close();
    t.cleanup();
  }
});

test('alerts, feeds and webhooks over HTTP', async () => {
  const t = tempRepo();
  const a = await app(t.repo);
  try {
    await a.inject({ method: 'POST', url: '/api/watch-zones', payload: { name: 'Outpost', geometry: { type: 'Point', coordinates: [36.7, 35.85] }, radius_km: 5 } });
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    for (let i = 0; i < 3; i++) alerter.handle({ kind: 'created', event: makeEvent({ longitude: 36.7, latitude: 35.85 }) });
    const all = await a.inject({ url: '/api/alerts?limit=2' });
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().alerts.length, 2);
    const next = await a.inject({ url: `/api/alerts?limit=2&before_id=${all.json().next_before_id}` });
    assert.equal(next.json().alerts.length, 1);
    assert.equal((await a.inject({ url: '/api/alerts?zone=outpost&kind=event' })).json().alerts.length, 3);
    assert.equal((await a.inject({ url: '/api/alerts?zone=nowhere' })).statusCode, 404);
    const badQ = await a.inject({ url: '/api/alerts?limit=abc' });
    assert.equal(badQ.statusCode, 400);
    assert.match(badQ.json().message, /limit/);
    assert.equal((await a.inject({ url: '/api/alerts?bogus=1' })).statusCode, 400);

    const feed = await a.inject({ method: 'POST', url: '/api/feeds', payload: { url: 'https://example.org/feed.xml', interval_s: 600 } });
    assert.equal(feed.statusCode, 201, feed.body);
    assert.equal(feed.json().status, 'pending');
    assert.equal((await a.inject({ method: 'POST', url: '/api/feeds', payload: { url: 'https://example.org/feed.xml' } })).statusCode, 409);
    assert.equal((await a.inject({ method: 'POST', url: '/api/feeds', payload: { url: 'ftp://example.org/x' } })).statusCode, 400);
    assert.equal((await a.inject({ method: 'POST', url: '/api/feeds', payload: { url: 'https://e.org/', interval_s: 5 } })).statusCode, 400);
    const feeds = (await a.inject({ url: '/api/feeds' })).json().feeds;
    assert.equal(feeds.length, 1);
    for (const k of ['last_ok_at', 'last_error', 'next_poll_at', 'consecutive_failures', 'status']) assert.ok(k in feeds[0], k);
    assert.equal((await a.inject({ method: 'DELETE', url: `/api/feeds/${feeds[0].id}` })).statusCode, 204);

    const hook = await a.inject({ method: 'POST', url: '/api/webhooks', payload: { url: 'https://example.org/hook', zone: 'Outpost' } });
    assert.equal(hook.statusCode, 201);
    assert.match(hook.json().secret, /^[0-9a-f]{48}$/);
    const hooks = (await a.inject({ url: '/api/webhooks' })).json().webhooks;
    assert.equal(hooks.length, 1);
    assert.equal('secret' in hooks[0], false, 'secrets are not listed');
    assert.equal((await a.inject({ method: 'DELETE', url: `/api/webhooks/${hooks[0].id}` })).statusCode, 204);
  } finally {
    await a.close();
    t.cleanup();
  }
});

test('GET /api/escalations reads the store and reports a surge with its numbers', async () => {
  const t = tempRepo();
  const store = await openStore({ path: ':memory:' });
  const a = Fastify();
  await a.register(alertsRoutes, { repo: t.repo, store });
  try {
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const events = [
      // baseline: one shelling event every two weeks in Idlib; then 9 in the last week
      ...[60, 46, 32, 18].map((n) => makeEvent({ event_date: day(n), admin1: 'Idlib' })),
      ...Array.from({ length: 9 }, (_, i) => makeEvent({ event_date: day(i % 6), admin1: 'Idlib' })),
      ...Array.from({ length: 8 }, (_, i) => makeEvent({ event_date: day(i * 7), admin1: 'Aleppo', latitude: 36.2, longitude: 37.1 })),
    ];
    await store.bulkInsert(events);
    const r = await a.inject({ url: '/api/escalations' });
    assert.equal(r.statusCode, 200, r.body);
    const { escalations } = r.json();
    assert.equal(escalations.length, 1);
    assert.equal(escalations[0].area, 'Idlib');
    assert.match(escalations[0].message, /^Shelling events in Idlib: 9 in the last 7 days vs 0\.5\/week baseline/);
    assert.equal((await a.inject({ url: '/api/escalations?admin1=Aleppo' })).json().escalations.length, 0);
    assert.equal((await a.inject({ url: '/api/escalations?alpha=2' })).statusCode, 400);
  } finally {
    await a.close();
    await store.close();
    t.cleanup();
  }
});
