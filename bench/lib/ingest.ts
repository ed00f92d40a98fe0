/**
 * Ingest throughput: the corpus as one JSONL file through src/ingest's ingestPaths into a fresh store
 * (SQLite file or a fresh PostgreSQL database), with the real extractor in this thread, with a pool of
 * extraction workers (what `frontline ingest` does with large inputs), and again with the events
 * extracted beforehand (store, merging and transactions only).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CodedEvent, SourceDocument } from '../../src/model/index.js';
import type { Extractor } from '../../src/extract/types.js';
import type { Store } from '../../src/store/types.js';
import { ingestPaths, type IngestExtractor } from '../../src/ingest/index.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extract/pool.js';
import { openStore } from '../../src/store/index.js';
import { median } from './stats.js';
import { TMP } from './paths.js';

export interface IngestFigures {
  docsPerS: number; // wall clock
  docsPerCpuS: number; // per CPU-second of this process (the whole ingest for SQLite; PostgreSQL's server time is not counted)
  eventsPerS: number; // events created + reports merged into existing events, per second
  created: number;
  merged: number;
  docs: number;
  runs: number;
}

export function writeJsonl(docs: SourceDocument[], file: string): string {
  if (!existsSync(file)) writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return file;
}

/**
 * An extractor that returns what `inner` returned for the same document earlier (no extraction cost).
 * The cached events are handed over as they are, not copied: the store validates them into its own
 * copies and never changes its input, and a deep copy per document is extraction's cost, not the store's.
 */
export function preExtracted(inner: Extractor, docs: SourceDocument[]): Extractor {
  const cache = new Map<string, CodedEvent[]>();
  for (const d of docs) cache.set(d.id!, inner.extract(d));
  return { extract: (d) => cache.get(d.id!) ?? inner.extract(d) };
}

/**
 * A pool of extraction workers, started and warmed: startMs is until every worker has extracted a report;
 * then `warm` goes through the pool once per worker (as the bench's own extractor is warmed before timing).
 */
export async function startPool(workers: number, warm: SourceDocument[]): Promise<{ pool: ExtractorPool; startMs: number }> {
  const t = performance.now();
  const pool = createExtractorPool({ workers });
  await Promise.all(warm.slice(0, workers).map((d) => pool.extract(d)));
  const startMs = performance.now() - t;
  for (let i = 0; i < workers; i++) await Promise.all(warm.map((d) => pool.extract(d)));
  return { pool, startMs };
}

export async function benchIngest(opts: {
  /** One JSONL file per run. */
  jsonls: string[];
  extractor: IngestExtractor;
  /** A fresh empty store per run. */
  freshStore: (run: number) => Promise<Store>;
}): Promise<IngestFigures> {
  const rates: { d: number; cpu: number; e: number; created: number; merged: number; docs: number }[] = [];
  for (let i = 0; i < opts.jsonls.length; i++) {
    const store = await opts.freshStore(i);
    const t = performance.now();
    const c = process.cpuUsage();
    const sum = await ingestPaths(store, [opts.jsonls[i]!], opts.extractor);
    const used = process.cpuUsage(c);
    const s = (performance.now() - t) / 1000;
    await store.close();
    if (sum.errors.length) throw new Error(`ingest errors: ${JSON.stringify(sum.errors.slice(0, 3))}`);
    rates.push({ d: sum.documents / s, cpu: sum.documents / ((used.user + used.system) / 1e6), e: (sum.events_created + sum.events_merged) / s, created: sum.events_created, merged: sum.events_merged, docs: sum.documents });
  }
  return {
    docsPerS: median(rates.map((r) => r.d)),
    docsPerCpuS: median(rates.map((r) => r.cpu)),
    eventsPerS: median(rates.map((r) => r.e)),
    created: rates[0]!.created,
    merged: rates[0]!.merged,
    docs: rates[0]!.docs,
    runs: opts.jsonls.length,
  };
}

export function freshSqlite(name: string): (run: number) => Promise<Store> {
  return async (run) => {
    const file = path.join(TMP, `${name}-${run}.db`);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    return openStore({ path: file });
  };
}
