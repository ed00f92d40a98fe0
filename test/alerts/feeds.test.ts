/**
 * The feed poller against a local hostile feed server (node:http on port 0): valid RSS and Atom with
 * article pages, ETag → 304, broken XML, a huge body, a slow server, a redirect loop, a 500, and
 * ISO-8859-1 / windows-1256 feeds. Fixture text is written for these tests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import {
  backoffSeconds,
  decode,
  detectCharset,
  extractArticle,
  fetchText,
  FetchError,
  parseFeed,
  pollFeed,
  startPoller,
  type PollResult,
} from '../../src/alerts/index.js';
import type { SourceDocument } from '../../src/model/index.js';
import { tempRepo } from './helpers.js';

const ARTICLE_BODY = [
  'Artillery fire struck the outskirts of Example Town in the early hours of Tuesday, according to residents reached by phone.',
  'Two farmers were injured while working in their fields, a local medic said, and several houses were damaged by the shells.',
  'The shelling came from positions held by government forces to the south, the residents said, and lasted for about an hour.',
  'No group has commented on the attack, and the road between the town and the district centre remained closed on Wednesday.',
];

function articlePage(n: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Report ${n} | Example Wire</title></head><body>
<header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity news</a></li><li><a href="/y">Weather</a></li></ul></aside>
<main><article><h1>Report ${n}: shelling near Example Town</h1>
${ARTICLE_BODY.map((p) => `<p>${p}</p>`).join('\n')}
</article></main>
<footer><p>Copyright Example Wire. Cookie settings. Subscribe to our newsletter.</p></footer>
<script>window.tracker = 1;</script></body></html>`;
}

const RSS = (base: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Wire &amp; Friends</title><link>${base}/</link><description>Test feed</description>
<item><title>Report 1: shelling near Example Town</title><link>${base}/article/1</link><guid isPermaLink="false">rss-1</guid>
<pubDate>Tue, 23 Jul 2024 08:00:00 GMT</pubDate><description>&lt;p&gt;Short summary of report one.&lt;/p&gt;</description></item>
<item><title>Report 2</title><link>${base}/article/2</link><guid>${base}/article/2</guid>
<pubDate>Wed, 24 Jul 2024 09:30:00 +0300</pubDate><description><![CDATA[<p>Summary <b>two</b>.</p>]]></description></item>
</channel></rss>`;

const ATOM = (base: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Example Atom</title><id>urn:example:atom</id>
<updated>2024-07-24T10:00:00Z</updated>
<entry><title type="html">Report 3 &lt;em&gt;update&lt;/em&gt;</title><id>urn:example:3</id>
<link rel="alternate" href="/article/3"/><published>2024-07-22T06:00:00Z</published><updated>2024-07-22T07:00:00Z</updated>
<summary>Summary of report three.</summary></entry>
<entry><title>Report 4 (page missing)</title><id>urn:example:4</id><link href="${base}/missing"/>
<updated>2024-07-21T06:00:00Z</updated>
<content type="html">&lt;p&gt;The full text of report four is carried in the feed itself. Clashes were reported near Sample Village on Sunday, and one fighter was killed, according to a monitoring group.&lt;/p&gt;</content></entry>
</feed>`;

const LATIN1_TEXT = 'Café near Şample? No: Café, Mañana, Zürich — only Latin-1: café, mañana, zürich';
const LATIN1_FEED = (base: string) =>
  iconv.encode(
    `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Latin feed</title>` +
      `<item><title>Café in Mañana</title><guid>l1</guid><link>${base}/missing</link><description>Report from Zürich about a café.</description></item>` +
      `</channel></rss>`,
    'latin1',
  );
const ARABIC_TITLE = 'قصف على ريف إدلب الجنوبي';
const CP1256_FEED = iconv.encode(
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Arabic feed</title>` +
    `<item><title>${ARABIC_TITLE}</title><guid>a1</guid><description>تقرير قصير عن القصف</description></item>` +
    `</channel></rss>`,
  'windows-1256',
);

let server: Server;
let base = '';
const hits: Record<string, number> = {};
let served304 = 0;
const openSockets = new Set<import('node:net').Socket>();

before(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits[path] = (hits[path] ?? 0) + 1;
    switch (path) {
      case '/rss.xml':
        if (req.headers['if-none-match'] === '"v1"') {
          served304++;
          res.writeHead(304, { etag: '"v1"' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"v1"', 'last-modified': 'Wed, 24 Jul 2024 10:00:00 GMT' });
        res.end(RSS(base));
        return;
      case '/atom.xml':
        res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(ATOM(base));
        return;
      case '/article/1':
      case '/article/2':
      case '/article/3':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage(Number(path.slice(-1))));
        return;
      case '/broken.xml':
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss version="2.0"><channel><title>Broken<item><title>x</title></channel>');
        return;
      case '/huge.xml': {
        // 8 MB without a Content-Length: the cap must stop the read, not the memory.
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 128) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        pump();
        return;
      }
      case '/huge-declared.xml':
        res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': String(50 * 1024 * 1024) });
        res.write('<rss>');
        return; // never finishes: the declared length alone must be refused
      case '/slow.xml':
        // Headers, then nothing, ever.
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.write('<?xml version="1.0"?><rss version="2.0"><channel>');
        return;
      case '/loop-a':
        res.writeHead(302, { location: '/loop-b' }).end();
        return;
      case '/loop-b':
        res.writeHead(301, { location: `${base}/loop-a` }).end();
        return;
      case '/redirect-once':
        res.writeHead(302, { location: '/atom.xml' }).end();
        return;
      case '/busy.xml':
        res.writeHead(503, { 'retry-after': '7200' }).end('busy');
        return;
      case '/fail.xml':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case '/latin1.xml':
        res.writeHead(200, { 'content-type': 'application/xml' }).end(LATIN1_FEED(base));
        return;
      case '/cp1256.xml':
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1256' }).end(CP1256_FEED);
        return;
      case '/binary':
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  server.on('connection', (s) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const s of openSockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const FAST = { timeoutMs: 400, maxFeedBytes: 1024 * 1024, maxPageBytes: 512 * 1024, maxRedirects: 4 };

test('RSS: items become documents with the article text of their pages; ETag gives a 304 next time', async () => {
  const t = tempRepo();
  try {
    const docs: SourceDocument[] = [];
    const feed = t.repo.addFeed(`${base}/rss.xml`, { name: 'Example Wire', interval_s: 600 });
    const now = new Date('2024-07-24T12:00:00Z');
    const r = await pollFeed(feed, { ...FAST, repo: t.repo, ingest: (d) => void docs.push(d), now: () => now });
    assert.equal(r.ok, true, r.error ?? '');
    assert.equal(r.items, 2);
    assert.equal(r.ingested, 2);
    assert.equal(docs.length, 2);
    // Oldest first.
    assert.equal(docs[0]!.title, 'Report 1: shelling near Example Town');
    assert.equal(docs[0]!.published, '2024-07-23');
    assert.equal(docs[1]!.published, '2024-07-24');
    assert.equal(docs[0]!.source, 'Example Wire');
    assert.equal(docs[0]!.url, `${base}/article/1`);
    for (const d of docs) {
      assert.match(d.text, /Artillery fire struck the outskirts of Example Town/);
      assert.match(d.text, /road between the town and the district centre/);
      assert.doesNotMatch(d.text, /Celebrity news|Cookie settings|tracker|Sport/, 'boilerplate is dropped');
      assert.match(d.id, /^feed-[0-9a-f]{32}$/);
    }
    const health = t.repo.getFeed(feed.id)!;
    assert.equal(health.etag, '"v1"');
    assert.equal(health.last_modified, 'Wed, 24 Jul 2024 10:00:00 GMT');
    assert.equal(health.last_ok_at, now.toISOString());
    assert.equal(health.next_poll_at, new Date(now.getTime() + 600_000).toISOString());
    assert.equal(health.items_ingested, 2);

    // Second poll: conditional GET, 304, nothing new, still healthy.
    const before304 = served304;
    const r2 = await pollFeed(t.repo.getFeed(feed.id)!, { ...FAST, repo: t.repo, ingest: (d) => void docs.push(d) });
    assert.equal(r2.ok, true);
    assert.equal(r2.not_modified, true);
    assert.equal(r2.status, 304);
    assert.equal(served304, before304 + 1);
    assert.equal(docs.length, 2);
    assert.equal(t.repo.getFeed(feed.id)!.etag, '"v1"', 'validators are kept across a 304');

    // Even without the ETag (server changed its mind), seen items are not ingested twice.
    t.repo.updateFeed(feed.id, { etag: null });
    const r3 = await pollFeed(t.repo.getFeed(feed.id)!, { ...FAST, repo: t.repo, ingest: (d) => void docs.push(d) });
    assert.equal(r3.new_items, 0);
    assert.equal(docs.length, 2);
  } finally {
    t.cleanup();
  }
});

test('Atom: relative links resolve, a missing page falls back to the content in the feed, redirects are followed', async () => {
  const t = tempRepo();
  try {
    const docs: SourceDocument[] = [];
    const feed = t.repo.addFeed(`${base}/redirect-once`);
    const r = await pollFeed(feed, { ...FAST, repo: t.repo, ingest: (d) => void docs.push(d) });
    assert.equal(r.ok, true, r.error ?? '');
    assert.equal(docs.length, 2);
    const [four, three] = docs; // oldest first: report 4 (21 July) then report 3 (22 July)
    assert.equal(three!.title, 'Report 3 update');
    assert.equal(three!.url, `${base}/article/3`);
    assert.equal(three!.published, '2024-07-22');
    assert.match(three!.text, /Two farmers were injured/);
    assert.equal(four!.url, `${base}/missing`);
    assert.match(four!.text, /^The full text of report four is carried in the feed itself/);
    assert.equal(four!.source, 'Example Atom');
  } finally {
    t.cleanup();
  }
});

test('non-UTF-8 feeds are decoded by their declared charset (ISO-8859-1 in the XML declaration, windows-1256 in Content-Type)', async () => {
  const t = tempRepo();
  try {
    const docs: SourceDocument[] = [];
    const opts = { ...FAST, repo: t.repo, ingest: (d: SourceDocument) => void docs.push(d) };
    assert.equal((await pollFeed(t.repo.addFeed(`${base}/latin1.xml`), opts)).ok, true);
    assert.equal((await pollFeed(t.repo.addFeed(`${base}/cp1256.xml`), opts)).ok, true);
    assert.equal(docs[0]!.title, 'Café in Mañana');
    assert.equal(docs[0]!.text, 'Report from Zürich about a café.');
    assert.equal(docs[1]!.title, ARABIC_TITLE);
    assert.equal(docs[1]!.text, 'تقرير قصير عن القصف');
    assert.ok(!docs.some((d) => d.text.includes('\ufffd')));
    assert.ok(LATIN1_TEXT.length > 0);
  } finally {
    t.cleanup();
  }
});

test('hostile feeds fail cleanly with a reason, back off exponentially, and never throw', async () => {
  const t = tempRepo();
  try {
    const cases: [string, RegExp][] = [
      ['/broken.xml', /^parse: malformed XML at line 1/],
      ['/huge.xml', /^too_large: /],
      ['/huge-declared.xml', /^too_large: body of 52428800 bytes/],
      ['/slow.xml', /^timeout: /],
      ['/loop-a', /^redirects: redirect loop/],
      ['/fail.xml', /^http: HTTP 500/],
      ['/binary', /^parse: /],
      ['/nothing-here', /^http: HTTP 404/],
    ];
    const ingest = () => {
      throw new Error('nothing should be ingested');
    };
    for (const [path, reason] of cases) {
      const feed = t.repo.addFeed(base + path, { interval_s: 300 });
      const now = new Date('2024-07-24T12:00:00Z');
      const r = await pollFeed(feed, { ...FAST, repo: t.repo, ingest, now: () => now });
      assert.equal(r.ok, false, path);
      assert.match(r.error ?? '', reason, path);
      const h = t.repo.getFeed(feed.id)!;
      assert.equal(h.consecutive_failures, 1, path);
      assert.equal(h.next_poll_at, new Date(now.getTime() + 600_000).toISOString(), `${path}: first back-off is 2 × interval`);
      assert.match(h.last_error ?? '', reason);
    }
    // The 500 again: the back-off doubles; a later success resets it.
    const f500 = t.repo.getFeed(`${base}/fail.xml`)!;
    const now = new Date('2024-07-24T13:00:00Z');
    await pollFeed(f500, { ...FAST, repo: t.repo, ingest, now: () => now });
    const h = t.repo.getFeed(f500.id)!;
    assert.equal(h.consecutive_failures, 2);
    assert.equal(h.next_poll_at, new Date(now.getTime() + 1200_000).toISOString());
    assert.equal(backoffSeconds(300, 10), 6 * 3600, 'capped');
    // A 503 with Retry-After: 7200 is honoured (longer than the 2 × 300 s back-off).
    const busy = t.repo.addFeed(`${base}/busy.xml`, { interval_s: 300 });
    await pollFeed(busy, { ...FAST, repo: t.repo, ingest, now: () => now });
    assert.equal(t.repo.getFeed(busy.id)!.next_poll_at, new Date(now.getTime() + 7200_000).toISOString());
  } finally {
    t.cleanup();
  }
});

test('the poller keeps good feeds flowing while the hostile ones fail around them', async () => {
  const t = tempRepo();
  try {
    const paths = ['/slow.xml', '/broken.xml', '/huge.xml', '/rss.xml', '/loop-a', '/fail.xml', '/atom.xml', '/cp1256.xml'];
    for (const p of paths) t.repo.addFeed(base + p);
    const docs: SourceDocument[] = [];
    const results: PollResult[] = [];
    const ac = new AbortController();
    let allDone!: () => void;
    const finished = new Promise<void>((r) => (allDone = r));
    const poller = startPoller({
      ...FAST,
      repo: t.repo,
      ingest: async (d) => {
        docs.push(d);
      },
      signal: ac.signal,
      tickMs: 20,
      concurrency: 3,
      onPoll: (r) => {
        results.push(r);
        if (results.length === paths.length) allDone();
      },
    });
    await finished;
    ac.abort();
    await poller.done;
    const byUrl = Object.fromEntries(results.map((r) => [r.url.slice(base.length), r]));
    assert.equal(Object.keys(byUrl).length, paths.length, 'each feed polled exactly once (interval 15 min)');
    assert.deepEqual(
      paths.filter((p) => byUrl[p]!.ok),
      ['/rss.xml', '/atom.xml', '/cp1256.xml'],
    );
    assert.equal(docs.length, 5);
    const health = t.repo.listFeeds();
    assert.equal(health.filter((f) => f.consecutive_failures > 0).length, 5);
  } finally {
    t.cleanup();
  }
});

test('an item whose ingest fails is retried at the next poll, not lost', async () => {
  const t = tempRepo();
  try {
    const feed = t.repo.addFeed(`${base}/atom.xml`);
    let fail = true;
    const docs: SourceDocument[] = [];
    const ingest = (d: SourceDocument) => {
      if (fail && d.title?.startsWith('Report 3')) throw new Error('store unavailable');
      docs.push(d);
    };
    const r1 = await pollFeed(feed, { ...FAST, repo: t.repo, ingest });
    assert.equal(r1.ok, true);
    assert.equal(r1.failed_items, 1);
    assert.match(r1.error ?? '', /store unavailable/);
    assert.equal(docs.length, 1);
    fail = false;
    const r2 = await pollFeed(t.repo.getFeed(feed.id)!, { ...FAST, repo: t.repo, ingest });
    assert.equal(r2.ingested, 1);
    assert.equal(docs[1]!.title, 'Report 3 update');
    assert.equal(t.repo.listItemFailures(feed.id)[0]!.attempts, 1);

    // A poisonous item is set aside after maxItemAttempts, not retried forever.
    const other = t.repo.addFeed(`${base}/cp1256.xml`);
    const bad = () => {
      throw new Error('rejected by the store');
    };
    for (let i = 1; i <= 3; i++) {
      const r = await pollFeed(t.repo.getFeed(other.id)!, { ...FAST, repo: t.repo, ingest: bad, maxItemAttempts: 3 });
      assert.equal(r.new_items, 1, `attempt ${i}`);
    }
    const r4 = await pollFeed(t.repo.getFeed(other.id)!, { ...FAST, repo: t.repo, ingest: bad, maxItemAttempts: 3 });
    assert.equal(r4.new_items, 0);
    const f = t.repo.listItemFailures(other.id)[0]!;
    assert.equal(f.attempts, 3);
    assert.equal(f.gave_up, 1);
    assert.equal(t.repo.getFeed(other.id)!.items_given_up, 1);
    assert.match(f.last_error, /rejected by the store/);
  } finally {
    t.cleanup();
  }
});

test('fetchText and parseFeed edge cases', async () => {
  await assert.rejects(fetchText('file:///etc/passwd'), (e: unknown) => e instanceof FetchError && e.reason === 'bad_url');
  await assert.rejects(fetchText('http://127.0.0.1:1/'), (e: unknown) => e instanceof FetchError && e.reason === 'network');
  assert.throws(() => parseFeed('<html><body>not a feed</body></html>'), /not an RSS or Atom feed/);
  const empty = parseFeed('<rss version="2.0"><channel><title>Empty</title></channel></rss>');
  assert.equal(empty.items.length, 0);
  // javascript: links are not kept
  const js = parseFeed('<rss version="2.0"><channel><item><title>x</title><link>javascript:alert(1)</link><guid>g</guid></item></channel></rss>');
  assert.equal(js.items[0]!.link, null);
  // Entity expansion bombs are refused or bounded, not expanded without limit.
  const bomb = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><rss version="2.0"><channel><item><title>&e;&e;&e;&e;</title><guid>b</guid></item></channel></rss>`;
  try {
    const p = parseFeed(bomb);
    assert.ok((p.items[0]?.title ?? '').length < 1_000_000);
  } catch (e) {
    assert.ok(e instanceof Error);
  }
  // Garbage HTML and binary-looking text do not throw.
  assert.equal(extractArticle('\u0000\u0001\u0002'.repeat(100)).text, '');
  assert.equal(typeof extractArticle('<div><p>unclosed <b>tags <i>everywhere').text, 'string');
});

test('charset detection: Content-Type, then XML declaration or HTML meta, BOM first; bad bytes never throw', () => {
  const page = iconv.encode(`<html><head><meta charset="windows-1256"><title>${ARABIC_TITLE}</title></head><body><p>${ARABIC_TITLE}</p></body></html>`, 'windows-1256');
  assert.equal(detectCharset(page, 'text/html'), 'windows-1256');
  assert.equal(extractArticle(decode(page, detectCharset(page, 'text/html'))).title, ARABIC_TITLE);
  const httpEquiv = Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', 'latin1');
  assert.equal(detectCharset(httpEquiv, null), 'iso-8859-1');
  assert.equal(detectCharset(Buffer.from('\ufeff<rss/>'), 'text/xml; charset=latin1'), 'utf-8', 'a BOM wins');
  assert.equal(detectCharset(Buffer.from('<rss/>'), 'text/xml; charset=x-unknown-thing'), 'utf-8');
  assert.equal(decode(Buffer.from([0x61, 0xff, 0xfe, 0x62]), 'utf-8'), 'a\ufffd\ufffdb');
});

test('stopping the poller aborts a slow poll at once and does not count it against the feed', async () => {
  const t = tempRepo();
  try {
    const feed = t.repo.addFeed(`${base}/slow.xml`);
    const ac = new AbortController();
    const poller = startPoller({ repo: t.repo, ingest: () => {}, signal: ac.signal, tickMs: 20, timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    ac.abort();
    await poller.done;
    assert.ok(performance.now() - t0 < 2000, 'stopped without waiting for the 30 s timeout');
    const h = t.repo.getFeed(feed.id)!;
    assert.equal(h.consecutive_failures, 0);
    assert.equal(h.last_error, null);
  } finally {
    t.cleanup();
  }
});
