/**
 * Seeded synthetic event sets for the API and store benchmarks, inserted with the store's bulkInsert
 * (its schema, triggers, indexes and stats aggregates; nothing is written around it).
 *
 * Events come in chunks of 10^4: chunk c holds events [c·10^4, (c+1)·10^4), made by bench/api.ts's
 * syntheticEvent from a PRNG seeded with (seed, chunk start) and put in date order (stable), as a feed
 * delivers a day's reports together. So event i depends only on (seed, i), and every set whose size is a
 * multiple of 10^4 is the prefix of the larger ones (the 10^5 set is the first tenth of the 10^6 set),
 * however it was grown. SQLite sets are cached as bench/out/events-s<seed>-n<size>-<schema>.db and grown
 * from the next smaller cached size; <schema> is a hash of the store's migrations and of this generator,
 * so a schema change (a new migration) makes the bench regenerate them, and the stale files are deleted.
 *
 * Where the fill time goes, and why batches are large (bench/README.md, "Run time"): at 10^6 events a
 * bulkInsert of 10^4 events spent most of its time on B-tree pages of the events indexes that did not fit
 * the connection's 64 MB page cache, and re-wrote nearly every index page to the WAL at each COMMIT.
 * Batches of 10^5 events in one transaction with a 1 GB page cache touch each page once per batch.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import type { CodedEvent } from '../../src/model/index.js';
import type { Store } from '../../src/store/types.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb, SQLITE_MIGRATIONS } from '../../src/store/sqlite.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres.js';
import { syntheticEvent } from '../api.js';
import { OUT } from './paths.js';
import { mix, rng } from './rng.js';

/** Events per PRNG chunk (each chunk is generated, then sorted by date, on its own). */
export const CHUNK = 10_000;
/** Bumped when the generator changes what a set holds (chunked sorting was version 2). */
const GENERATOR_VERSION = 2;

/** A short hash of a store's migrations and of this generator: part of every cached event set's name. */
export function schemaKey(kind: 'sqlite' | 'postgres'): string {
  const migrations = kind === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
  return createHash('sha1').update(JSON.stringify({ g: GENERATOR_VERSION, m: migrations })).digest('hex').slice(0, 8);
}

const byDate = (a: CodedEvent, b: CodedEvent) => {
  const x = a.event_date ?? '';
  const y = b.event_date ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Events [from, to) of seed, in insertion order (chunk by chunk, each chunk in date order). */
export function syntheticEvents(seed: number, from: number, to: number): CodedEvent[] {
  const out: CodedEvent[] = [];
  for (let c = Math.floor(from / CHUNK) * CHUNK; c < to; c += CHUNK) {
    const r = rng(mix(seed, c));
    const chunk: CodedEvent[] = [];
    for (let i = c; i < c + CHUNK; i++) {
      const e = syntheticEvent(i, r); // always drawn, so event i is the same whatever the range
      if (i >= from && i < to) chunk.push(e);
    }
    out.push(...chunk.sort(byDate));
  }
  return out;
}

/**
 * Insert events [from, to) of seed into the store in one bulkInsert (one transaction), handed over as
 * batches of `batch` events generated as the store asks for them. When the load is at least as large as
 * what the store holds, the store drops its indexes for it and builds them once at the end
 * (`rebuildIndexes`, see Store.bulkInsert). Returns events inserted per second.
 */
export async function fillRange(store: Store, seed: number, from: number, to: number, log?: (s: string) => void, batch = CHUNK): Promise<number> {
  const t0 = Date.now();
  function* batches(): Generator<CodedEvent[]> {
    for (let start = from; start < to; start += batch) {
      const end = Math.min(to, start + batch);
      if (log && start > from && Math.floor((start - from) / 100_000) > Math.floor((start - from - batch) / 100_000)) {
        log(`  ${store.kind}: ${start.toLocaleString('en')} / ${to.toLocaleString('en')} events (${Math.round(((start - from) / Math.max(1, Date.now() - t0)) * 1000).toLocaleString('en')}/s)`);
      }
      yield syntheticEvents(seed, start, end);
    }
  }
  await store.bulkInsert(batches(), { rebuildIndexes: to - from >= from });
  return ((to - from) / Math.max(1, Date.now() - t0)) * 1000;
}

/** Fill batches: 10^5 events per batch (see the top comment; on PostgreSQL, one COPY per table and batch). */
export const FILL_BATCH = 100_000;
/**
 * Page cache of the generating connection, in MB. SqliteDb sets 64 MB for serving; the fill raises it on
 * its own connection only (the file and its schema are the store's; `serve` opens it with its defaults).
 */
export const SQLITE_FILL_CACHE_MB = 1024;

/**
 * An SqliteDb for generating a set: the store's own connection, with a larger page cache, and no journal
 * and no fsync while it fills (the file is a throwaway `.part` until it is complete; a fill that fails is
 * generated again). One bulkInsert of 9·10^5 events in WAL mode would write every page twice (WAL, then
 * checkpoint). `close` puts the file back in WAL mode, as the store leaves it.
 */
export function fillSqliteDb(file: string): SqliteDb {
  const db = new SqliteDb(file);
  // SqliteDb exposes no option for these; its better-sqlite3 handle is a private field
  const raw = (db as unknown as { db: { pragma: (s: string) => unknown } }).db;
  raw.pragma(`cache_size = -${SQLITE_FILL_CACHE_MB * 1024}`);
  raw.pragma('journal_mode = OFF');
  raw.pragma('synchronous = OFF');
  const close = db.close.bind(db);
  db.close = async () => {
    raw.pragma('journal_mode = WAL');
    await close();
  };
  return db;
}

export const sqliteEventsPath = (seed: number, n: number) => path.join(OUT, `events-s${seed}-n${n}-${schemaKey('sqlite')}.db`);
/** The PostgreSQL database holding the set of n events of seed (bench/lib/pg-fill.ts). */
export const pgEventsDb = (seed: number, n: number) => `ev_s${seed}_n${n}_${schemaKey('postgres')}`;

/** Databases of PostgreSQL event sets of this seed made for another schema or generator (to drop). */
export function staleEventDbs(seed: number, names: string[]): string[] {
  const re = new RegExp(`^ev_s${seed}_n\\d+_([0-9a-f]{8})(?:_part)?$`);
  return names.filter((n) => {
    const m = re.exec(n);
    return !!m && m[1] !== schemaKey('postgres');
  });
}

/**
 * Delete cached event sets of this seed made for another schema or generator (their names carry another
 * key, or none: the sets of before the key). Returns the names deleted.
 */
export function deleteStaleEventSets(seed: number, dir = OUT): string[] {
  // PostgreSQL sets were dumps in bench/out until they became databases of the bench cluster: every dump is stale
  const keep = new Set([schemaKey('sqlite')]);
  const re = new RegExp(`^events-s${seed}-n\\d+(?:-(pg-[0-9a-f]{8}|pg|[0-9a-f]{8}))?\\.(?:db|pgdump)(?:\\.part)?(?:-wal|-shm)?$`);
  const gone: string[] = [];
  for (const f of readdirSync(dir)) {
    const m = re.exec(f);
    if (!m || (m[1] && keep.has(m[1]))) continue;
    rmSync(path.join(dir, f), { force: true });
    gone.push(f);
  }
  return gone;
}

/** Events in an SQLite event set (-1 when it cannot be read). */
export function storedEvents(file: string): number {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n);
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

/**
 * Cached SQLite event sets for each size (ascending). Returns the file per size and the insert rate of
 * what had to be generated now (null when everything was cached).
 */
export async function ensureSqliteEvents(seed: number, sizes: number[], log: (s: string) => void): Promise<{ files: Map<number, string>; insertPerS: number | null; inserted: number; ms: number }> {
  const files = new Map<number, string>();
  let prev: { n: number; file: string } | null = null;
  let inserted = 0;
  let ms = 0;
  for (const n of [...sizes].sort((a, b) => a - b)) {
    const file = sqliteEventsPath(seed, n);
    if (existsSync(file) && storedEvents(file) !== n) {
      log(`SQLite: ${path.basename(file)} does not hold ${n.toLocaleString('en')} events (an interrupted or concurrent run?): generated again`);
      rmSync(file, { force: true });
    }
    if (!existsSync(file)) {
      const part = `${file}.part`;
      for (const f of [part, `${part}-wal`, `${part}-shm`]) rmSync(f, { force: true });
      let have = 0;
      if (prev) {
        copyFileSync(prev.file, part);
        have = prev.n;
      }
      log(`SQLite: generating ${n.toLocaleString('en')} synthetic events (seed ${seed}) into ${path.relative(process.cwd(), file)}${have ? `, from the cached ${have.toLocaleString('en')}` : ''}`);
      const store = new CoreStore(fillSqliteDb(part));
      const t = Date.now();
      await fillRange(store, seed, have, n, log, FILL_BATCH);
      await store.close();
      ms += Date.now() - t;
      inserted += n - have;
      renameSync(part, file);
    }
    files.set(n, file);
    prev = { n, file };
  }
  return { files, insertPerS: inserted ? (inserted / ms) * 1000 : null, inserted, ms };
}
