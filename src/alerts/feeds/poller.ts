/**
 * The feed poller. Each registered feed is fetched when due (conditional GET with its ETag and
 * Last-Modified), parsed, and each item not seen before becomes a SourceDocument: the item's page is
 * fetched and reduced to article text (Readability), falling back to the feed's own content or summary.
 * Documents go to the `ingest` callback (in `serve`: store.ingest(doc, extractor.extract)).
 *
 * Isolation: every feed is polled inside its own try/catch with a timeout, a byte cap and a redirect cap,
 * so a broken, huge, slow or looping feed only marks its own health and backs off
 * (interval × 2^failures, capped at maxBackoffS); the other feeds keep their schedule.
 * An item whose ingest fails is not marked seen, so it is retried at the next poll (up to maxItemAttempts,
 * then set aside and recorded in feed_item_failures). Each poll has a time budget for item pages.
 */
import { createHash } from 'node:crypto';
import type { SourceDocument } from '../../model/index.js';
import type { Feed, WatchRepository } from '../repository.js';
import { FetchError, fetchText, type FetchOptions } from './http.js';
import { FeedParseError, parseFeed, type FeedItem } from './parse.js';
import { extractArticle } from './article.js';

export type IngestFn = (doc: SourceDocument) => unknown | Promise<unknown>;

export interface PollerOptions {
  repo: WatchRepository;
  ingest: IngestFn;
  /** Fetch each new item's page and extract its article (default true). */
  fetchPages?: boolean;
  /** Per-request timeout for feeds and pages (default 15 s). */
  timeoutMs?: number;
  /** Byte cap for a feed body (default 5 MiB). */
  maxFeedBytes?: number;
  /** Byte cap for an item page (default 3 MiB). */
  maxPageBytes?: number;
  maxRedirects?: number;
  /** Longest back-off after repeated failures (default 6 h). */
  maxBackoffS?: number;
  /** New items handled per feed per poll (default 50; the rest wait for the next poll). */
  maxItemsPerPoll?: number;
  /** Time budget for one feed's items in one poll (default 2 min); the rest wait for the next poll. */
  maxPollMs?: number;
  /** Failed ingests of one item before it is set aside (default 5). */
  maxItemAttempts?: number;
  onError?: (feed: Feed, err: unknown) => void;
  /** Aborts requests in flight and stops between items (shutdown). */
  signal?: AbortSignal;
  /** Injected for tests. */
  now?: () => Date;
}

export interface PollResult {
  feed_id: number;
  url: string;
  ok: boolean;
  status: number | null;
  not_modified: boolean;
  items: number;
  new_items: number;
  ingested: number;
  failed_items: number;
  error: string | null;
  next_poll_at: string;
}

export function documentIdFor(feedUrl: string, guid: string): string {
  return 'feed-' + createHash('sha256').update(feedUrl + '\n' + guid).digest('hex').slice(0, 32);
}

/** The back-off delay (seconds) after `failures` consecutive failures. */
export function backoffSeconds(intervalS: number, failures: number, maxBackoffS = 6 * 3600): number {
  if (failures <= 0) return intervalS;
  return Math.min(maxBackoffS, intervalS * 2 ** Math.min(failures, 20));
}

function describe(e: unknown): string {
  if (e instanceof FetchError) return `${e.reason}: ${e.message}`;
  if (e instanceof FeedParseError) return `parse: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

async function itemDocument(feed: Feed, feedTitle: string | null, item: FeedItem, o: PollerOptions): Promise<SourceDocument | null> {
  let text = '';
  let title = item.title;
  let url = item.link;
  if (o.fetchPages !== false && item.link) {
    try {
      const page = await fetchText(item.link, {
        timeoutMs: o.timeoutMs, maxBytes: o.maxPageBytes ?? 3 * 1024 * 1024, maxRedirects: o.maxRedirects,
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const ct = page.contentType ?? '';
      if (!ct || /html|xml|text\/plain/i.test(ct)) {
        const art = /text\/plain/i.test(ct) ? { text: page.text.trim(), title: null } : extractArticle(page.text, page.url);
        text = art.text;
        title ??= art.title;
        url = page.url;
      }
    } catch {
      // the page is unavailable: fall back to what the feed itself says
    }
  }
  const fromFeed = item.content.length >= item.summary.length ? item.content : item.summary;
  if (text.length < Math.min(200, fromFeed.length)) text = fromFeed;
  if (!text.trim()) text = title ?? '';
  if (!text.trim()) return null;
  let host: string | null = null;
  try {
    host = new URL(feed.url).hostname;
  } catch {
    host = null;
  }
  return {
    id: documentIdFor(feed.url, item.guid),
    text,
    title: title ?? null,
    url: url ?? null,
    published: item.published ? item.published.slice(0, 10) : null,
    source: feed.name ?? feedTitle ?? host,
  };
}

/** Poll one feed now. Never throws: failures are recorded on the feed and returned. */
export async function pollFeed(feed: Feed, o: PollerOptions): Promise<PollResult> {
  const now = o.now ?? (() => new Date());
  const { repo } = o;
  const started = now();
  const result: PollResult = {
    feed_id: feed.id, url: feed.url, ok: false, status: null, not_modified: false, items: 0, new_items: 0, ingested: 0,
    failed_items: 0, error: null, next_poll_at: '',
  };
  try {
    const res = await fetchText(feed.url, {
      timeoutMs: o.timeoutMs, maxBytes: o.maxFeedBytes ?? 5 * 1024 * 1024, maxRedirects: o.maxRedirects,
      etag: feed.etag, lastModified: feed.last_modified,
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
      ...(o.signal ? { signal: o.signal } : {}),
    });
    result.status = res.status;
    result.not_modified = res.notModified;
    const itemErrors: string[] = [];
    let marked = 0;
    if (!res.notModified) {
      const parsed = parseFeed(res.text, res.url);
      result.items = parsed.items.length;
      // Oldest first, so documents arrive in publication order (feeds usually list newest first).
      const guids = new Set<string>();
      const fresh = parsed.items
        // a feed that repeats a guid gets its first item only
        .filter((it) => !guids.has(it.guid) && (guids.add(it.guid), true))
        .filter((it) => !repo.isItemSeen(feed.id, it.guid))
        .reverse()
        .sort((a, b) => (a.published && b.published ? a.published.localeCompare(b.published) : 0));
      result.new_items = fresh.length;
      const budgetEnd = Date.now() + (o.maxPollMs ?? 120_000);
      for (const item of fresh.slice(0, o.maxItemsPerPoll ?? 50)) {
        // Out of time (slow pages): the rest stay unseen and are taken at the next poll.
        if (Date.now() > budgetEnd || o.signal?.aborted) break;
        const doc = await itemDocument(feed, parsed.title, item, o);
        if (!doc) {
          repo.markItemSeen(feed.id, item.guid, item.link, null);
          marked++;
          continue;
        }
        try {
          await o.ingest(doc);
          repo.markItemSeen(feed.id, item.guid, doc.url ?? null, doc.id);
          marked++;
          result.ingested++;
        } catch (e) {
          result.failed_items++;
          itemErrors.push(describe(e));
          // Retried at the next polls; after maxItemAttempts it is set aside (recorded in feed_item_failures)
          // so one poisonous item cannot cost a page fetch on every poll forever.
          const limit = o.maxItemAttempts ?? 5;
          if (repo.recordItemFailure(feed.id, item.guid, describe(e), limit) >= limit) {
            repo.markItemSeen(feed.id, item.guid, doc.url ?? null, null);
            marked++;
          }
        }
      }
    }
    const next = new Date(started.getTime() + feed.interval_s * 1000).toISOString();
    result.ok = true;
    result.next_poll_at = next;
    if (itemErrors.length) result.error = `${itemErrors.length} item(s) failed to ingest: ${itemErrors[0]}`;
    repo.updateFeed(feed.id, {
      // A 304 may omit validators: keep the ones we have.
      etag: res.etag ?? feed.etag,
      last_modified: res.lastModified ?? feed.last_modified,
      last_ok_at: started.toISOString(),
      last_status: res.status,
      consecutive_failures: 0,
      next_poll_at: next,
      items_seen: feed.items_seen + marked,
      items_ingested: feed.items_ingested + result.ingested,
      ...(result.error ? { last_error: result.error, last_error_at: started.toISOString() } : {}),
    });
  } catch (e) {
    if (e instanceof FetchError && e.reason === 'aborted') {
      // shutting down: not the feed's fault, poll it again as planned
      result.error = 'aborted';
      result.next_poll_at = feed.next_poll_at;
      return result;
    }
    const failures = feed.consecutive_failures + 1;
    // Back off exponentially, and at least as long as the server asked (Retry-After, capped at a day).
    const askedS = e instanceof FetchError && e.retryAfterS !== null ? Math.min(e.retryAfterS, 86_400) : 0;
    const waitS = Math.max(backoffSeconds(feed.interval_s, failures, o.maxBackoffS), askedS);
    const next = new Date(started.getTime() + waitS * 1000).toISOString();
    result.error = describe(e);
    result.status = e instanceof FetchError ? e.status : result.status;
    result.next_poll_at = next;
    try {
      repo.updateFeed(feed.id, {
        last_error: result.error.slice(0, 1000),
        last_error_at: started.toISOString(),
        last_status: result.status,
        consecutive_failures: failures,
        next_poll_at: next,
      });
    } catch {
      // the feed may have been removed meanwhile
    }
    try {
      o.onError?.(feed, e);
    } catch {
      // listeners cannot break the poller
    }
  }
  return result;
}

export interface Poller {
  /** Poll every due feed now (not waiting for the next tick). */
  pollDue(): Promise<PollResult[]>;
  /** Resolves after the loop has stopped (signal aborted) and in-flight polls ended. */
  done: Promise<void>;
}

/**
 * Poll due feeds every `tickMs` (default 5 s) with at most `concurrency` (default 4) feeds at once, until
 * `signal` aborts. A feed already being polled is not started twice.
 */
export function startPoller(
  opts: PollerOptions & { signal?: AbortSignal; tickMs?: number; concurrency?: number; onPoll?: (r: PollResult) => void },
): Poller {
  const tickMs = opts.tickMs ?? 5000;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const inFlight = new Map<number, Promise<PollResult>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const launch = (feed: Feed): Promise<PollResult> => {
    const p = pollFeed(feed, opts).then((r) => {
      inFlight.delete(feed.id);
      try {
        opts.onPoll?.(r);
      } catch {
        // ignore listener errors
      }
      return r;
    });
    inFlight.set(feed.id, p);
    return p;
  };

  /** Start due feeds in the free slots; returns the polls started. Never waits for a slow feed. */
  const startDue = (): Promise<PollResult>[] => {
    if (stopped) return [];
    let due: Feed[];
    try {
      due = opts.repo.dueFeeds((opts.now ?? (() => new Date()))()).filter((f) => !inFlight.has(f.id));
    } catch {
      return [];
    }
    const free = Math.max(0, concurrency - inFlight.size);
    return due.slice(0, free).map(launch);
  };

  const pollDue = (): Promise<PollResult[]> => Promise.all(startDue());
  const tick = () => void startDue();

  const stop = async () => {
    stopped = true;
    if (timer) clearInterval(timer);
    await Promise.allSettled([...inFlight.values()]);
    resolveDone();
  };

  if (opts.signal?.aborted) {
    void stop();
  } else {
    timer = setInterval(tick, tickMs);
    tick();
    opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  }
  return { pollDue, done };
}
