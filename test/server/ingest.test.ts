/**
 * POST /api/documents through the real extractor into a real store, then reading back: the events it
 * produced, their source text, duplicates, plain-text uploads with query metadata, a second outlet's
 * report merged into the same event, unmerge; and the live stream over real HTTP (port 0).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { IngestResponse, StoredEvent } from '../../src/model/index.js';
import type { Store } from '../../src/store/types.js';
import { BACKENDS, makeApp, runToken, testExtractor } from './helpers.js';

// Two reports of the same clash from two outlets, and one unrelated report (written for these tests).
const reportA = (ref: string) =>
  'Syrian government forces and Hayat Tahrir al-Sham fighters clashed on Monday in the town of Sarmin in Idlib ' +
  `province, leaving two fighters dead, local sources said. (Ref ${ref}.)`;
// The second outlet runs the wire copy with its own attribution, as outlets do: the same event, another document.
const reportB = (ref: string) =>
  'Syrian government forces and Hayat Tahrir al-Sham fighters clashed on Monday in the town of Sarmin in Idlib ' +
  `province, leaving two fighters dead, residents told our correspondent. (Ref ${ref}.)`;
const reportC = (ref: string) =>
  'Turkish drones struck a position of Hayat Tahrir al-Sham near the town of Sarmin in Idlib on Sunday, ' +
  `wounding three militants, a monitoring group said. (Ref ${ref}.)`;

for (const backend of BACKENDS) {
  describe(`POST /api/documents on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    const T = runToken();
    before(async () => {
      store = await backend.open();
      app = await makeApp(store, { extractor: testExtractor() });
    });
    after(async () => {
      await app.close();
      await store.close();
    });

    const postJson = (doc: object) => app.inject({ method: 'POST', url: '/api/documents', payload: doc });

    test('a JSON report becomes events that the API then serves with the source text', async () => {
      const text = reportA(`${T}a`);
      const res = await postJson({ id: `${T}-A`, text, published: '2024-07-23T08:30:00Z', source: 'North Wire', title: 'Clashes in Sarmin', url: 'https://example.org/a' });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as IngestResponse;
      assert.equal(body.document_id, `${T}-A`);
      assert.equal(body.duplicate, false);
      assert.ok(body.events.length >= 1);
      const clash = body.events.find((e) => e.location === 'Sarmin');
      assert.ok(clash, 'an event in Sarmin');
      assert.equal(clash.event_date, '2024-07-22', 'Monday before the publication date');
      assert.ok(clash.sources.some((s) => s.document_id === `${T}-A` && s.source === 'North Wire'));

      const detail = await app.inject({ url: `/api/events/${encodeURIComponent(clash.event_id_cnty)}` });
      assert.equal(detail.statusCode, 200);
      const d = detail.json() as StoredEvent & { documents: { id: string; text: string; title: string | null }[] };
      const doc = d.documents.find((x) => x.id === `${T}-A`);
      assert.equal(doc?.text, text);
      assert.equal(doc?.title, 'Clashes in Sarmin');
      for (const ev of d.evidence) assert.equal(text.slice(ev.start, ev.end), ev.text, `evidence for ${ev.field} points into the text`);

      const listed = await app.inject({ url: `/api/events?q=${T}a` });
      assert.ok((listed.json() as { events: StoredEvent[] }).events.some((e) => e.event_id_cnty === clash.event_id_cnty));
    });

    test('posting the same content again is a 200 duplicate that adds nothing', async () => {
      const before = (await app.inject({ url: `/api/stats?q=${T}a` })).json() as { total: number };
      const res = await postJson({ id: `${T}-A-again`, text: reportA(`${T}a`), published: '2024-07-23', source: 'North Wire' });
      assert.equal(res.statusCode, 200);
      assert.equal((res.json() as IngestResponse).duplicate, true);
      const afterStats = (await app.inject({ url: `/api/stats?q=${T}a` })).json() as { total: number };
      assert.equal(afterStats.total, before.total);
    });

    test('text/plain upload with metadata in the query string; a second outlet merges into the same event; unmerge splits it', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/documents?id=${T}-B&published=2024-07-23&source=${encodeURIComponent('Valley Monitor')}&title=Sarmin`,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        payload: reportB(`${T}b`),
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as IngestResponse;
      assert.equal(body.document_id, `${T}-B`);
      const merged = body.events.find((e) => e.location === 'Sarmin' && e.event_type === 'Battles');
      assert.ok(merged, 'a battle in Sarmin');
      assert.deepEqual(merged.sources.map((s) => s.document_id).sort(), [`${T}-A`, `${T}-B`].sort(), 'one event, two sources');

      const split = await app.inject({ method: 'POST', url: `/api/events/${encodeURIComponent(merged.event_id_cnty)}/unmerge`, payload: { document_id: `${T}-B` } });
      assert.equal(split.statusCode, 200, split.body);
      const events = (split.json() as { events: StoredEvent[] }).events;
      assert.equal(events.length, 2);
      assert.deepEqual(events.map((e) => e.sources.map((s) => s.document_id)).sort(), [[`${T}-A`], [`${T}-B`]]);
      const detail = (await app.inject({ url: `/api/events/${encodeURIComponent(merged.event_id_cnty)}` })).json() as { merges: { document_id: string; undone_at: string | null }[] };
      assert.ok(detail.merges.some((m) => m.document_id === `${T}-B` && m.undone_at !== null), 'the merge is recorded as undone');
    });

    test('a web page as text/html: main text, title and date come from the page', async () => {
      const html =
        '<!doctype html><html><head><title>Clashes reported in Sarmin</title>' +
        '<meta property="article:published_time" content="2024-07-23T09:00:00Z"></head><body>' +
        '<nav><a href="/">Home</a> | <a href="/world">World</a></nav>' +
        `<article><p>${reportA(`${T}h`)}</p></article><footer>Copyright Example Wire</footer></body></html>`;
      const res = await app.inject({ method: 'POST', url: `/api/documents?id=${T}-H&source=Example%20Wire`, headers: { 'content-type': 'text/html; charset=utf-8' }, payload: html });
      assert.equal(res.statusCode, 201, res.body);
      const ev = (res.json() as IngestResponse).events[0]!;
      const detail = (await app.inject({ url: `/api/events/${encodeURIComponent(ev.event_id_cnty)}` })).json() as { documents: { id: string; text: string; title: string; published: string }[] };
      const doc = detail.documents.find((d) => d.id === `${T}-H`)!;
      assert.equal(doc.title, 'Clashes reported in Sarmin');
      assert.equal(doc.published, '2024-07-23');
      assert.match(doc.text, /clashed on Monday in the town of Sarmin/);
      assert.doesNotMatch(doc.text, /Home|<p>/);
    });

    test('published accepts timestamps (ISO, RFC 822) and keeps the date', async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/documents?published=${encodeURIComponent('Tue, 23 Jul 2024 10:15:00 GMT')}`,
        headers: { 'content-type': 'text/plain' },
        payload: reportA(`${T}r`),
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as IngestResponse;
      const detail = await store.getEvent(body.events[0]!.event_id_cnty);
      assert.equal(detail?.documents.find((d) => d.id === body.document_id)?.published, '2024-07-23');
    });

    test('bodies in a declared legacy charset (windows-1252, UTF-16 JSON) are decoded, not mangled', async () => {
      const latinText = `Café owners in Sarmin described the night. (Ref ${T}l.)`;
      const res = await app.inject({ method: 'POST', url: `/api/documents?id=${T}-L&published=2024-07-23`, headers: { 'content-type': 'text/plain; charset=windows-1252' }, payload: Buffer.from(latinText, 'latin1') });
      assert.equal(res.statusCode, 201, res.body);
      const utf16Text = `Café report from Sarmin. (Ref ${T}u.)`;
      const utf16 = Buffer.from(JSON.stringify({ id: `${T}-U`, text: utf16Text, published: '2024-07-23' }), 'utf16le');
      const res16 = await app.inject({ method: 'POST', url: '/api/documents', headers: { 'content-type': 'application/json; charset=utf-16le' }, payload: utf16 });
      assert.equal(res16.statusCode, 201, res16.body);
      // Storing the intended text again is a duplicate only if the server stored exactly that text.
      for (const [id, text] of [[`${T}-L`, latinText], [`${T}-U`, utf16Text]] as const) {
        const again = await store.ingest({ id, text, published: '2024-07-23' }, () => []);
        assert.equal(again.duplicate, true, `${id} was stored as the same text`);
      }
    });

    test('plain text may start with the header block frontline ingest reads; query parameters win over it', async () => {
      const body = `Published: 2024-07-23\nSource: Header Wire\nTitle: From the header\n\n${reportA(`${T}k`)}`;
      const res = await app.inject({ method: 'POST', url: `/api/documents?id=${T}-K&title=${encodeURIComponent('From the query')}`, headers: { 'content-type': 'text/plain' }, payload: body });
      assert.equal(res.statusCode, 201, res.body);
      const ev = (res.json() as IngestResponse).events[0]!;
      const doc = (await store.getEvent(ev.event_id_cnty))!.documents.find((d) => d.id === `${T}-K`)!;
      assert.equal(doc.source, 'Header Wire');
      assert.equal(doc.published, '2024-07-23');
      assert.equal(doc.title, 'From the query');
      assert.equal(doc.text, reportA(`${T}k`), 'the header is not part of the text');
    });

    test('a document without an id gets one derived from its text', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/documents?published=2024-07-22', headers: { 'content-type': 'text/plain' }, payload: reportC(`${T}c`) });
      assert.equal(res.statusCode, 201, res.body);
      assert.match((res.json() as IngestResponse).document_id, /^api-[0-9a-f]{16}$/);
    });
  });
}

describe('GET /api/stream over HTTP', () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    store = await BACKENDS[0]!.open();
    app = await makeApp(store, { extractor: testExtractor(), heartbeatMs: 100 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  /** Read SSE text until `until` matches (or time runs out). */
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: RegExp, ms = 5000): Promise<string> {
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + ms;
    while (!until.test(text)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${until} in stream within ${ms} ms; got: ${text.slice(0, 500)}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no ${until} within ${ms} ms; got: ${text.slice(0, 500)}`)), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    return text;
  }

  test('a client receives the events created by a POST, heartbeats, published alerts; closing it unsubscribes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/stream`, { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const reader = res.body!.getReader();
    await readUntil(reader, /: connected/);
    assert.equal(app.streamHub.clients, 1);

    const T = runToken();
    const post = await fetch(`${base}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ id: `${T}-S`, text: reportA(T), published: '2024-07-22', source: 'Stream Test' }),
    });
    assert.equal(post.status, 201);
    const text = await readUntil(reader, new RegExp(`event: created\\ndata: .*${T}-S`));
    const message = text.split('\n\n').find((m) => m.includes('event: created') && m.includes(`${T}-S`))!;
    const data = JSON.parse(message.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as StoredEvent;
    assert.ok(data.sources.some((s) => s.document_id === `${T}-S`));
    assert.match(message, /^id: [0-9a-z]+-\d+$/m);

    await readUntil(reader, /: heartbeat/, 2000);
    app.publish('alert', { zone: 'M4 road', event_id: data.event_id_cnty });
    await readUntil(reader, /event: alert\ndata: \{"zone":"M4 road"/);

    controller.abort();
    await reader.cancel().catch(() => {});
    for (let i = 0; i < 50 && app.streamHub.clients > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(app.streamHub.clients, 0, 'the listener is removed when the client leaves');
  });

  test('a client reconnecting with Last-Event-ID gets the messages it missed', async () => {
    const T = runToken();
    app.publish('note', { n: 1, T });
    const first = await fetch(`${base}/api/stream`);
    const r1 = first.body!.getReader();
    await readUntil(r1, /: connected/);
    app.publish('note', { n: 2, T });
    const seen = await readUntil(r1, new RegExp(`event: note\ndata: \\{"n":2`));
    const lastId = /id: ([0-9a-z]+-\d+)\nevent: note\ndata: \{"n":2/.exec(seen)![1]!;
    await r1.cancel();
    for (let i = 0; i < 50 && app.streamHub.clients > 0; i++) await new Promise((r) => setTimeout(r, 20));
    app.publish('note', { n: 3, T });
    app.publish('note', { n: 4, T });
    const again = await fetch(`${base}/api/stream`, { headers: { 'last-event-id': lastId } });
    const r2 = again.body!.getReader();
    const replayed = await readUntil(r2, new RegExp(`"n":4`));
    assert.deepEqual([...replayed.matchAll(/data: \{"n":(\d)/g)].map((m) => Number(m[1])), [3, 4], 'only the missed messages, in order');
    await r2.cancel();
    const foreign = await fetch(`${base}/api/stream`, { headers: { 'last-event-id': 'zzz-1' } });
    const r3 = foreign.body!.getReader();
    const text = await readUntil(r3, /: heartbeat/, 2000);
    assert.doesNotMatch(text, /event: note/, 'ids from another server run are not replayed');
    await r3.cancel();
  });

  test('stream filters: a client asking for another country hears heartbeats but not the event', async () => {
    const open = async (qs: string) => {
      const c = new AbortController();
      const res = await fetch(`${base}/api/stream${qs}`, { signal: c.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      await readUntil(reader, /: connected/);
      return { reader, close: async () => { c.abort(); await reader.cancel().catch(() => {}); } };
    };
    const syria = await open('?country=Syria&event_type=Battles');
    const iraq = await open('?country=Iraq');
    const T = runToken();
    const post = await fetch(`${base}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ id: `${T}-F`, text: reportA(T), published: '2024-07-23', source: 'Filter Test' }),
    });
    assert.equal(post.status, 201);
    await readUntil(syria.reader, new RegExp(`event: (created|updated)\ndata: .*${T}-F`));
    const other = await readUntil(iraq.reader, /(: heartbeat[^\n]*\n\n[\s\S]*){3}/, 3000);
    assert.doesNotMatch(other, /event: (created|updated)/);
    await syria.close();
    await iraq.close();
    const bad = await fetch(`${base}/api/stream?q=shelling`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /unknown query parameter "q"/);
  });

  test('closing the server ends open streams promptly', async () => {
    const extra = await makeApp(store, { heartbeatMs: 60_000 });
    await extra.listen({ port: 0, host: '127.0.0.1' });
    const port = (extra.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/stream`);
    const reader = res.body!.getReader();
    await readUntil(reader, /: connected/);
    const t0 = Date.now();
    await extra.close();
    assert.ok(Date.now() - t0 < 1000, `closed in ${Date.now() - t0} ms`);
    await reader.cancel().catch(() => {});
  });
});
