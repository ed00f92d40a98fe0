/**
 * kill -9 in the middle of a 10,000-document ingest, then a rerun, leaves the same database as one
 * uninterrupted run (documents, events with their merged values and sources, contributions, merge log).
 * SQLite always (10,000 documents); PostgreSQL too when FRONTLINE_DATABASE_URL is set (2,000 documents,
 * to keep the suite's run time reasonable: each PostgreSQL ingest is network round trips per document).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ingestPaths } from '../../src/ingest/index.js';
import { openStore } from '../../src/store/index.js';
import { freshPgUrl, pgUrl } from '../helpers/pg.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { generatedDoc, generatedExtractor } from './generated.js';

const N = 10_000;
const KILL_AFTER = 2_500;

async function runAndKill(target: string, file: string, killAfter: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kill-child.ts', import.meta.url)), target, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let seen = 0;
  let buf = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const m = /^progress (\d+)/.exec(l);
        if (m) seen = Number(m[1]);
        if (l.startsWith('done')) reject(new Error('child finished before it could be killed'));
      }
      if (seen >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`child exited with ${code ?? signal}`))));
    child.on('error', reject);
  });
}

const SNAPSHOT_SQL = {
  documents: 'SELECT id, content_hash, status FROM documents ORDER BY id',
  events: 'SELECT e.id, e.edits, e.review_status, d.data FROM events e JOIN event_data d ON d.seq = e.seq ORDER BY e.id',
  contributions: 'SELECT e.id AS event_id, c.document_id, c.coded FROM contributions c JOIN events e ON e.seq = c.event_seq ORDER BY c.document_id, e.id',
  merges: 'SELECT event_id, document_id, score, reason FROM merge_log ORDER BY document_id, event_id',
};
type Snapshot = Record<keyof typeof SNAPSHOT_SQL, Record<string, unknown>[]>;

/** The database's content, without the wall-clock timestamps that legitimately differ between runs. */
async function snapshot(target: string): Promise<Snapshot> {
  const rows: Partial<Snapshot> = {};
  if (/^postgres/.test(target)) {
    const c = new pg.Client({ connectionString: target });
    await c.connect();
    try {
      for (const [k, sql] of Object.entries(SNAPSHOT_SQL)) rows[k as keyof Snapshot] = (await c.query(sql)).rows.map((r) => ({ ...r, score: r.score === undefined ? undefined : Number(r.score) }));
    } finally {
      await c.end();
    }
  } else {
    const db = new Database(target, { readonly: true });
    try {
      for (const [k, sql] of Object.entries(SNAPSHOT_SQL)) rows[k as keyof Snapshot] = (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => ({ ...r, score: r.score === undefined ? undefined : Number(r.score) }));
    } finally {
      db.close();
    }
  }
  const strip = (json: unknown) => {
    const e = JSON.parse(String(json)) as Record<string, unknown>;
    delete e.created_at;
    delete e.updated_at;
    return e;
  };
  rows.events = rows.events!.map((r) => ({ ...r, data: strip(r.data) }));
  return rows as Snapshot;
}

/** Documents stored, and those of them whose events are written (status done). */
async function storedDocuments(target: string): Promise<{ stored: number; done: number }> {
  const sql = "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'done') AS done FROM documents";
  if (/^postgres/.test(target)) {
    const c = new pg.Client({ connectionString: target });
    await c.connect();
    try {
      const r = (await c.query(sql)).rows[0];
      return { stored: Number(r.n), done: Number(r.done) };
    } finally {
      await c.end();
    }
  }
  const db = new Database(target, { readonly: true });
  try {
    const r = db.prepare(sql).get() as { n: number; done: number };
    return { stored: r.n, done: r.done };
  } finally {
    db.close();
  }
}

async function killScenario(n: number, killAfter: number, killedTarget: string, cleanTarget: string, dir: string) {
  const file = join(dir, 'batch.jsonl');
  writeFileSync(file, Array.from({ length: n }, (_, k) => JSON.stringify(generatedDoc(k))).join('\n') + '\n');

  const seen = await runAndKill(killedTarget, file, killAfter);
  assert.ok(seen >= killAfter && seen < n, `killed after ${seen} documents`);
  const { stored, done } = await storedDocuments(killedTarget);
  assert.ok(stored > 0 && stored < n, `the killed run left ${stored} of ${n} documents`);
  assert.ok(done >= killAfter, `${done} documents were done when ${killAfter} were reported`);

  const run = async (target: string) => {
    const store = /^postgres/.test(target) ? await openStore({ url: target }) : new CoreStore(new SqliteDb(target));
    try {
      return await ingestPaths(store, [file], generatedExtractor);
    } finally {
      await store.close();
    }
  };
  const rerun = await run(killedTarget);
  assert.equal(rerun.errors.length, 0);
  // documents finished before the kill are not extracted again; those stored but pending (the
  // interrupted batch) are
  assert.equal(rerun.duplicates, done, 'documents finished before the kill are not extracted again');
  assert.equal(rerun.duplicates + rerun.documents, n);

  const clean = await run(cleanTarget);
  assert.equal(clean.documents, n);
  assert.ok(clean.events_merged > n / 10, 'the batch exercises merging');

  const a = await snapshot(killedTarget);
  const b = await snapshot(cleanTarget);
  assert.equal(a.documents.length, n);
  assert.ok(a.documents.every((d) => d.status === 'done'));
  assert.equal(a.events.length, b.events.length);
  assert.deepEqual(a.events, b.events);
  assert.deepEqual(a.contributions, b.contributions);
  assert.deepEqual(a.merges, b.merges);
  assert.deepEqual(a.documents, b.documents);
}

it(`kill -9 during a ${N}-document ingest, then a rerun, gives the same database as a clean run`, { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-kill-'));
  try {
    await killScenario(N, KILL_AFTER, join(dir, 'killed.db'), join(dir, 'clean.db'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const PG_N = 2_000;
it(`PostgreSQL: kill -9 during a ${PG_N}-document ingest, then a rerun, gives the same database as a clean run`,
  { skip: !pgUrl && 'FRONTLINE_DATABASE_URL not set', timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontline-kill-pg-'));
    const killed = await freshPgUrl();
    const clean = await freshPgUrl();
    try {
      await killScenario(PG_N, 500, killed.url, clean.url, dir);
    } finally {
      await killed.drop();
      await clean.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
