/**
 * A careful HTTP GET for feeds and article pages: one overall timeout (headers and body), a byte cap
 * on the body (the read stops, nothing more is buffered), redirects followed by hand and capped
 * (loops detected), http/https only, conditional GET headers, and text decoded by its declared charset
 * (Content-Type, XML declaration, HTML <meta>, BOM) with iconv-lite. Errors are FetchError with a reason.
 */
import iconv from 'iconv-lite';

export interface FetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  etag?: string | null;
  lastModified?: string | null;
  accept?: string;
  signal?: AbortSignal;
  userAgent?: string;
}

export interface FetchedText {
  status: number;
  /** Final URL after redirects. */
  url: string;
  notModified: boolean;
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
  charset: string;
  text: string;
  bytes: number;
}

export type FetchErrorReason = 'timeout' | 'too_large' | 'redirects' | 'http' | 'network' | 'bad_url' | 'aborted';

export class FetchError extends Error {
  constructor(
    readonly reason: FetchErrorReason,
    message: string,
    readonly status: number | null = null,
    /** Seconds the server asked us to wait (Retry-After on 429/503), when given. */
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export const DEFAULT_USER_AGENT = 'Frontline/0.1 (+offline conflict-event monitor; feed poller)';

export async function fetchText(url: string, opts: FetchOptions = {}): Promise<FetchedText> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;

  let current = url;
  const visited = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      let parsed: URL;
      try {
        parsed = new URL(current);
      } catch {
        throw new FetchError('bad_url', `not a valid URL: ${current}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new FetchError('bad_url', `only http and https are fetched, not ${parsed.protocol}`);
      }
      visited.add(parsed.href);
      const headers: Record<string, string> = {
        'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
        accept: opts.accept ?? '*/*',
      };
      // Conditional headers only for the URL we were asked for (validators belong to it).
      if (hop === 0 && opts.etag) headers['if-none-match'] = opts.etag;
      if (hop === 0 && opts.lastModified) headers['if-modified-since'] = opts.lastModified;
      const res = await fetch(parsed, { headers, redirect: 'manual', signal });

      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => {});
        const loc = res.headers.get('location');
        if (!loc) throw new FetchError('http', `HTTP ${res.status} without a Location header`, res.status);
        const next = new URL(loc, parsed).href;
        if (visited.has(next)) throw new FetchError('redirects', `redirect loop at ${next}`, res.status);
        if (hop + 1 > maxRedirects) throw new FetchError('redirects', `more than ${maxRedirects} redirects`, res.status);
        current = next;
        continue;
      }
      const etag = res.headers.get('etag');
      const lastModified = res.headers.get('last-modified');
      const contentType = res.headers.get('content-type');
      if (res.status === 304) {
        await res.body?.cancel().catch(() => {});
        return { status: 304, url: parsed.href, notModified: true, etag, lastModified, contentType, charset: 'utf-8', text: '', bytes: 0 };
      }
      if (res.status < 200 || res.status >= 300) {
        await res.body?.cancel().catch(() => {});
        throw new FetchError('http', `HTTP ${res.status} ${res.statusText}`.trim(), res.status, parseRetryAfter(res.headers.get('retry-after')));
      }
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await res.body?.cancel().catch(() => {});
        throw new FetchError('too_large', `body of ${declared} bytes is over the ${maxBytes}-byte cap`, res.status);
      }
      const buf = await readCapped(res, maxBytes);
      const charset = detectCharset(buf, contentType);
      return {
        status: res.status, url: parsed.href, notModified: false, etag, lastModified, contentType, charset,
        text: decode(buf, charset), bytes: buf.length,
      };
    }
  } catch (e) {
    if (e instanceof FetchError) throw e;
    if (timeout.aborted) throw new FetchError('timeout', `no complete answer within ${timeoutMs} ms`);
    if (opts.signal?.aborted) throw new FetchError('aborted', 'aborted');
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FetchError('network', cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
  }
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FetchError('too_large', `body is over the ${maxBytes}-byte cap`, res.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Charset from BOM, then Content-Type, then the XML declaration or an HTML meta tag; utf-8 otherwise. */
export function detectCharset(buf: Buffer, contentType: string | null): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8';
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  const fromHeader = contentType?.match(/charset\s*=\s*["']?([\w.:-]+)/i)?.[1];
  if (fromHeader && iconv.encodingExists(fromHeader)) return fromHeader.toLowerCase();
  const head = buf.subarray(0, 2048).toString('latin1');
  const fromXml = head.match(/^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i)?.[1];
  if (fromXml && iconv.encodingExists(fromXml)) return fromXml.toLowerCase();
  const fromMeta =
    head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i)?.[1];
  if (fromMeta && iconv.encodingExists(fromMeta)) return fromMeta.toLowerCase();
  return 'utf-8';
}

/** Decode bytes; invalid sequences become U+FFFD, never an exception. A leading BOM is dropped. */
export function decode(buf: Buffer, charset: string): string {
  const enc = iconv.encodingExists(charset) ? charset : 'utf-8';
  return iconv.decode(buf, enc, { stripBOM: true });
}

/** Retry-After as seconds: a number of seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | null {
  if (!v) return null;
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((t - now) / 1000));
}
