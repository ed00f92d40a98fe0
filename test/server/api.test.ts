/**
 * The HTTP API over a real store (SQLite in memory; PostgreSQL too when FRONTLINE_DATABASE_URL is set),
 * through fastify.inject: filters, sorting, cursor pagination, stats, event detail, 400/404 JSON errors,
 * exports, review, token auth, OpenAPI, security headers and the dashboard host.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parse as parseCsv } from 'csv-parse/sync';
import { ACLED_CSV_COLUMNS, type StoredEvent } from '../../src/model/index.js';
import type { Store } from '../../src/store/types.js';
import { buildServer } from '../../src/server/index.js';
import { loopbackAllowedHosts } from '../../src/server/auth.js';
import { BACKENDS, codedEvent, makeApp, noExtractor, runToken } from './helpers.js';

for (const backend of BACKENDS) {
  describe(`API on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    const T = runToken();
    const id = (n: number) => `${T}-E${n}`;
    const get = async (url: string) => {
      const res = await app.inject({ url });
      return { status: res.statusCode, body: res.json() as Record<string, unknown>, res };
    };
    const ids = (body: Record<string, unknown>) => (body.events as StoredEvent[]).map((e) => e.event_id_cnty);

    before(async () => {
      store = await backend.open();
      app = await makeApp(store);
      const note = (s: string) => `${s} Reference ${T}.`;
      await store.bulkInsert([
        codedEvent({ event_id_cnty: id(1), event_date: '2024-07-22', fatalities: 2, notes: note('Clash at Sarmin.') }),
        codedEvent({
          event_id_cnty: id(2), event_date: '2024-07-23', event_type: 'Explosions/Remote violence', sub_event_type: 'Air/drone strike',
          actor1: 'Military Forces of Turkey (2016-)', inter1: 8, interaction: 28, location: 'Nayrab', latitude: 35.835, longitude: 36.752,
          weapons: ['drone'], targets: ['outpost'], notes: note('Drone strike near Nayrab.'),
        }),
        codedEvent({
          event_id_cnty: id(3), event_date: '2024-07-20', event_type: 'Explosions/Remote violence',
          sub_event_type: 'Shelling/artillery/missile attack', admin1: 'Aleppo', admin2: "Jebel Saman", location: 'Kafr Nasih',
          latitude: 36.3, longitude: 36.95, fatalities: 5, notes: note('Shelling, "quoted", of Kafr Nasih; a comma.'),
        }),
        codedEvent({
          event_id_cnty: id(4), event_date: '2024-06-01', disorder_type: 'Demonstrations', event_type: 'Protests',
          sub_event_type: 'Peaceful protest', actor1: 'Protesters (Iraq)', inter1: 6, actor2: null, inter2: 0, interaction: 60,
          iso: 368, country: 'Iraq', admin1: 'Baghdad', admin2: null, location: 'Baghdad', latitude: 33.31, longitude: 44.36,
          notes: note('Protest in Baghdad.'),
        }),
        codedEvent({
          event_id_cnty: id(5), event_date: '2024-07-21', event_type: 'Violence against civilians', sub_event_type: 'Attack',
          civilian_targeting: 'Civilian targeting', actor2: 'Civilians (Syria)', inter2: 7, interaction: 17, admin1: 'Hama',
          location: 'Hama', latitude: null, longitude: null, geo_precision: 3, fatalities: 1, notes: note('Attack in Hama province.'),
        }),
      ]);
    });
    after(async () => {
      await app.close();
      await store.close();
    });

    test('lists this run\'s events newest first by default, with sources', async () => {
      const { status, body } = await get(`/api/events?q=${T}`);
      assert.equal(status, 200);
      assert.deepEqual(ids(body), [id(2), id(1), id(5), id(3), id(4)]);
      assert.equal(body.next_cursor, null);
      const first = (body.events as StoredEvent[])[0]!;
      assert.equal(first.sources.length, 1);
      assert.equal(first.review_status, 'unreviewed');
    });

    test('each filter narrows the list', async () => {
      const cases: [string, number[]][] = [
        ['from=2024-07-21&to=2024-07-22', [1, 5]],
        ['country=Iraq', [4]],
        ['admin1=Aleppo', [3]],
        ['event_type=Explosions/Remote%20violence', [2, 3]],
        ['sub_event_type=Air%2Fdrone%20strike', [2]],
        ['actor=turkey', [2]],
        ['min_fatalities=2', [1, 3]],
        ['bbox=36.5,35.5,37.2,36.5', [2, 1, 3]],
        ['near=35.9037,36.7256&km=10', [2, 1]],
        ['near=35.9037,36.7256&km=1', [1]],
        ['review_status=unreviewed&country=Syria&from=2024-07-22', [2, 1]],
      ];
      for (const [qs, expected] of cases) {
        const { status, body } = await get(`/api/events?q=${T}&${qs}`);
        assert.equal(status, 200, qs);
        assert.deepEqual(ids(body), expected.map(id), qs);
      }
    });

    test('hostile search and actor text is just text: no 500s, no syntax leaking through', async () => {
      for (const q of ['"unbalanced', 'AND OR NOT', 'near(a b)', '*', "'; DROP TABLE events; --", 'حلب', 'a:b', '-x', '(', '%_\\']) {
        for (const param of ['q', 'actor', 'country']) {
          const res = await app.inject({ url: `/api/events?${param}=${encodeURIComponent(q)}` });
          assert.equal(res.statusCode, 200, `${param}=${q}: ${res.body}`);
        }
      }
      assert.deepEqual(ids((await get(`/api/events?q=${encodeURIComponent(`"${T}"`)}`)).body).length, 5, 'quoted token still matches');
    });

    test('sorts by date or fatalities', async () => {
      assert.deepEqual(ids((await get(`/api/events?q=${T}&sort=date_asc`)).body), [4, 3, 5, 1, 2].map(id));
      assert.deepEqual(ids((await get(`/api/events?q=${T}&sort=fatalities_desc`)).body).slice(0, 3), [3, 1, 5].map(id));
    });

    test('cursor pagination walks every event once', async () => {
      const seen: string[] = [];
      let url = `/api/events?q=${T}&limit=2`;
      for (let i = 0; i < 5; i++) {
        const { status, body } = await get(url);
        assert.equal(status, 200);
        seen.push(...ids(body));
        if (!body.next_cursor) break;
        url = `/api/events?q=${T}&limit=2&cursor=${encodeURIComponent(body.next_cursor as string)}`;
      }
      assert.deepEqual(seen, [2, 1, 5, 3, 4].map(id));
    });

    test('empty parameters are ignored', async () => {
      const { status, body } = await get(`/api/events?q=${T}&actor=&country=&bbox=`);
      assert.equal(status, 200);
      assert.equal(ids(body).length, 5);
    });

    test('a bad parameter is a 400 JSON error naming it', async () => {
      const bad: [string, RegExp][] = [
        ['from=yesterday', /"from".*YYYY-MM-DD/],
        ['from=2024-02-30', /"from".*not a calendar date/],
        ['from=2024-07-10&to=2024-07-01', /"to".*before from/],
        ['bogus=1', /unknown query parameter "bogus"/],
        ['bbox=1,2,3', /"bbox"/],
        ['bbox=10,50,5,40', /"bbox"/],
        ['near=100,20&km=5', /"near"/],
        ['km=5', /"km".*needs near/],
        ['event_type=Battle', /"event_type".*must be one of/],
        ['sub_event_type=Shelling', /"sub_event_type"/],
        ['min_fatalities=-1', /"min_fatalities"/],
        ['min_fatalities=abc', /"min_fatalities"/],
        ['limit=0', /"limit"/],
        ['limit=100000', /"limit"/],
        ['sort=random', /"sort"/],
        ['country=Syria&country=Iraq', /"country".*more than once/],
        ['cursor=not-a-cursor', /cursor/],
        ['review_status=maybe', /"review_status"/],
      ];
      for (const [qs, message] of bad) {
        const { status, body, res } = await get(`/api/events?${qs}`);
        assert.equal(status, 400, qs);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
        assert.equal(body.error, 'Bad Request');
        assert.equal(body.statusCode, 400);
        assert.match(body.message as string, message, qs);
      }
      assert.equal((await get('/api/stats?from=nope')).status, 400);
      assert.equal((await get('/api/export?format=xml')).status, 400);
    });

    test('GET /api/events/:id gives the event with sources, evidence and history; 404 JSON for unknown ids', async () => {
      const { status, body } = await get(`/api/events/${id(2)}`);
      assert.equal(status, 200);
      assert.equal(body.event_id_cnty, id(2));
      assert.equal(body.location, 'Nayrab');
      assert.ok(Array.isArray(body.sources) && Array.isArray(body.evidence) && Array.isArray(body.documents));
      assert.ok(Array.isArray(body.reviews) && Array.isArray(body.merges));
      const missing = await get(`/api/events/${T}-nope`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'Not Found');
      assert.match(missing.body.message as string, /no event/);
    });

    test('stats count the filtered events', async () => {
      const { status, body } = await get(`/api/stats?q=${T}`);
      assert.equal(status, 200);
      assert.equal(body.total, 5);
      const byType = Object.fromEntries((body.by_type as { event_type: string; count: number; fatalities: number }[]).map((r) => [r.event_type, r]));
      assert.equal(byType['Explosions/Remote violence']!.count, 2);
      assert.equal(byType['Explosions/Remote violence']!.fatalities, 5);
      const idlib = (body.by_admin1 as { admin1: string | null; count: number }[]).find((r) => r.admin1 === 'Idlib');
      assert.equal(idlib?.count, 2);
      assert.ok((body.by_day as { day: string }[]).some((d) => d.day === '2024-07-23'));
      assert.equal((await get(`/api/stats?q=${T}&country=Iraq`)).body.total, 1);
    });

    test('CSV export: ACLED columns first, in order, one row per event, quoted safely', async () => {
      const res = await app.inject({ url: `/api/export?format=csv&q=${T}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/csv/);
      assert.match(res.headers['content-disposition'] as string, /^attachment; filename="frontline-events-\d{4}-\d{2}-\d{2}\.csv"$/);
      const rows = parseCsv(res.body, { columns: false }) as string[][];
      assert.deepEqual(rows[0]!.slice(0, ACLED_CSV_COLUMNS.length), [...ACLED_CSV_COLUMNS]);
      assert.equal(rows.length, 6);
      const records = parseCsv(res.body, { columns: true }) as Record<string, string>[];
      assert.deepEqual(records.map((r) => r.event_id_cnty), [4, 3, 5, 1, 2].map(id), 'oldest first');
      const shelling = records.find((r) => r.event_id_cnty === id(3))!;
      assert.equal(shelling.notes, `Shelling, "quoted", of Kafr Nasih; a comma. Reference ${T}.`);
      assert.equal(shelling.year, '2024');
      assert.equal(shelling.fatalities, '5');
    });

    test('CSV export of nothing still has the header', async () => {
      const res = await app.inject({ url: `/api/export?format=csv&q=${T}&country=Narnia` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.body.trim().split('\n').length, 1);
      assert.ok(res.body.startsWith(ACLED_CSV_COLUMNS.join(',')));
    });

    test('GeoJSON, JSON Lines and JSON exports, with filters', async () => {
      const geo = await app.inject({ url: `/api/export?format=geojson&q=${T}` });
      assert.match(geo.headers['content-type'] as string, /^application\/geo\+json/);
      const fc = geo.json() as { type: string; features: { geometry: { coordinates: number[] }; properties: { event_id_cnty: string } }[] };
      assert.equal(fc.type, 'FeatureCollection');
      assert.equal(fc.features.length, 4, 'the event without coordinates is left out');
      const nayrab = fc.features.find((f) => f.properties.event_id_cnty === id(2))!;
      assert.deepEqual(nayrab.geometry.coordinates, [36.752, 35.835]);

      const jsonl = await app.inject({ url: `/api/export?format=jsonl&q=${T}&event_type=Protests` });
      assert.match(jsonl.headers['content-type'] as string, /^application\/x-ndjson/);
      const lines = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as StoredEvent);
      assert.deepEqual(lines.map((e) => e.event_id_cnty), [id(4)]);

      const json = await app.inject({ url: `/api/export?format=json&q=${T}` });
      assert.equal((json.json() as unknown[]).length, 5);
      const empty = await app.inject({ url: `/api/export?format=geojson&q=${T}&country=Narnia` });
      assert.deepEqual(empty.json(), { type: 'FeatureCollection', features: [] });
    });

    test('review: confirm, edit (shown as edited, exported with the new value), reject (hidden by default)', async () => {
      const post = (eid: string, payload: object) => app.inject({ method: 'POST', url: `/api/events/${eid}/review`, payload });
      const confirmed = await post(id(1), { action: 'confirm', reviewer: 'ana' });
      assert.equal(confirmed.statusCode, 200);
      assert.equal((confirmed.json() as StoredEvent).review_status, 'confirmed');

      const edited = await post(id(3), { action: 'edit', reviewer: 'ana', fields: { fatalities: 4 }, note: 'second source says four' });
      assert.equal(edited.statusCode, 200);
      assert.equal((edited.json() as StoredEvent).review_status, 'edited');
      assert.equal((edited.json() as StoredEvent).fatalities, 4);
      const detail = (await get(`/api/events/${id(3)}`)).body as { reviews: { reviewer: string; action: string }[]; edited_fields: string[] };
      assert.ok(detail.reviews.some((r) => r.reviewer === 'ana' && r.action === 'edit'));
      assert.ok(detail.edited_fields.includes('fatalities'));
      const csv = parseCsv((await app.inject({ url: `/api/export?format=csv&q=${T}&admin1=Aleppo` })).body, { columns: true }) as Record<string, string>[];
      assert.equal(csv[0]!.fatalities, '4');

      assert.equal((await post(id(4), { action: 'reject', reviewer: 'ana' })).statusCode, 200);
      assert.deepEqual(ids((await get(`/api/events?q=${T}&country=Iraq`)).body), []);
      assert.deepEqual(ids((await get(`/api/events?q=${T}&review_status=rejected`)).body), [id(4)]);

      const bad: [object, RegExp][] = [
        [{ action: 'approve', reviewer: 'ana' }, /"action"/],
        [{ action: 'confirm' }, /"reviewer"/],
        [{ action: 'confirm', reviewer: '  ' }, /reviewer/],
        [{ action: 'edit', reviewer: 'ana', fields: {} }, /at least one field/],
        [{ action: 'edit', reviewer: 'ana', fields: { fatalities: -3 } }, /fields\.fatalities/],
        [{ action: 'edit', reviewer: 'ana', fields: { event_type: 'Battle' } }, /fields\.event_type/],
        [{ action: 'edit', reviewer: 'ana', fields: { document_id: 'x' } }, /unknown body field "document_id"/],
        [{ action: 'confirm', reviewer: 'ana', extra: 1 }, /unknown body field "extra"/],
      ];
      for (const [payload, message] of bad) {
        const res = await post(id(2), payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.match((res.json() as { message: string }).message, message, JSON.stringify(payload));
      }
      assert.equal((await post(`${T}-nope`, { action: 'confirm', reviewer: 'ana' })).statusCode, 404);
    });

    test('unmerge: 404 for an unknown event, 409 for a document that is not a merged source, 400 without document_id', async () => {
      const post = (eid: string, payload: object) => app.inject({ method: 'POST', url: `/api/events/${eid}/unmerge`, payload });
      assert.equal((await post(`${T}-nope`, { document_id: 'x' })).statusCode, 404);
      assert.equal((await post(id(2), { document_id: 'not-a-source' })).statusCode, 409);
      const only = await post(id(2), { document_id: `${id(2)}-doc` });
      assert.equal(only.statusCode, 409);
      assert.match((only.json() as { message: string }).message, /only report/);
      assert.equal((await post(id(2), {})).statusCode, 400);
    });

    test('unknown API routes are 404 JSON; a wrong method on a known route is 405 with Allow', async () => {
      for (const [method, url] of [['GET', '/api/nothing'], ['GET', '/api'], ['GET', '/api/events/x/y/z']] as const) {
        const res = await app.inject({ method, url });
        assert.equal(res.statusCode, 404, url);
        assert.deepEqual(Object.keys(res.json() as object).sort(), ['error', 'message', 'statusCode']);
      }
      const cases: [string, string, string][] = [
        ['DELETE', '/api/events', 'GET, HEAD'],
        ['PUT', '/api/documents', 'POST'],
        ['GET', `/api/events/${id(1)}/review`, 'POST'],
        ['POST', '/api/export?format=csv', 'GET, HEAD'],
      ];
      for (const [method, url, allow] of cases) {
        const res = await app.inject({ method: method as 'GET', url });
        assert.equal(res.statusCode, 405, `${method} ${url}`);
        assert.equal(res.headers.allow, allow);
        assert.match((res.json() as { message: string }).message, new RegExp(`${method} is not allowed`));
      }
    });

    test('health', async () => {
      const { status, body } = await get('/api/health');
      assert.equal(status, 200);
      assert.equal(body.status, 'ok');
      assert.equal(body.store, backend.name);
    });
  });
}

describe('API without events', () => {
  let store: Store;
  before(async () => {
    store = await BACKENDS[0]!.open();
  });
  after(async () => store.close());

  test('POST /api/documents rejects bad bodies before extracting anything', async () => {
    const app = await makeApp(store, { bodyLimit: 64 * 1024 });
    const post = (payload: string | Buffer | object, contentType?: string, url = '/api/documents') =>
      app.inject({ method: 'POST', url, payload, headers: contentType ? { 'content-type': contentType } : {} });
    const cases: [Awaited<ReturnType<typeof post>>, number, RegExp][] = [
      [await post(Buffer.from([0x53, 0x68, 0xff, 0xfe, 0x6c, 0x6c]), 'text/plain'), 400, /not valid UTF-8/],
      [await post(Buffer.from('{"text":"caf\xe9"}', 'latin1'), 'application/json'), 400, /not valid UTF-8/],
      [await post(Buffer.from([0x41, 0x00, 0x42]), 'text/plain'), 400, /binary/],
      [await post('x'.repeat(70 * 1024), 'text/plain'), 413, /larger than the limit of 65536 bytes/],
      [await post('   \n ', 'text/plain'), 400, /"text": empty/],
      [await post('{"text": "abc"', 'application/json'), 400, /not valid JSON/],
      [await post('[1,2]', 'application/json'), 400, /JSON object/],
      [await post({ text: 'A report.', publised: '2024-07-01' }), 400, /unknown body field "publised"/],
      [await post({ text: 'A report.', published: 'last week' }), 400, /"published"/],
      [await post({ title: 'no text' }), 400, /"text": required/],
      [await post('<doc/>', 'application/xml'), 415, /unsupported content type/],
      [await post('A report.', 'text/plain; charset=klingon'), 415, /charset/],
      [await post('A report.', 'text/plain', '/api/documents?publishd=2024-01-01'), 400, /unknown query parameter "publishd"/],
    ];
    for (const [res, status, message] of cases) {
      assert.equal(res.statusCode, status, res.body);
      const body = res.json() as { message: string; statusCode: number };
      assert.equal(body.statusCode, status);
      assert.match(body.message, message);
    }
    await app.close();
  });

  test('malformed requests get the same JSON error shape: bad URL encoding, missing body; HEAD on the stream returns at once', async () => {
    const app = await makeApp(store);
    const badUrl = await app.inject({ url: '/api/events/%E0%A4%A' });
    assert.equal(badUrl.statusCode, 400);
    assert.deepEqual(Object.keys(badUrl.json() as object).sort(), ['error', 'message', 'statusCode']);
    const noBody = await app.inject({ method: 'POST', url: '/api/events/x/review' });
    assert.equal(noBody.statusCode, 400);
    assert.match((noBody.json() as { message: string }).message, /request body is missing/);
    const emptyJson = await app.inject({ method: 'POST', url: '/api/events/x/review', headers: { 'content-type': 'application/json' } });
    assert.equal(emptyJson.statusCode, 400);
    const head = await app.inject({ method: 'HEAD', url: '/api/stream' });
    assert.equal(head.statusCode, 200);
    assert.match(head.headers['content-type'] as string, /^text\/event-stream/);
    await app.close();
  });

  test('a store failure is a 500 JSON error with a generic message, logged to stderr', async () => {
    // The real store with one method failing as a broken disk or lost connection would.
    const failing = Object.assign(Object.create(store) as Store, {
      listEvents: async () => {
        throw new Error('disk I/O error (simulated)');
      },
    });
    const app = await makeApp(failing);
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      for (const url of ['/api/events', '/api/export?format=csv']) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 500, url);
        assert.deepEqual(res.json(), { error: 'Internal Server Error', message: 'internal error; see the server log', statusCode: 500 });
      }
    } finally {
      console.error = original;
    }
    assert.equal(logged.length, 2);
    assert.match(String(logged[0]![0]), /GET \/api\/events failed/);
    assert.match(String((logged[0]![1] as Error).message), /simulated/);
    await app.close();
  });

  test('DNS-rebinding guard: with allowedHosts, other Host names get 403 JSON', async () => {
    const app = await makeApp(store, { allowedHosts: loopbackAllowedHosts('frontline.lan') });
    const status = async (host: string) => (await app.inject({ url: '/api/health', headers: { host } })).statusCode;
    for (const ok of ['localhost:8080', '127.0.0.1:8080', '127.0.0.53', '[::1]:8080', 'LOCALHOST', 'frontline.lan:8080']) assert.equal(await status(ok), 200, ok);
    for (const bad of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example']) assert.equal(await status(bad), 403, bad);
    const res = await app.inject({ method: 'POST', url: '/api/events/x/review', headers: { host: 'evil.example' }, payload: { action: 'confirm', reviewer: 'x' } });
    assert.equal(res.statusCode, 403);
    assert.match((res.json() as { message: string }).message, /host "evil.example" is not served here/);
    await app.close();
  });

  test('writes need the bearer token when one is set (option or FRONTLINE_TOKEN); reads do not', async () => {
    for (const viaEnv of [false, true]) {
      const saved = process.env.FRONTLINE_TOKEN;
      if (viaEnv) process.env.FRONTLINE_TOKEN = 's3cret-token';
      try {
        const app = await makeApp(store, viaEnv ? {} : { token: 's3cret-token' });
        const review = (headers: Record<string, string>) =>
          app.inject({ method: 'POST', url: '/api/events/none/review', payload: { action: 'confirm', reviewer: 'x' }, headers });
        const none = await review({});
        assert.equal(none.statusCode, 401);
        assert.equal(none.headers['www-authenticate'], 'Bearer realm="frontline"');
        assert.deepEqual(none.json(), { error: 'Unauthorized', message: 'this server requires Authorization: Bearer <token> for writes', statusCode: 401 });
        assert.equal((await review({ authorization: 'Bearer wrong' })).statusCode, 401);
        assert.equal((await review({ authorization: 's3cret-token' })).statusCode, 401);
        assert.equal((await review({ authorization: 'Bearer s3cret-token' })).statusCode, 404, 'authorised; the event is unknown');
        const upload = await app.inject({ method: 'POST', url: '/api/documents', payload: 'text', headers: { 'content-type': 'text/plain' } });
        assert.equal(upload.statusCode, 401);
        assert.equal((await app.inject({ url: '/api/events' })).statusCode, 200);
        assert.equal((await app.inject({ url: '/api/export?format=jsonl' })).statusCode, 200);
        await app.close();
      } finally {
        if (viaEnv) {
          if (saved === undefined) delete process.env.FRONTLINE_TOKEN;
          else process.env.FRONTLINE_TOKEN = saved;
        }
      }
    }
    const open = await makeApp(store, { token: '' });
    assert.equal((await open.inject({ method: 'POST', url: '/api/events/none/review', payload: { action: 'confirm', reviewer: 'x' } })).statusCode, 404);
    await open.close();
  });

  test('GET /api/openapi.json lists every API route with parameters, bodies and schemas', async () => {
    const app = await makeApp(store);
    const res = await app.inject({ url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown>; security?: unknown }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.match(doc.openapi, /^3\./);
    const expected = [
      'get /api/events', 'get /api/events/{id}', 'get /api/stats', 'post /api/documents', 'post /api/events/{id}/review',
      'post /api/events/{id}/unmerge', 'get /api/stream', 'get /api/export', 'get /api/health', 'get /api/openapi.json',
    ];
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    assert.deepEqual([...listed].sort(), [...expected].sort());
    // every /api route fastify knows is documented (printRoutes is a tree: rebuild full paths from indentation)
    const stack: string[] = [];
    let checked = 0;
    for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
      const m = /^([│├└─ ]*)(\S+) \(([A-Z, ]+)\)/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4 - 1;
      stack.length = depth;
      stack.push(m[2]!);
      const full = stack.join('');
      if (!full.startsWith('/api')) continue;
      for (const method of m[3]!.split(', ').filter((x) => x !== 'HEAD')) {
        checked++;
        assert.ok(listed.includes(`${method.toLowerCase()} ${full.replace(/:(\w+)/g, '{$1}')}`), `${method} ${full} is documented`);
      }
    }
    assert.equal(checked, expected.length);
    const params = doc.paths['/api/events']!.get!.parameters!.map((p) => p.name);
    for (const name of ['from', 'to', 'country', 'admin1', 'event_type', 'sub_event_type', 'actor', 'q', 'bbox', 'near', 'km', 'min_fatalities', 'sort', 'cursor', 'limit']) {
      assert.ok(params.includes(name), name);
    }
    assert.deepEqual(doc.paths['/api/events/{id}']!.get!.parameters, [{ name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 300 } }]);
    assert.ok(doc.paths['/api/documents']!.post!.requestBody!.content['text/plain']);
    assert.ok(doc.paths['/api/documents']!.post!.security);
    assert.ok(doc.components.schemas.StoredEvent!.properties!.sub_event_type);
    assert.ok(doc.paths['/api/export']!.get!.parameters!.some((p) => p.name === 'format'));
    // every $ref resolves; operation ids are unique; every operation documents a success response
    const refs: string[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) k === '$ref' ? refs.push(v as string) : walk(v);
    };
    walk(doc);
    assert.ok(refs.length > 10);
    for (const r of new Set(refs)) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(r)?.[1];
      assert.ok(name && doc.components.schemas[name], `$ref ${r} resolves`);
    }
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p)) as unknown as { operationId: string; responses: Record<string, unknown> }[];
    assert.equal(new Set(ops.map((o) => o.operationId)).size, ops.length);
    for (const o of ops) assert.ok(Object.keys(o.responses).some((c) => c.startsWith('2')), o.operationId);
    await app.close();
  });

  test('every response carries the security headers; the dashboard is served with a 503 page when not built', async () => {
    const app = await makeApp(store, { webRoot: path.join(tmpdir(), 'frontline-no-such-dir') });
    const api = await app.inject({ url: '/api/events' });
    assert.match(api.headers['content-security-policy'] as string, /default-src 'self'/);
    assert.match(api.headers['content-security-policy'] as string, /worker-src 'self' blob:/);
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 503);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /npm run build:web/);
    assert.equal((await app.inject({ url: '/api/unknown' })).statusCode, 404);
    await app.close();
  });

  test('a built dashboard is served at / with client-side routes falling back to index.html', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'frontline-web-'));
    try {
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Frontline test page</title><script type="module" src="/assets/app-1a2b.js"></script>');
      writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("dashboard");');
      const app = await buildServer({ store, extractor: noExtractor, webRoot: dir });
      const index = await app.inject({ url: '/' });
      assert.equal(index.statusCode, 200);
      assert.match(index.body, /Frontline test page/);
      assert.match(index.headers['content-security-policy'] as string, /script-src 'self'/);
      assert.equal(index.headers['cache-control'], 'no-cache');
      const asset = await app.inject({ url: '/assets/app-1a2b.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(asset.headers['content-type'] as string, /javascript/);
      assert.match(asset.headers['cache-control'] as string, /immutable/);
      const spa = await app.inject({ url: '/events/SYR1?country=Syria' });
      assert.equal(spa.statusCode, 200);
      assert.match(spa.body, /Frontline test page/);
      assert.equal((await app.inject({ url: '/assets/missing.js' })).statusCode, 404);
      const api404 = await app.inject({ url: '/api/missing' });
      assert.equal(api404.statusCode, 404);
      assert.match(api404.headers['content-type'] as string, /^application\/json/);
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
