/**
 * Fills the PostgreSQL event sets of the bench in a process of its own, so that it runs alongside the
 * SQLite fill of bench/run.ts (better-sqlite3 holds the bench process's thread; PostgreSQL's work is
 * in its server processes anyway). Started by `spawnPgFill`, or by hand:
 *
 *   npx tsx bench/lib/pg-fill.ts --url postgres://…/bench_events --seed 1 --sizes 10000,100000,1000000 --out FILE
 *
 * Grows the (empty) database at --url size by size with the store's bulkInsert: from the largest cached
 * dump below the first missing size (restored first), through every size, writing the dump of each size
 * that has none (bench/out/<pgEventsKey>.pgdump). Progress goes to stderr; the result (insert rates per
 * step, the size the database holds at the end) to --out as JSON.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/store/index.js';
import { CHUNK, fillRange, pgEventsKey } from './events.js';
import { dumpDb, hasDump, restoreDb } from './pg.js';
import { REPO, TMP } from './paths.js';

export interface PgFillResult {
  /** Events the database at the given URL holds at the end (the largest size filled). */
  filledTo: number;
  restoredFrom: number;
  steps: { from: number; to: number; eventsPerS: number; dumpMs: number }[];
  ms: number;
}

export async function pgFill(url: string, seed: number, sizes: number[], log: (s: string) => void): Promise<PgFillResult> {
  const t0 = Date.now();
  const asc = [...new Set(sizes)].sort((a, b) => a - b);
  const missing = asc.filter((n) => !hasDump(pgEventsKey(seed, n)));
  const out: PgFillResult = { filledTo: 0, restoredFrom: 0, steps: [], ms: 0 };
  if (!missing.length) return out;
  const base = asc.filter((n) => n < missing[0]! && hasDump(pgEventsKey(seed, n))).pop();
  if (base && restoreDb(url, pgEventsKey(seed, base))) {
    out.restoredFrom = base;
    log(`PostgreSQL fill: restored ${base.toLocaleString('en')} events from bench/out/${pgEventsKey(seed, base)}.pgdump`);
  }
  let have = out.restoredFrom;
  const store = await openStore({ url });
  try {
    for (const n of asc.filter((x) => x > have && x <= missing.at(-1)!)) {
      log(`PostgreSQL fill: ${have.toLocaleString('en')} → ${n.toLocaleString('en')} events (its own process, alongside the SQLite work)`);
      const rate = await fillRange(store, seed, have, n, log, CHUNK);
      let dumpMs = 0;
      if (!hasDump(pgEventsKey(seed, n))) {
        const t = Date.now();
        dumpDb(url, pgEventsKey(seed, n));
        dumpMs = Date.now() - t;
      }
      out.steps.push({ from: have, to: n, eventsPerS: rate, dumpMs });
      have = n;
    }
  } finally {
    await store.close();
  }
  out.filledTo = have;
  out.ms = Date.now() - t0;
  return out;
}

/** Run pgFill in a child process; resolves with its result (rejects when it fails). `kill` stops it. */
export function spawnPgFill(url: string, seed: number, sizes: number[]): { done: Promise<PgFillResult>; kill: () => void } {
  const file = path.join(TMP, `pg-fill-${process.pid}.json`);
  rmSync(file, { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--url', url, '--seed', String(seed), '--sizes', sizes.join(','), '--out', file], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const done = new Promise<PgFillResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) {
        try {
          resolve(JSON.parse(readFileSync(file, 'utf8')) as PgFillResult);
        } catch (err) {
          reject(err as Error);
        }
      } else reject(new Error(`PostgreSQL fill process exited with ${signal ?? code}`));
    });
  });
  return { done, kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, seed: { type: 'string' }, sizes: { type: 'string' }, out: { type: 'string' } } });
  if (!values.url || !values.sizes || !values.out) throw new Error('usage: pg-fill.ts --url URL --seed N --sizes A,B,C --out FILE');
  const sizes = values.sizes.split(',').map(Number);
  const res = await pgFill(values.url, Number(values.seed ?? 1), sizes, (s) => process.stderr.write(`bench: ${s}\n`));
  writeFileSync(values.out, JSON.stringify(res));
}
