/**
 * Seeded synthetic event sets for the API and store benchmarks, inserted with the store's bulkInsert.
 * Event i of seed s depends only on (s, i) (rows come from bench/api.ts's syntheticEvent with a PRNG
 * seeded per batch), so a set of 10^5 events is the first tenth of the set of 10^6. SQLite sets are
 * cached as bench/out/events-s<seed>-n<size>.db and grown from the next smaller cached size.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CodedEvent } from '../../src/model/index.js';
import type { Store } from '../../src/store/types.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { syntheticEvent } from '../api.js';
import { OUT } from './paths.js';
import { mix, rng } from './rng.js';

const BATCH = 10_000;

/** Insert events [from, to) of seed into the store. Returns events inserted per second. */
export async function fillRange(store: Store, seed: number, from: number, to: number, log?: (s: string) => void): Promise<number> {
  const t0 = Date.now();
  for (let start = from; start < to; start += BATCH) {
    const r = rng(mix(seed, start));
    const batch: CodedEvent[] = [];
    for (let i = start; i < Math.min(to, start + BATCH); i++) batch.push(syntheticEvent(i, r));
    await store.bulkInsert(batch);
    if (log && (start / BATCH) % 10 === 9) log(`  ${store.kind}: ${(start + batch.length).toLocaleString('en')} / ${to.toLocaleString('en')} events`);
  }
  return ((to - from) / Math.max(1, Date.now() - t0)) * 1000;
}

export const sqliteEventsPath = (seed: number, n: number) => path.join(OUT, `events-s${seed}-n${n}.db`);

/**
 * Cached SQLite event sets for each size (ascending). Returns the file per size and the insert rate of
 * what had to be generated now (null when everything was cached).
 */
export async function ensureSqliteEvents(seed: number, sizes: number[], log: (s: string) => void): Promise<{ files: Map<number, string>; insertPerS: number | null }> {
  const files = new Map<number, string>();
  let prev: { n: number; file: string } | null = null;
  let inserted = 0;
  let ms = 0;
  for (const n of [...sizes].sort((a, b) => a - b)) {
    const file = sqliteEventsPath(seed, n);
    if (!existsSync(file)) {
      const part = `${file}.part`;
      for (const f of [part, `${part}-wal`, `${part}-shm`]) rmSync(f, { force: true });
      let have = 0;
      if (prev) {
        copyFileSync(prev.file, part);
        have = prev.n;
      }
      log(`generating ${n.toLocaleString('en')} synthetic events (seed ${seed}) into ${path.relative(process.cwd(), file)}${have ? `, from the cached ${have.toLocaleString('en')}` : ''}`);
      const store = new CoreStore(new SqliteDb(part));
      const t = Date.now();
      await fillRange(store, seed, have, n, log);
      await store.close();
      ms += Date.now() - t;
      inserted += n - have;
      renameSync(part, file);
    }
    files.set(n, file);
    prev = { n, file };
  }
  return { files, insertPerS: inserted ? (inserted / ms) * 1000 : null };
}
