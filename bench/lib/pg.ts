/**
 * PostgreSQL for the benchmarks: FRONTLINE_DATABASE_URL when set, else a throwaway cluster started with
 * scripts/pg-up.sh (stopped again by `stop`), else null (PostgreSQL figures are skipped with a note).
 * `database(name)` gives a fresh database with PostGIS in the same cluster.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { OUT, REPO } from './paths.js';

export interface BenchPg {
  url: string;
  note: string;
  /** URL of database `name` on the same server, dropped and created anew. */
  database(name: string): Promise<string>;
  /** Restore bench/out/<key>.pgdump into the (empty) database; false when there is no usable dump. */
  restore(dbUrl: string, key: string): boolean;
  /**
   * ANALYZE the database: pg_restore (PostgreSQL 15) restores no planner statistics, and a bulk load
   * leaves them to autovacuum's timing; a served database that has run a while has them.
   */
  analyze(dbUrl: string): Promise<void>;
  /** Dump the database to bench/out/<key>.pgdump for later runs. */
  dump(dbUrl: string, key: string): void;
  stop(): void;
}

const PGBIN = (() => {
  try {
    const v = readdirSync('/usr/lib/postgresql').filter((x) => existsSync(`/usr/lib/postgresql/${x}/bin/pg_dump`)).sort((a, b) => Number(a) - Number(b)).pop();
    return v ? `/usr/lib/postgresql/${v}/bin` : null;
  } catch {
    return null;
  }
})();

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(url: string, sql: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

/** Restore bench/out/<key>.pgdump into the (empty) database at dbUrl; false when there is no usable dump. */
export function restoreDb(dbUrl: string, key: string): boolean {
  const dump = path.join(OUT, `${key}.pgdump`);
  if (!PGBIN || !existsSync(dump)) return false;
  try {
    execFileSync(`${PGBIN}/pg_restore`, ['-j', '2', '--no-owner', '-d', dbUrl, dump], { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  } catch {
    rmSync(dump, { force: true }); // unusable (other PostgreSQL version, partial file): rebuilt next time
    return false;
  }
}

/** Dump the database at dbUrl to bench/out/<key>.pgdump (written as .part, then renamed). */
export function dumpDb(dbUrl: string, key: string): void {
  if (!PGBIN) return;
  const dump = path.join(OUT, `${key}.pgdump`);
  execFileSync(`${PGBIN}/pg_dump`, ['-Fc', '-Z1', '-f', `${dump}.part`, dbUrl], { stdio: ['ignore', 'ignore', 'pipe'] });
  renameSync(`${dump}.part`, dump);
}

/** True when bench/out/<key>.pgdump exists. */
export const hasDump = (key: string): boolean => existsSync(path.join(OUT, `${key}.pgdump`));

export async function startPg(): Promise<BenchPg | { skip: string }> {
  const given = process.env.FRONTLINE_DATABASE_URL;
  let url: string;
  let stop = () => {};
  let note: string;
  if (given) {
    url = given;
    note = 'PostgreSQL from FRONTLINE_DATABASE_URL';
  } else {
    const hasPg = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));
    if (!hasPg) return { skip: 'PostgreSQL skipped: FRONTLINE_DATABASE_URL is not set and no PostgreSQL server is installed (apt-get install postgresql postgresql-15-postgis-3)' };
    try {
      url = execFileSync(path.join(REPO, 'scripts', 'pg-up.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    } catch (err) {
      return { skip: `PostgreSQL skipped: scripts/pg-up.sh failed: ${((err as { stderr?: string }).stderr ?? String(err)).trim().slice(0, 300)}` };
    }
    const started = url;
    stop = () => {
      try {
        execFileSync(path.join(REPO, 'scripts', 'pg-up.sh'), ['--stop', started], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    };
    note = 'PostgreSQL: throwaway cluster from scripts/pg-up.sh (fsync off)';
  }
  const database = async (name: string) => {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
    await admin(withDb(url, 'postgres'), [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]);
    const dbUrl = withDb(url, name);
    await admin(dbUrl, ['CREATE EXTENSION IF NOT EXISTS postgis']);
    return dbUrl;
  };
  return {
    url,
    note,
    stop,
    database,
    restore: restoreDb,
    analyze: (dbUrl) => admin(dbUrl, ['ANALYZE']),
    dump: dumpDb,
  };
}
