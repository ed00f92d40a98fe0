/**
 * A pool of worker threads, each running its own extractor (createExtractor(loadGeocoder()), the same
 * as in the calling thread), so that a batch of documents is extracted on several cores. Used by
 * `frontline ingest`; the extractor itself stays pure and synchronous (index.ts).
 *
 * Jobs go to the worker with the fewest in flight (at most two each, so a worker never waits for the
 * calling thread between documents); the rest wait in a queue, in order. A document the extractor
 * fails on rejects its own promise with the extractor's error. A worker that dies (out of memory, a
 * crash) rejects the jobs it held and is replaced, so one bad document cannot stop a long ingest.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CodedEvent, SourceDocument } from '../model/index.js';
import type { ExtractorOptions } from './index.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

export interface ExtractorPool {
  /** The document's events, extracted in a worker thread. */
  extract(doc: SourceDocument): Promise<CodedEvent[]>;
  /** Number of worker threads. */
  readonly size: number;
  /** Stop the workers (jobs not done are rejected). */
  close(): Promise<void>;
}

export interface ExtractorPoolOptions extends ExtractorOptions {
  /** Worker threads (default: defaultWorkers(), at least 1). */
  workers?: number;
}

/**
 * Jobs sent to one worker before its previous ones are answered: enough for a batch of ingest, because
 * while the calling thread writes a batch (synchronous SQLite work) it reads no replies, and a worker
 * holding only a job or two would sit idle until it does.
 */
const PER_WORKER = 32;

interface Job {
  id: number;
  doc: SourceDocument;
  resolve: (events: CodedEvent[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  /** The worker has loaded its extractor (a worker that dies before that is not replaced). */
  ready: boolean;
}

/**
 * The default number of extraction workers on this machine: one per core but one (the calling thread
 * writes), from 4 cores; none below. On the 2-core build machine a pool measured no gain over extracting
 * in the calling thread, which alone keeps about 1.3 cores busy (V8's garbage collector and compiler
 * threads), so with 2 cores the default is the calling thread (bench/README.md).
 */
export function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores >= 4 ? Math.min(8, cores - 1) : 0;
}

export function createExtractorPool(opts: ExtractorPoolOptions = {}): ExtractorPool {
  const size = Math.max(1, Math.floor(opts.workers ?? defaultWorkers()));
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  /** Why no worker could start (then every job fails with it). */
  let broken: Error | null = null;

  const spawn = (): Slot => {
    // the boot file registers tsx in the thread, then imports worker.ts; execArgv is not inherited (a
    // second tsx loader, or the parent's --cpu-prof, has no business in the worker)
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      execArgv: [],
      workerData: { maxChars: opts.maxChars },
    });
    const slot: Slot = { worker, jobs: new Map(), ready: false };
    worker.on('message', (m: WorkerReply) => {
      if ('ready' in m) {
        slot.ready = true;
        return;
      }
      const job = slot.jobs.get(m.id);
      if (!job) return;
      slot.jobs.delete(m.id);
      if (m.ok) job.resolve(m.events);
      else job.reject(Object.assign(new Error(m.error), m.name ? { name: m.name } : {}));
      pump();
    });
    const died = (err: Error) => {
      const i = slots.indexOf(slot);
      if (i < 0) return;
      slots.splice(i, 1);
      for (const job of slot.jobs.values()) job.reject(new Error(`extraction worker stopped: ${err.message}`));
      slot.jobs.clear();
      void worker.terminate();
      if (closed) return;
      if (slot.ready) slots.push(spawn());
      else if (!slots.length) {
        // the workers cannot even start (a missing file, no memory): fail what waits, and what comes
        broken = new Error(`extraction workers could not start: ${err.message}`);
        for (const job of queue.splice(0)) job.reject(broken);
      }
      pump();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    // an idle pool does not keep the process alive
    worker.unref();
    return slot;
  };

  const pump = () => {
    while (queue.length) {
      let best: Slot | null = null;
      for (const s of slots) if (s.jobs.size < PER_WORKER && (!best || s.jobs.size < best.jobs.size)) best = s;
      if (!best) return;
      const job = queue.shift()!;
      best.jobs.set(job.id, job);
      if (best.jobs.size === 1) best.worker.ref();
      const req: WorkerRequest = { id: job.id, doc: job.doc };
      best.worker.postMessage(req);
    }
  };

  for (let i = 0; i < size; i++) slots.push(spawn());
  // a worker with jobs in flight keeps the process alive; an idle one does not
  const settle = () => {
    for (const s of slots) if (s.jobs.size === 0) s.worker.unref();
  };

  return {
    size,
    extract(doc: SourceDocument): Promise<CodedEvent[]> {
      if (closed) return Promise.reject(new Error('extractor pool is closed'));
      if (broken) return Promise.reject(broken);
      return new Promise<CodedEvent[]>((resolve, reject) => {
        queue.push({
          id: nextId++,
          doc,
          resolve: (v) => {
            resolve(v);
            settle();
          },
          reject: (e) => {
            reject(e);
            settle();
          },
        });
        pump();
      });
    },
    async close(): Promise<void> {
      closed = true;
      const err = new Error('extractor pool is closed');
      for (const job of queue.splice(0)) job.reject(err);
      const all = slots.splice(0);
      for (const s of all) for (const job of s.jobs.values()) job.reject(err);
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
