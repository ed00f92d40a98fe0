/**
 * One `npm run bench` at a time per checkout: the event sets in bench/out/ are generated, renamed and
 * deleted by the run that needs them, and two runs growing the same file would spoil it. The lock is
 * bench/out/bench.lock holding the owner's pid; a lock whose process is gone is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OUT } from './paths.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Wait (up to timeoutMs) until this process holds the lock; returns its release function. */
export async function lockBenchOut(log: (s: string) => void, timeoutMs = 30 * 60_000, dir = OUT): Promise<() => void> {
  const file = path.join(dir, 'bench.lock');
  const t0 = Date.now();
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // released meanwhile
    }
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      rmSync(file, { force: true }); // left by a run that was killed
      continue;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`another bench run (pid ${owner}) has held ${file} for ${Math.round(timeoutMs / 60_000)} min`);
    if (!told) log(`waiting for another bench run (pid ${owner}) to finish with bench/out/ (${file})`);
    told = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}
