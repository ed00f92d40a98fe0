/**
 * Runs `frontline serve` (bin/frontline.js, as a user starts it) in a child process on a free loopback
 * port, and measures its start-up time and memory (VmRSS/VmHWM from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO, TMP } from './paths.js';

export interface Served {
  url: string; // http://127.0.0.1:PORT (no trailing slash)
  pid: number;
  startupMs: number;
  /** Current and peak resident memory of the server process, in MB. */
  memory(): { rssMb: number; peakMb: number };
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Start `frontline serve` on an SQLite file (db) or on PostgreSQL (url). Resolves once it listens. */
export async function startServe(opts: { db?: string; pgUrl?: string; timeoutMs?: number }): Promise<Served> {
  const home = path.join(TMP, 'home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FRONTLINE_HOME: home, // no user gazetteer from the developer's home
    FRONTLINE_WATCH_DB: path.join(TMP, `watch-${process.pid}.db`),
    FRONTLINE_TOKEN: '',
    NODE_ENV: 'production',
  };
  delete env.FRONTLINE_DATABASE_URL;
  if (opts.pgUrl) env.FRONTLINE_DATABASE_URL = opts.pgUrl;
  const args = [path.join(REPO, 'bin', 'frontline.js'), 'serve', '--port', '0', '--no-feeds'];
  if (opts.db) args.push('--db', opts.db);
  const t0 = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: TMP, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within ${opts.timeoutMs ?? 60000} ms:\n${out}\n${err}`)), opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /serving on (http:\/\/[^\s/]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${out}\n${err}`));
    });
  });
  const startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const pid = child.pid!;
  return {
    url,
    pid,
    startupMs,
    memory: () => ({ rssMb: procStatus(pid, 'VmRSS'), peakMb: procStatus(pid, 'VmHWM') }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
