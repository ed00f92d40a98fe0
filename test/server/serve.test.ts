/**
 * serveCommand end to end over real HTTP: listens on a free port, prints its URL, serves the API with the
 * alerts routes wired in (write token applies to them too), and a report posted inside a watch zone
 * reaches an open /api/stream as an `alert` message; stop() shuts everything down.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { serveCommand } from '../../src/server/index.js';
import { BACKENDS, runToken, testExtractor } from './helpers.js';

test('serveCommand: API, watch zones, alerts on the stream, token on alert writes, stop()', async () => {
  const store = await BACKENDS[0]!.open();
  const logs: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logs.push(args.join(' '));
  let served;
  try {
    served = await serveCommand({
      port: 0, host: '127.0.0.1', store, extractor: testExtractor(), token: 'tok-123',
      feeds: false, watchDb: ':memory:', handleSignals: false, webRoot: '/nonexistent-web-root',
    });
  } finally {
    console.log = log;
  }
  const { url, stop } = served;
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(logs.some((l) => l.includes(url)), 'the URL is printed');
    const health = await fetch(`${url}api/health`);
    assert.equal(health.status, 200);
    // bound to loopback: a page that rebinds its own domain to 127.0.0.1 is refused
    const rebound = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: new URL(url).port, path: '/api/health', headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(rebound, 403);

    const zone = { name: 'Sarmin clinic', geometry: { type: 'Point', coordinates: [36.7256, 35.9037] }, radius_km: 10 };
    const denied = await fetch(`${url}api/watch-zones`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(zone) });
    assert.equal(denied.status, 401, 'alerts writes need the token too');
    const auth = { 'content-type': 'application/json', authorization: 'Bearer tok-123', connection: 'close' };
    const created = await fetch(`${url}api/watch-zones`, { method: 'POST', headers: auth, body: JSON.stringify(zone) });
    assert.equal(created.status, 201, await created.clone().text());

    const openapi = (await (await fetch(`${url}api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/watch-zones'], 'alerts routes are listed in the OpenAPI document');
    assert.ok(openapi.paths['/api/alerts']);

    const controller = new AbortController();
    const stream = await fetch(`${url}api/stream`, { signal: controller.signal });
    const reader = stream.body!.getReader();
    const T = runToken();
    const text =
      'Syrian government forces and Hayat Tahrir al-Sham fighters clashed on Monday in the town of Sarmin in Idlib ' +
      `province, leaving two fighters dead, local sources said. (Ref ${T}.)`;
    const post = await fetch(`${url}api/documents`, { method: 'POST', headers: auth, body: JSON.stringify({ id: T, text, published: '2024-07-23' }) });
    assert.equal(post.status, 201);

    let received = '';
    const decoder = new TextDecoder();
    const deadline = Date.now() + 5000;
    while (!/event: alert\ndata: .*Sarmin clinic/.test(received) && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) => (timer = setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) break;
      received += decoder.decode(chunk.value, { stream: true });
    }
    assert.match(received, /event: created\ndata: /);
    assert.match(received, /event: alert\ndata: .*Sarmin clinic/, 'the alert reaches the stream');
    const alerts = (await (await fetch(`${url}api/alerts`)).json()) as { alerts: { zone_name: string }[] };
    assert.ok(alerts.alerts.some((a) => a.zone_name === 'Sarmin clinic'));
    controller.abort();
    await reader.cancel().catch(() => {});
  } finally {
    await stop();
  }
  await assert.rejects(fetch(`${url}api/health`), 'the server is closed after stop()');
});

test('serveCommand: a port in use is a clear error, and nothing is left open', async (t) => {
  t.mock.method(console, 'log', () => {});
  const first = await serveCommand({
    port: 0, host: '127.0.0.1', store: await BACKENDS[0]!.open(), extractor: testExtractor(), alerts: false, handleSignals: false, webRoot: '/nonexistent-web-root',
  });
  const port = Number(new URL(first.url).port);
  const store = await BACKENDS[0]!.open();
  try {
    await assert.rejects(
      serveCommand({ port, host: '127.0.0.1', store, extractor: testExtractor(), alerts: false, handleSignals: false }),
      new RegExp(`port ${port} on 127.0.0.1 is already in use; choose another with --port`),
    );
  } finally {
    await store.close();
    await first.stop();
  }
});
