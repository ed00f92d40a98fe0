/**
 * kill -9 in the middle of a 10,000-document ingest, then a rerun, leaves the same database as one
 * uninterrupted run (documents, events with their merged values and sources, contributions, merge log).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ingestPaths } from '../../src/ingest/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { generatedDoc, generatedExtractor } from './generated.js';

const N = 10_000;
const KILL_AFTER = 2_500;

async function runAndKill(db: string, file: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kill-child.ts', import.meta.url)), db, file], {
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
      if (seen >= KILL_AFTER && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`child exited with ${code ?? signal}`))));
    child.on('error', reject);
  });
}

function snapshot(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const strip = (json: string) => {
      const e = JSON.parse(json) as Record<string, unknown>;
      delete e.created_at;
      delete e.updated_at;
      return e;
    };
    return {
      documents: db.prepare('SELECT id, content_hash, status FROM documents ORDER BY id').all(),
      events: db.prepare('SELECT e.id, e.edits, e.review_status, d.data FROM events e JOIN event_data d ON d.seq = e.seq ORDER BY e.id').all().map((r) => {
        const row = r as { id: string; data: string };
        return { ...row, data: strip(row.data) };
      }),
      contributions: db.prepare('SELECT e.id AS event_id, c.document_id, c.coded FROM contributions c JOIN events e ON e.seq = c.event_seq ORDER BY c.document_id, e.id').all(),
      merges: db.prepare('SELECT event_id, document_id, score, reason FROM merge_log ORDER BY document_id, event_id').all(),
    };
  } finally {
    db.close();
  }
}

it(`kill -9 during a ${N}-document ingest, then a rerun, gives the same database as a clean run`, { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-kill-'));
  try {
    const file = join(dir, 'batch.jsonl');
    writeFileSync(file, Array.from({ length: N }, (_, k) => JSON.stringify(generatedDoc(k))).join('\n') + '\n');

    const killedDb = join(dir, 'killed.db');
    const seen = await runAndKill(killedDb, file);
    assert.ok(seen >= KILL_AFTER && seen < N, `killed after ${seen} documents`);
    const partial = new Database(killedDb, { readonly: true });
    const stored = (partial.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    partial.close();
    assert.ok(stored > 0 && stored < N, `the killed run left ${stored} of ${N} documents`);

    const resume = async (db: string) => {
      const store = new CoreStore(new SqliteDb(db));
      try {
        return await ingestPaths(store, [file], generatedExtractor);
      } finally {
        await store.close();
      }
    };
    const rerun = await resume(killedDb);
    assert.equal(rerun.errors.length, 0);
    assert.ok(rerun.duplicates >= stored - 1, 'documents finished before the kill are not extracted again');
    assert.equal(rerun.duplicates + rerun.documents, N);

    const cleanDb = join(dir, 'clean.db');
    const clean = await resume(cleanDb);
    assert.equal(clean.documents, N);
    assert.ok(clean.events_merged > 1000, 'the batch exercises merging');

    const a = snapshot(killedDb);
    const b = snapshot(cleanDb);
    assert.equal(a.documents.length, N);
    assert.ok(a.documents.every((d) => (d as { status: string }).status === 'done'));
    assert.equal(a.events.length, b.events.length);
    assert.deepEqual(a.events, b.events);
    assert.deepEqual(a.contributions, b.contributions);
    assert.deepEqual(a.merges, b.merges);
    assert.deepEqual(a.documents, b.documents);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
