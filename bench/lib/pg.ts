/**
 * PostgreSQL for the benchmarks: FRONTLINE_DATABASE_URL when set, else the bench's own cluster in
 * bench/out/pg-cluster/ (created with initdb on first use, started for the run and stopped at its end,
 * kept between runs so the event sets stored in it need no reload), else null (PostgreSQL figures are
 * skipped with a note). `database(name)` gives a fresh database with PostGIS on the same server.
 *
 * The bench cluster is tuned for loading throwaway data (fsync off, minimal WAL, a large WAL budget and
 * maintenance memory for index builds); the databases it holds are regenerated when lost.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { OUT } from './paths.js';

export interface BenchPg {
  /** URL of the server's `postgres` database (for administration). */
  url: string;
  note: string;
  /** URL of database `name` on the same server, dropped and created anew (with PostGIS). */
  database(name: string): Promise<string>;
  /** URL of database `name` on the same server (whether or not it exists). */
  urlOf(name: string): string;
  /** Names of the server's databases. */
  databases(): Promise<string[]>;
  /** Database `name` as a copy of `template` (a file copy; nobody may be connected to the template). */
  copy(template: string, name: string): Promise<string>;
  drop(name: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** ANALYZE the database (planner statistics after a bulk load). */
  analyze(dbUrl: string): Promise<void>;
  stop(): void;
}

const PGBIN = (() => {
  try {
    const v = readdirSync('/usr/lib/postgresql').filter((x) => existsSync(`/usr/lib/postgresql/${x}/bin/postgres`)).sort((a, b) => Number(a) - Number(b)).pop();
    return v ? { dir: `/usr/lib/postgresql/${v}/bin`, major: v } : null;
  } catch {
    return null;
  }
})();

const DB_NAME = /^[a-z0-9_]+$/;
const checkName = (name: string) => {
  if (!DB_NAME.test(name)) throw new Error(`bad database name ${name}`);
  return name;
};

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T = unknown>(url: string, sql: string[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    let rows: T[] = [];
    for (const s of sql) rows = (await c.query(s)).rows as T[];
    return rows;
  } finally {
    await c.end();
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/** Settings of the bench cluster: throwaway data, bulk loads, index builds over 10^6 rows. */
const CLUSTER_SETTINGS = [
  'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'wal_level=minimal', 'max_wal_senders=0',
  'max_wal_size=4GB', 'checkpoint_timeout=30min', 'shared_buffers=512MB', 'maintenance_work_mem=1GB', 'max_connections=200',
];

/**
 * Start the bench's own cluster in bench/out/pg-cluster (initdb when it is missing or of another
 * PostgreSQL version). Runs the server as `postgres` when called as root (initdb refuses root).
 */
async function startCluster(dir = path.join(OUT, 'pg-cluster')): Promise<{ url: string; stop: () => void; created: boolean }> {
  const bin = PGBIN!;
  const asPg = (cmd: string, args: string[]) => {
    const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const data = path.join(dir, 'data');
  let created = false;
  const version = existsSync(path.join(data, 'PG_VERSION')) ? readFileSync(path.join(data, 'PG_VERSION'), 'utf8').trim() : null;
  if (version !== bin.major) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
    asPg(`${bin.dir}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    created = true;
  }
  // a server left running by a killed run: stop it first (its port and socket are unknown)
  if (existsSync(path.join(data, 'postmaster.pid'))) {
    try {
      asPg(`${bin.dir}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      /* not running (a stale pid file): the start below clears it */
    }
  }
  const port = await freePort();
  const sock = mkdtempSync(path.join(os.tmpdir(), 'frontline-bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chmod', ['777', sock]);
  const opts = [`-p ${port}`, `-k ${sock}`, '-c listen_addresses=127.0.0.1', ...CLUSTER_SETTINGS.map((s) => `-c ${s}`)].join(' ');
  try {
    asPg(`${bin.dir}/pg_ctl`, ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '120', '-o', opts, 'start']);
  } catch (err) {
    rmSync(sock, { recursive: true, force: true });
    const log = existsSync(path.join(dir, 'log')) ? readFileSync(path.join(dir, 'log'), 'utf8').slice(-600) : '';
    throw new Error(`${(err as Error).message.split('\n')[0]}\n${log}`);
  }
  const stop = () => {
    try {
      asPg(`${bin.dir}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      /* already stopped */
    }
    rmSync(sock, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, created };
}

export async function startPg(): Promise<BenchPg | { skip: string }> {
  const given = process.env.FRONTLINE_DATABASE_URL;
  let url: string;
  let stop = () => {};
  let note: string;
  if (given) {
    url = withDb(given, 'postgres');
    note = 'PostgreSQL from FRONTLINE_DATABASE_URL (event sets kept there as databases ev_s<seed>_n<size>_<schema>)';
  } else {
    if (!PGBIN || !existsSync(`${PGBIN.dir}/initdb`)) {
      return { skip: 'PostgreSQL skipped: FRONTLINE_DATABASE_URL is not set and no PostgreSQL server is installed (apt-get install postgresql postgresql-15-postgis-3)' };
    }
    try {
      const c = await startCluster();
      url = c.url;
      stop = c.stop;
      note = `PostgreSQL: the bench's own cluster in bench/out/pg-cluster (${c.created ? 'created by this run' : 'kept from an earlier run'}; fsync off, minimal WAL)`;
    } catch (err) {
      return { skip: `PostgreSQL skipped: could not start the bench cluster: ${String((err as Error).message).trim().slice(0, 400)}` };
    }
  }
  return startPgAt(url, note, stop);
}

/** A BenchPg for the server at url (any database of it: administration goes to its `postgres` database). */
export function startPgAt(serverUrl: string, note = '', stop = () => {}): BenchPg {
  const url = withDb(serverUrl, 'postgres');
  const urlOf = (name: string) => withDb(url, checkName(name));
  return {
    url,
    note,
    stop,
    urlOf,
    async database(name) {
      await admin(url, [`DROP DATABASE IF EXISTS ${checkName(name)} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
      await admin(urlOf(name), ['CREATE EXTENSION IF NOT EXISTS postgis']);
      return urlOf(name);
    },
    async databases() {
      return (await admin<{ datname: string }>(url, ['SELECT datname FROM pg_database'])).map((r) => r.datname);
    },
    async copy(template, name) {
      await admin(url, [`DROP DATABASE IF EXISTS ${checkName(name)} WITH (FORCE)`, `CREATE DATABASE ${name} TEMPLATE ${checkName(template)} STRATEGY FILE_COPY`]);
      return urlOf(name);
    },
    async drop(name) {
      await admin(url, [`DROP DATABASE IF EXISTS ${checkName(name)} WITH (FORCE)`]);
    },
    async rename(from, to) {
      await admin(url, [`DROP DATABASE IF EXISTS ${checkName(to)} WITH (FORCE)`, `ALTER DATABASE ${checkName(from)} RENAME TO ${to}`]);
    },
    analyze: (dbUrl) => admin(dbUrl, ['ANALYZE']).then(() => undefined),
  };
}
