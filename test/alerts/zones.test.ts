import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { distance } from '@turf/distance';
import {
  createAlerter,
  distanceToZoneKm,
  matchEvent,
  parseZoneInput,
  parseZoneInputs,
  verifySignature,
  WatchRepository,
  zonesToGeoJSON,
  type Alert,
  type Zone,
} from '../../src/alerts/index.js';
import { makeEvent, northOf, tempRepo } from './helpers.js';

const OUTPOST: [number, number] = [36.7, 35.85]; // lon, lat

test('an alert fires exactly once for an event 4.9 km from a watched outpost, none at 6 km', async () => {
  const t = tempRepo();
  try {
    const zone = t.repo.addZone(
      parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 5 }),
    );
    const seen: Alert[] = [];
    const alerter = createAlerter({ repo: t.repo, onAlert: (a) => seen.push(a), webhooks: false });
    const [lonIn, latIn] = northOf(OUTPOST, 4.9);
    const [lonOut, latOut] = northOf(OUTPOST, 6);
    assert.ok(Math.abs(distance(OUTPOST, [lonIn, latIn]) - 4.9) < 0.01);
    assert.ok(Math.abs(distance(OUTPOST, [lonOut, latOut]) - 6) < 0.01);

    const near = makeEvent({ latitude: latIn, longitude: lonIn, location: 'Near village' });
    const far = makeEvent({ latitude: latOut, longitude: lonOut, location: 'Far village' });

    const first = alerter.handle({ kind: 'created', event: near });
    assert.equal(first.length, 1);
    assert.equal(first[0]!.zone_id, zone.id);
    assert.equal(first[0]!.event_id, near.event_id_cnty);
    assert.ok(Math.abs(first[0]!.distance_km! - 4.9) < 0.01);
    assert.match(first[0]!.message, /Outpost: Shelling\/artillery\/missile attack in Near village/);
    // The same event again, created or updated: no second alert.
    assert.equal(alerter.handle({ kind: 'created', event: near }).length, 0);
    assert.equal(alerter.handle({ kind: 'updated', event: { ...near, fatalities: 3 } }).length, 0);
    assert.equal(alerter.handle({ kind: 'created', event: far }).length, 0);
    assert.equal(alerter.handle({ kind: 'deleted', event: near }).length, 0);

    await alerter.idle();
    assert.equal(seen.length, 1, 'the listener hears the alert once');
    assert.equal(t.repo.listAlerts().length, 1);

    // Once per (zone, event) holds across a restart too.
    t.repo.close();
    const reopened = new WatchRepository(t.path);
    try {
      const again = createAlerter({ repo: reopened, webhooks: false });
      assert.equal(again.handle({ kind: 'updated', event: near }).length, 0);
      assert.equal(reopened.listAlerts().length, 1);
      assert.equal(reopened.listAlerts()[0]!.data.event && (reopened.listAlerts()[0]!.data.event as { location: string }).location, 'Near village');
    } finally {
      reopened.close();
    }
  } finally {
    t.cleanup();
  }
});

test('an event updated from outside to inside a zone raises its alert then', () => {
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 5 }));
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    const [lon, lat] = northOf(OUTPOST, 30);
    const ev = makeEvent({ latitude: lat, longitude: lon });
    assert.equal(alerter.handle({ kind: 'created', event: ev }).length, 0);
    const moved = alerter.handle({ kind: 'updated', event: { ...ev, latitude: OUTPOST[1], longitude: OUTPOST[0] } });
    assert.equal(moved.length, 1);
    assert.equal(moved[0]!.change, 'updated');
  } finally {
    t.cleanup();
  }
});

test('the M4 line zone with a 5 km buffer catches events along the road and not beyond', () => {
  const fc = JSON.parse(readFileSync(new URL('../../data/watch/idlib-example.geojson', import.meta.url), 'utf8'));
  const inputs = parseZoneInputs(fc);
  assert.equal(inputs.length, 3);
  const m4Input = inputs.find((z) => z.geometry.type === 'LineString')!;
  assert.equal(m4Input.radius_km, 5, 'buffer_km is read as the radius');
  const m4: Zone = { ...m4Input, id: 'm4', radius_km: 5, filters: m4Input.filters ?? {}, description: null, created_at: '' };

  // On a vertex (Ariha), 3 km north of the segment midpoint between two vertices, and 8 km north of it.
  const ariha = makeEvent({ longitude: 36.6092, latitude: 35.8128 });
  const mid: [number, number] = [(36.5200 + 36.4440) / 2, (35.7750 + 35.7760) / 2];
  const [lon3, lat3] = northOf(mid, 3);
  const [lon8, lat8] = northOf(mid, 8);
  const beside = makeEvent({ longitude: lon3, latitude: lat3 });
  const beyond = makeEvent({ longitude: lon8, latitude: lat8 });
  const saraqibEastFar = makeEvent({ longitude: 37.2, latitude: 35.86 }); // well past the segment's eastern end

  assert.ok(matchEvent(m4, ariha));
  assert.equal(matchEvent(m4, ariha)!.distance_km < 0.01, true);
  const b = matchEvent(m4, beside);
  assert.ok(b, 'an event 3 km off the road is inside the 5 km buffer');
  assert.ok(Math.abs(b.distance_km - 3) < 0.1, `distance ${b.distance_km}`);
  assert.equal(matchEvent(m4, beyond), null, 'an event 8 km off the road is outside');
  assert.equal(matchEvent(m4, saraqibEastFar), null, 'the buffer ends with the line');

  // Through the alerter, as a stored zone.
  const t = tempRepo();
  try {
    for (const i of inputs) t.repo.addZone(i);
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    const M4 = 'M4 highway, Saraqib to Jisr al-Shughur (example)';
    const hits = alerter.handle({ kind: 'created', event: beside }).map((h) => h.zone_name);
    assert.ok(hits.includes(M4), `alerts: ${hits.join(', ')}`);
    // (it is also within 20 km of the example clinic, which is right)
    const far = alerter.handle({ kind: 'created', event: beyond }).map((h) => h.zone_name);
    assert.ok(!far.includes(M4));
  } finally {
    t.cleanup();
  }
});

test('polygons, filters (type, actor, fatalities, precision) and rejected events', () => {
  const poly = parseZoneInput({
    type: 'Feature',
    properties: { name: 'Box', min_fatalities: 1 },
    geometry: { type: 'Polygon', coordinates: [[[36.45, 35.6], [36.66, 35.6], [36.66, 35.755], [36.45, 35.755], [36.45, 35.6]]] },
  });
  const box: Zone = { ...poly, id: 'box', radius_km: 0, filters: poly.filters ?? {}, description: null, created_at: '' };
  const inside = makeEvent({ longitude: 36.55, latitude: 35.68, fatalities: 2 });
  assert.ok(matchEvent(box, inside));
  assert.equal(distanceToZoneKm(box, [36.55, 35.68]), 0);
  assert.equal(matchEvent(box, { ...inside, fatalities: 0 }), null, 'min_fatalities');
  assert.equal(matchEvent(box, { ...inside, longitude: 36.8 }), null, 'outside the polygon');
  assert.equal(matchEvent(box, { ...inside, review_status: 'rejected' }), null, 'rejected events never alert');
  assert.equal(matchEvent(box, { ...inside, geo_precision: 3 }), null, 'province-level placement does not count by default');
  assert.equal(matchEvent(box, { ...inside, latitude: null, longitude: null }), null);

  const pt = parseZoneInput({
    name: 'Clinic',
    geometry: { type: 'Point', coordinates: [36.6339, 35.9306] },
    radius_km: 20,
    filters: { event_types: ['Battles'], actor: 'tahrir', max_geo_precision: 3 },
  });
  const clinic: Zone = { ...pt, id: 'c', radius_km: 20, filters: pt.filters!, description: null, created_at: '' };
  const clash = makeEvent({ event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Military Forces of Syria', actor2: 'Hayat Tahrir al-Sham', longitude: 36.63, latitude: 35.93, geo_precision: 3 });
  assert.ok(matchEvent(clinic, clash));
  assert.equal(matchEvent(clinic, { ...clash, actor2: 'Someone Else' }), null, 'actor filter');
  assert.equal(matchEvent(clinic, { ...clash, event_type: 'Protests', sub_event_type: 'Peaceful protest' }), null, 'type filter');
});

test('zone input validation gives clear errors; GeoJSON round-trips', () => {
  assert.throws(() => parseZoneInput({ name: 'P', geometry: { type: 'Point', coordinates: [36, 35] } }), /radius_km/);
  assert.throws(() => parseZoneInput({ name: 'P', geometry: { type: 'Point', coordinates: [200, 35] }, radius_km: 1 }));
  assert.throws(
    () => parseZoneInput({ name: 'Open', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } }),
    /closed/,
  );
  assert.throws(() => parseZoneInput({ name: 'L', geometry: { type: 'LineString', coordinates: [[0, 0]] }, radius_km: 2 }));
  assert.throws(() => parseZoneInput({ name: '', geometry: { type: 'Point', coordinates: [0, 0] }, radius_km: 2 }));
  assert.throws(() => parseZoneInput({ name: 'x', geometry: { type: 'Point', coordinates: [0, 0] }, radius_km: 2, extra: 1 }));

  const t = tempRepo();
  try {
    const fc = JSON.parse(readFileSync(new URL('../../data/watch/idlib-example.geojson', import.meta.url), 'utf8'));
    for (const i of parseZoneInputs(fc)) t.repo.addZone(i);
    assert.throws(() => t.repo.addZone(parseZoneInputs(fc)[0]!), /already exists/);
    const out = zonesToGeoJSON(t.repo.listZones());
    const back = parseZoneInputs(JSON.parse(JSON.stringify(out)).features.map((f: { properties: Record<string, unknown> }) => {
      // created_at/id are output-only: strip them as a client would before re-importing
      const { id: _i, created_at: _c, ...p } = f.properties;
      return { ...f, properties: p };
    }));
    assert.deepEqual(back.map((z) => [z.name, z.geometry.type, z.radius_km]), [
      ['Idlib city clinic (example)', 'Point', 20],
      ['M4 highway, Saraqib to Jisr al-Shughur (example)', 'LineString', 5],
      ['Jabal al-Zawiya area (example)', 'Polygon', 0],
    ]);
    assert.equal(t.repo.getZone('idlib city clinic (example)')!.filters.event_types!.length, 3);
    assert.ok(t.repo.removeZone('Jabal al-Zawiya area (example)'));
    assert.equal(t.repo.listZones().length, 2);
  } finally {
    t.cleanup();
  }
});

test('webhooks get HMAC-signed alerts, retried with back-off after a 500, without blocking handle()', async () => {
  const bodies: { body: string; sig: string | undefined; attempt: number }[] = [];
  const deliveryIds: string[] = [];
  let calls = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      calls++;
      bodies.push({ body: Buffer.concat(chunks).toString('utf8'), sig: req.headers['x-frontline-signature'] as string, attempt: calls });
      deliveryIds.push(req.headers['x-frontline-delivery'] as string);
      // fail the first two attempts, slowly, then accept
      if (calls <= 2) setTimeout(() => res.writeHead(500).end('nope'), 50);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 5 }));
    const secret = 'a-test-secret-of-some-length';
    const hook = t.repo.addWebhook(`http://127.0.0.1:${port}/hook`, secret);
    const results: boolean[] = [];
    const alerter = createAlerter({
      repo: t.repo,
      webhooks: { baseDelayMs: 20, maxAttempts: 5, timeoutMs: 2000, onResult: (r) => results.push(r.ok) },
    });
    const started = performance.now();
    const alerts = alerter.handle({ kind: 'created', event: makeEvent({ longitude: OUTPOST[0], latitude: OUTPOST[1] }) });
    assert.equal(alerts.length, 1);
    assert.equal(calls, 0, 'handle() returned before any delivery started');
    assert.ok(performance.now() - started < 200);
    await alerter.idle();
    assert.equal(calls, 3, 'two failures, then delivered');
    assert.deepEqual(results, [true]);
    for (const b of bodies) {
      assert.ok(verifySignature(secret, b.body, b.sig), 'signature verifies over the raw body');
      assert.match(b.sig!, /^sha256=[0-9a-f]{64}$/);
      assert.equal(JSON.parse(b.body).alert.id, alerts[0]!.id);
    }
    assert.equal(verifySignature('wrong-secret', bodies[0]!.body, bodies[0]!.sig), false);
    const d = t.repo.listDeliveries(alerts[0]!.id);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.webhook_id, hook.id);
    assert.equal(d[0]!.status, 'delivered');
    assert.equal(d[0]!.attempts, 3);
    alerter.close();
    // (the delivery id stays the same across the retries)
    assert.equal(new Set(deliveryIds).size, 1);
    assert.equal(deliveryIds[0], String(d[0]!.id));
  } finally {
    t.cleanup();
    await new Promise((r) => server.close(r));
  }
});

test('a throwing alert listener does not break the caller', async () => {
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 5 }));
    const errors: unknown[] = [];
    const alerter = createAlerter({
      repo: t.repo,
      webhooks: false,
      onAlert: () => {
        throw new Error('listener bug');
      },
      onError: (e) => errors.push(e),
    });
    const out = alerter.handle({ kind: 'created', event: makeEvent({ longitude: OUTPOST[0], latitude: OUTPOST[1] }) });
    assert.equal(out.length, 1);
    await alerter.idle();
    assert.equal(errors.length, 1);
  } finally {
    t.cleanup();
  }
});

test('a zone added by another process (the CLI while serve runs) is seen at once', () => {
  const t = tempRepo();
  const other = new WatchRepository(t.path);
  try {
    const alerter = createAlerter({ repo: t.repo, webhooks: false });
    const ev = makeEvent({ longitude: OUTPOST[0], latitude: OUTPOST[1] });
    assert.equal(alerter.handle({ kind: 'created', event: ev }).length, 0);
    other.addZone(parseZoneInput({ name: 'Late zone', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 1 }));
    assert.equal(alerter.handle({ kind: 'updated', event: ev }).length, 1);
    other.removeZone('Late zone');
    assert.equal(t.repo.listZones().length, 0);
  } finally {
    other.close();
    t.cleanup();
  }
});

test('the bbox prefilter never rejects a point that is inside (high latitude, large radius)', () => {
  const zi = parseZoneInput({ name: 'North', geometry: { type: 'Point', coordinates: [30, 60] }, radius_km: 100 });
  const zone: Zone = { ...zi, id: 'n', radius_km: 100, filters: {}, description: null, created_at: '' };
  // Walk east until the geodesic distance reaches 99.9 km.
  let lon = 30;
  while (distance([30, 60], [lon + 0.001, 60]) < 99.9) lon += 0.001;
  assert.ok(matchEvent(zone, makeEvent({ longitude: lon, latitude: 60 })), `lon ${lon}`);
  assert.equal(matchEvent(zone, makeEvent({ longitude: lon + 0.05, latitude: 60 })), null);
  assert.ok(matchEvent(zone, makeEvent({ longitude: 30, latitude: northOf([30, 60], 99.9)[1] })));
});

test('webhook deliveries cut short by a restart are resumed by the next process', async () => {
  let received = 0;
  let sig: string | undefined;
  let body = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received++;
      body = Buffer.concat(chunks).toString('utf8');
      sig = req.headers['x-frontline-signature'] as string;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const t = tempRepo();
  try {
    t.repo.addZone(parseZoneInput({ name: 'Outpost', geometry: { type: 'Point', coordinates: OUTPOST }, radius_km: 5 }));
    t.repo.addWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, 'another-secret-0123456789');
    // First process: the alert is raised and recorded, then the process stops before delivering.
    const first = createAlerter({ repo: t.repo });
    first.handle({ kind: 'created', event: makeEvent({ longitude: OUTPOST[0], latitude: OUTPOST[1] }) });
    first.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(received, 0);
    assert.equal(t.repo.listDeliveries()[0]!.status, 'pending');
    // Next process: resumes it.
    const second = createAlerter({ repo: t.repo, webhooks: { resume: true, baseDelayMs: 10 } });
    await second.idle();
    assert.equal(received, 1);
    assert.ok(verifySignature('another-secret-0123456789', body, sig));
    assert.equal(t.repo.listDeliveries()[0]!.status, 'delivered');
    second.close();
  } finally {
    t.cleanup();
    await new Promise((r) => server.close(r));
  }
});
