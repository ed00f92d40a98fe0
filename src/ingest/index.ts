/**
 * ingest: documents in. Reads plain text (.txt, .md and any other explicitly named file), HTML (.html,
 * .htm, reduced to text with html-to-text), JSON Lines batches (.jsonl/.ndjson, one
 * `{"id","url","title","published","source","text"}` per line) and folders (recursively, in name order),
 * and hands the documents to the store with the extractor (in this thread, or a pool of extraction
 * workers: `createExtractorPool`), in batches (`store.ingestMany`), one batch written while the next is
 * extracted. Owns file
 * reading, decoding, headers, per-file errors and the progress line; must not touch the database
 * directly (only the Store) nor code events (only the Extractor).
 *
 * Guarantees (from the store): the document is stored before extraction, its events in one transaction,
 * identical content is stored once (content hash), so re-running an interrupted ingest (even after
 * kill -9) completes it into the same database as one uninterrupted run: the documents already done are
 * not extracted again, those of the interrupted batches are (they are stored, pending). A bad file or line (binary,
 * invalid UTF-8, too large, malformed JSON) is reported in `summary.errors` and the rest goes on.
 *
 * Plain files may start with a header block, ended by a blank line, e.g.
 *   Published: 2024-07-23
 *   Source: Northern Dispatch
 *   Title: Shelling reported near Harbal
 *   URL: https://example.org/a
 * (keys case-insensitive; `Date:` is an alias of `Published:`), or with Markdown front matter between two
 * `---` lines (the same keys). The header is not part of the stored text.
 * Otherwise `published` and `source` come from the caller's defaults (CLI `--published`, `--source`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { convert } from 'html-to-text';
import iconv from 'iconv-lite';
import { decodeText, MAX_DOCUMENT_BYTES } from '../model/text.js';
import type { SourceDocument } from '../model/index.js';
import type { ExtractFn, Store } from '../store/types.js';

/** The extractor in this thread (createExtractor) or a pool of extraction workers (createExtractorPool). */
export interface IngestExtractor {
  extract: ExtractFn;
}

export interface IngestProgress {
  files_done: number;
  files_total: number;
  bytes_done: number;
  bytes_total: number;
  documents: number;
  duplicates: number;
  events: number;
  errors: number;
}

export interface IngestOptions {
  /** Default publication date (YYYY-MM-DD) for documents that carry none. */
  published?: string | null;
  /** Default source (outlet) for documents that name none. */
  source?: string | null;
  /** Print a progress line on stderr (updated in place on a terminal). */
  progress?: boolean;
  /** Called after every document and file. */
  onProgress?: (p: IngestProgress) => void;
  /** Largest accepted document, in bytes (default 10 MiB). JSONL files may be larger; each line may not. */
  maxBytes?: number;
}

export interface IngestError {
  path: string;
  line?: number;
  error: string;
}

export interface IngestSummary {
  files: number;
  documents: number; // new documents stored and extracted
  duplicates: number; // documents already stored (nothing added)
  events_created: number;
  events_merged: number; // reports merged into an existing event
  errors: IngestError[];
}

const TEXT_EXT = new Set(['.txt', '.md', '.markdown', '.text']);
const HTML_EXT = new Set(['.html', '.htm', '.xhtml']);
const JSONL_EXT = new Set(['.jsonl', '.ndjson']);
const KNOWN_EXT = new Set([...TEXT_EXT, ...HTML_EXT, ...JSONL_EXT]);
/** Documents handed to the store at once (store.ingestMany), up to this many characters of text. */
const BATCH_DOCS = 64;
const BATCH_CHARS = 4_000_000;
/** Batches extracted or written at the same time. */
const MAX_IN_FLIGHT = 4;

/** Normalise a date given by a header, meta tag or JSON field to YYYY-MM-DD (or YYYY-MM / YYYY); null if unusable. */
export function normalisePublished(v: unknown): string | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  const s = v.trim();
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:$|[T ])/.exec(s);
  if (m) return m[3] ? `${m[1]}-${m[2]}-${m[3]}` : m[2] ? `${m[1]}-${m[2]}` : m[1]!;
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : null;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

function fileDocId(file: string, text: string): string {
  const base = path.basename(file, path.extname(file)).replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 60) || 'doc';
  return `${base}-${shortHash(text)}`;
}

const HEADER_KEYS: Record<string, 'published' | 'source' | 'title' | 'url'> = {
  published: 'published', date: 'published', source: 'source', outlet: 'source', title: 'title', url: 'url',
};

/** Split an optional `Key: value` header block off a plain-text document. */
export function parseTextHeader(raw: string): { text: string; fields: Partial<Record<'published' | 'source' | 'title' | 'url', string>> } {
  const text = raw.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const fields: Partial<Record<'published' | 'source' | 'title' | 'url', string>> = {};
  if (lines[0]?.trim() === '---') {
    // YAML-style front matter (Markdown): known keys are read, others ignored
    const end = lines.findIndex((l, k) => k > 0 && k <= 40 && l.trim() === '---');
    if (end > 0) {
      for (const l of lines.slice(1, end)) {
        const m = /^([A-Za-z_]+):\s*(.*?)\s*$/.exec(l);
        const key = m ? HEADER_KEYS[m[1]!.toLowerCase()] : undefined;
        if (m && key) fields[key] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
      }
      const body = lines.slice(end + 1);
      return { text: (body[0]?.trim() === '' ? body.slice(1) : body).join('\n'), fields };
    }
  }
  let i = 0;
  for (; i < lines.length && i < 12; i++) {
    const m = /^([A-Za-z]+):\s*(.*?)\s*$/.exec(lines[i]!);
    const key = m ? HEADER_KEYS[m[1]!.toLowerCase()] : undefined;
    if (!m || !key) break;
    fields[key] = m[2]!;
  }
  if (i === 0 || (i < lines.length && lines[i]!.trim() !== '')) return { text, fields: {} };
  return { text: lines.slice(i + 1).join('\n'), fields };
}

/** HTML to readable text (block structure kept as line breaks; scripts, styles, navigation dropped). */
export function htmlToText(html: string): { text: string; title: string | null; published: string | null } {
  const titleMatch = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const title = titleMatch ? convert(titleMatch[1]!, { wordwrap: false }).trim() || null : null;
  const metaDate =
    /<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|date|pubdate|dc\.date)["'][^>]*content=["']([^"']+)["']/i.exec(html) ??
    /<time[^>]+datetime=["']([^"']+)["']/i.exec(html);
  const text = convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'header', format: 'skip' },
      { selector: 'footer', format: 'skip' },
      { selector: 'aside', format: 'skip' },
      { selector: 'form', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      { selector: 'ul', options: { itemPrefix: ' - ' } },
    ],
  })
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, title, published: metaDate ? normalisePublished(metaDate[1]) : null };
}

/** The charset an HTML file declares in a meta tag, when it is not UTF-8 and iconv-lite knows it. */
export function declaredHtmlCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const cs = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1]?.toLowerCase();
  return cs && !/^utf-?8$/.test(cs) && iconv.encodingExists(cs) ? cs : null;
}

async function listFiles(p: string, explicit: boolean, out: string[], errors: IngestError[]): Promise<void> {
  let st;
  try {
    st = await stat(p);
  } catch (err) {
    errors.push({ path: p, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return;
  }
  if (st.isDirectory()) {
    const entries = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
    for (const n of entries) await listFiles(path.join(p, n), false, out, errors);
  } else if (st.isFile()) {
    if (explicit || KNOWN_EXT.has(path.extname(p).toLowerCase())) out.push(p);
  } else if (explicit) {
    errors.push({ path: p, error: 'not a regular file or folder' });
  }
}

/** Split a byte stream into lines (LF), yielding each line's bytes and number; memory bounded by maxLine. */
async function* byteLines(file: string, maxLine: number): AsyncGenerator<{ line: number; bytes: Buffer | null; size: number }> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let tooLong = false;
  let line = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(10, start); i !== -1; i = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, i);
      const size = pendingLen + piece.length + 1;
      line++;
      if (tooLong || pendingLen + piece.length > maxLine) yield { line, bytes: null, size };
      else yield { line, bytes: pendingLen ? Buffer.concat([...pending, piece]) : piece, size };
      pending = [];
      pendingLen = 0;
      tooLong = false;
      start = i + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length) {
      if (pendingLen + rest.length > maxLine) {
        tooLong = true;
        pending = [];
      } else pending.push(Buffer.from(rest));
      pendingLen += rest.length;
    }
  }
  if (pendingLen > 0) {
    line++;
    yield { line, bytes: tooLong ? null : Buffer.concat(pending), size: pendingLen };
  }
}

class ProgressLine {
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;
  private readonly started = Date.now();
  private shown = false;
  update(p: IngestProgress, final = false) {
    const now = Date.now();
    if (!final && now - this.last < (this.tty ? 200 : 5000)) return;
    if (!final && !this.shown && now - this.started < 1000) return; // short runs stay quiet
    this.last = now;
    this.shown = true;
    const pct = p.bytes_total ? Math.floor((100 * p.bytes_done) / p.bytes_total) : 100;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const line =
      `ingest ${String(pct).padStart(3)}% · files ${p.files_done}/${p.files_total} · documents ${p.documents}` +
      ` (+${p.duplicates} already stored) · events ${p.events} · errors ${p.errors} · ${Math.round((p.documents + p.duplicates) / secs)} docs/s`;
    process.stderr.write(this.tty ? `\r\x1b[2K${line}${final ? '\n' : ''}` : `${line}\n`);
  }
}

/**
 * Ingest files and folders into the store with the extractor. Never throws for a bad file or document:
 * those go into `summary.errors`. Throws only when the store itself fails (e.g. the database is gone).
 */
export async function ingestPaths(store: Store, paths: string[], extractor: IngestExtractor, opts: IngestOptions = {}): Promise<IngestSummary> {
  const maxBytes = opts.maxBytes ?? MAX_DOCUMENT_BYTES;
  const defaultPublished = opts.published ? normalisePublished(opts.published) : null;
  const defaultSource = opts.source?.trim() || null;
  const summary: IngestSummary = { files: 0, documents: 0, duplicates: 0, events_created: 0, events_merged: 0, errors: [] };
  const files: string[] = [];
  for (const p of paths) await listFiles(p, true, files, summary.errors);
  const sizes = await Promise.all(files.map((f) => stat(f).then((s) => s.size, () => 0)));
  const progress: IngestProgress = {
    files_done: 0, files_total: files.length, bytes_done: 0, bytes_total: sizes.reduce((a, b) => a + b, 0),
    documents: 0, duplicates: 0, events: 0, errors: 0,
  };
  const bar = opts.progress ? new ProgressLine() : null;
  const report = (final = false) => {
    progress.errors = summary.errors.length;
    opts.onProgress?.({ ...progress });
    bar?.update(progress, final);
  };

  let created = 0;
  let updated = 0;
  const unsubscribe = store.subscribe((c) => {
    if (c.kind === 'created') created++;
  });

  // Documents are handed to the store in batches (store.ingestMany: two transactions per batch instead
  // of two per document); progress and errors are counted per document as each batch is written.
  let unit = 0; // input lines and files read so far: the input order of errors
  const errorUnit = new WeakMap<IngestError, number>();
  const fail = (e: IngestError, at = unit) => {
    errorUnit.set(e, at);
    summary.errors.push(e);
  };
  let batch: { doc: SourceDocument; where: Omit<IngestError, 'error'>; unit: number }[] = [];
  let batchBytes = 0;
  // Up to four batches are in flight: while one batch's events are written (this thread), the next ones
  // are stored and extracted (by a pool's workers) and files are read on. (With two, the next batch's
  // documents were queued for storing behind the write, so its extraction waited for it.)
  // A batch's events are written after the previous batch's (its extractions wait for that batch), so
  // events merge in input order whatever order the workers finish in.
  const inFlight: Promise<void>[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  const written = async (items: typeof batch, after: Promise<unknown>): Promise<void> => {
    const results = await store.ingestMany(
      items.map((it) => it.doc),
      async (d) => {
        const events = await extractor.extract(d);
        await after;
        return events;
      },
    );
    results.forEach((r, k) => {
      if (r instanceof Error) {
        const e = r as Error & { statusCode?: number; code?: string };
        // a dead database is not a per-document problem: stop
        if (e.code === 'SQLITE_CANTOPEN' || e.code === 'ECONNREFUSED' || /database connection is not open|pool after calling end/i.test(e.message)) throw e;
        fail({ ...items[k]!.where, error: e.message }, items[k]!.unit);
      } else if (r.duplicate) {
        summary.duplicates++;
        progress.duplicates++;
      } else {
        summary.documents++;
        progress.documents++;
        progress.events += r.events.length;
        updated += r.events.length;
      }
      report();
    });
  };
  const flush = async (): Promise<void> => {
    if (batch.length) {
      const items = batch;
      batch = [];
      batchBytes = 0;
      const p = written(items, previous);
      previous = p.catch(() => {}); // (awaited below; a failure must not be an unhandled rejection meanwhile)
      inFlight.push(p);
    }
    while (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
  };
  const drain = async (): Promise<void> => {
    await flush();
    while (inFlight.length) await inFlight.shift();
  };
  const ingestOne = async (doc: SourceDocument, where: Omit<IngestError, 'error'>): Promise<void> => {
    batch.push({ doc, where, unit });
    batchBytes += doc.text.length;
    if (batch.length >= BATCH_DOCS || batchBytes >= BATCH_CHARS) await flush();
  };

  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const ext = path.extname(file).toLowerCase();
      summary.files++;
      if (JSONL_EXT.has(ext)) {
        for await (const { line, bytes, size } of byteLines(file, maxBytes)) {
          unit++;
          progress.bytes_done += size;
          const where = { path: file, line };
          if (bytes === null) {
            fail({ ...where, error: `line is larger than the limit of ${maxBytes} bytes` });
            continue;
          }
          const dec = decodeText(bytes, maxBytes);
          if (!dec.ok) {
            fail({ ...where, error: dec.error });
            continue;
          }
          if (!dec.text.trim()) continue;
          let obj: Record<string, unknown>;
          try {
            obj = JSON.parse(dec.text) as Record<string, unknown>;
            if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('expected a JSON object');
          } catch (err) {
            fail({ ...where, error: `malformed JSON: ${(err as Error).message}` });
            continue;
          }
          if (typeof obj.text !== 'string' || !obj.text.trim()) {
            fail({ ...where, error: 'missing "text" (a non-empty string)' });
            continue;
          }
          const str = (k: string) => (typeof obj[k] === 'string' && (obj[k] as string).trim() ? (obj[k] as string).trim() : null);
          const idv = obj.id;
          const id = typeof idv === 'string' && idv.trim() ? idv.trim() : typeof idv === 'number' ? String(idv) : `${path.basename(file, ext)}-${line}-${shortHash(obj.text)}`;
          if (obj.published != null && normalisePublished(obj.published) === null) {
            fail({ ...where, error: `"published" is not a date: ${JSON.stringify(obj.published).slice(0, 40)}` });
            continue;
          }
          await ingestOne(
            {
              id,
              text: obj.text,
              published: normalisePublished(obj.published) ?? defaultPublished,
              url: str('url'),
              title: str('title'),
              source: str('source') ?? defaultSource,
            },
            where,
          );
        }
      } else {
        unit++;
        const where = { path: file };
        let bytes: Buffer;
        try {
          if (sizes[i]! > maxBytes) throw new Error(`file is ${sizes[i]} bytes, larger than the limit of ${maxBytes}`);
          bytes = await readFile(file);
        } catch (err) {
          fail({ ...where, error: (err as Error).message });
          progress.bytes_done += sizes[i]!;
          progress.files_done++;
          report();
          continue;
        }
        progress.bytes_done += sizes[i]!;
        const charset = HTML_EXT.has(ext) ? declaredHtmlCharset(bytes) : null;
        const dec = charset && !bytes.subarray(0, 8192).includes(0)
          ? { ok: true as const, text: iconv.decode(bytes, charset) }
          : decodeText(bytes, maxBytes);
        if (!dec.ok) fail({ ...where, error: dec.error });
        else {
          let doc: SourceDocument | null;
          if (HTML_EXT.has(ext)) {
            const h = htmlToText(dec.text);
            doc = { id: fileDocId(file, h.text), text: h.text, title: h.title, published: h.published ?? defaultPublished, source: defaultSource, url: null };
          } else {
            const { text, fields } = parseTextHeader(dec.text);
            const pub = fields.published !== undefined ? normalisePublished(fields.published) : defaultPublished;
            if (fields.published !== undefined && pub === null) {
              fail({ ...where, error: `header "Published: ${fields.published}" is not a date (use YYYY-MM-DD)` });
              doc = null;
            } else {
              doc = { id: fileDocId(file, text), text, title: fields.title ?? null, published: pub, source: fields.source ?? defaultSource, url: fields.url ?? null };
            }
          }
          if (doc && !doc.text.trim()) fail({ ...where, error: 'document has no text' });
          else if (doc) await ingestOne(doc, where);
        }
      }
      progress.files_done++;
      report();
    }
    await drain();
  } finally {
    // (after a failure: let the batches in flight end before the counts are read)
    await Promise.allSettled(inFlight);
    unsubscribe();
    summary.events_created = created;
    summary.events_merged = Math.max(0, updated - created);
    // in input order (a document's error is known when its batch is written, after later lines' errors)
    const ord = (e: IngestError) => errorUnit.get(e) ?? -1;
    summary.errors.sort((a, b) => ord(a) - ord(b));
    if (bar) report(true);
  }
  return summary;
}
