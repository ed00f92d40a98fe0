/**
 * Fills the PostgreSQL event sets of the bench in a process of its own, so that it runs alongside the
 * work of bench/run.ts (better-sqlite3 holds the bench process's thread; PostgreSQL's work is in its
 * server processes anyway). Started by `spawnPgFill`, or by hand:
 *
 *   npx tsx bench/lib/pg-fill.ts --url postgres://…/postgres --seed 1 --sizes 10000,100000,1000000
 *
 * Each size is a database of its own on the server (`pgEventsDb`: ev_s<seed>_n<size>_<schema key>),
 * kept between runs. A missing size is grown from the next smaller one: a file copy of that database
 * (CREATE DATABASE … TEMPLATE), then the store's bulkInsert of the events in between (COPY, indexes
 * rebuilt once), ANALYZE, and a rename from <name>_part to <name> once complete, so a killed fill leaves
 * no set that looks finished. A size is announced ready (an IPC message, or a line on stderr) once no
 * copy will be made of it any more: the template of a copy may have no other connections.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../../src/store/index.js';
import { FILL_BATCH, fillRange, pgEventsDb } from './events.js';
import { startPgAt, type BenchPg } from './pg.js';
import { REPO } from './paths.js';

export interface PgFillStep {
  from: number;
  to: number;
  eventsPerS: number;
  /** Time of this step, copy of the smaller set and ANALYZE included. */
  ms: number;
}

/** Grow the missing sets; `ready(sizes)` is called as sets become usable (cached ones first). */
export async function pgFill(pgs: BenchPg, seed: number, sizes: number[], log: (s: string) => void, ready: (sizes: number[], step?: PgFillStep) => void): Promise<PgFillStep[]> {
  const asc = [...new Set(sizes)].sort((a, b) => a - b);
  const have = new Set(await pgs.databases());
  const steps: PgFillStep[] = [];
  let pending: number[] = [];
  let prev: { n: number; name: string } | null = null;
  for (const n of asc) {
    const name = pgEventsDb(seed, n);
    if (have.has(name)) {
      pending.push(n);
      prev = { n, name };
      continue;
    }
    const t = Date.now();
    const part = `${name}_part`;
    const url = prev ? await pgs.copy(prev.name, part) : await pgs.database(part);
    if (pending.length) ready(pending);
    pending = [];
    const from = prev?.n ?? 0;
    log(`PostgreSQL fill: ${from.toLocaleString('en')} → ${n.toLocaleString('en')} events into ${name} (its own process)`);
    const store = await openStore({ url });
    let eventsPerS: number;
    try {
      eventsPerS = await fillRange(store, seed, from, n, log, FILL_BATCH);
    } finally {
      await store.close();
    }
    await pgs.analyze(url);
    await pgs.rename(part, name);
    prev = { n, name };
    const step = { from, to: n, eventsPerS, ms: Date.now() - t };
    steps.push(step);
    ready([], step);
    pending = [n]; // announced once the next size has been copied from it, or at the end
  }
  if (pending.length) ready(pending);
  return steps;
}

export interface PgFillHandle {
  /** Resolves once the set of n events can be used (rejects when the fill fails first). */
  ready(n: number): Promise<void>;
  /** Resolves with the steps filled now, when the process ends. */
  done: Promise<PgFillStep[]>;
  kill(): void;
}

/** Run pgFill in a child process on the server at `url` (its `postgres` database). */
export function spawnPgFill(url: string, seed: number, sizes: number[]): PgFillHandle {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--url', url, '--seed', String(seed), '--sizes', sizes.join(',')], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const readySizes = new Set<number>();
  const waiting = new Map<number, (() => void)[]>();
  const steps: PgFillStep[] = [];
  child.on('message', (m: { ready?: number[]; step?: PgFillStep }) => {
    if (m.step) steps.push(m.step);
    for (const n of m.ready ?? []) {
      readySizes.add(n);
      for (const f of waiting.get(n) ?? []) f();
      waiting.delete(n);
    }
  });
  const done = new Promise<PgFillStep[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve(steps) : reject(new Error(`PostgreSQL fill process exited with ${signal ?? code}`))));
  });
  done.catch(() => undefined);
  return {
    ready: (n) =>
      readySizes.has(n)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.set(n, [...(waiting.get(n) ?? []), resolve])),
            done.then(() => {
              if (!readySizes.has(n)) throw new Error(`PostgreSQL fill ended without the set of ${n} events`);
            }),
          ]),
    done,
    kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, seed: { type: 'string' }, sizes: { type: 'string' } } });
  if (!values.url || !values.sizes) throw new Error('usage: pg-fill.ts --url URL --seed N --sizes A,B,C');
  const sizes = values.sizes.split(',').map(Number);
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  await pgFill(startPgAt(values.url), Number(values.seed ?? 1), sizes, log, (ready, step) => {
    if (process.send) process.send({ ready, step });
    else if (ready.length) log(`PostgreSQL fill: ready ${ready.join(', ')}`);
  });
  process.disconnect?.();
}
