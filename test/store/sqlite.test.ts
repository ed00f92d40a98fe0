import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { CoreStore } from '../../src/store/core.js';
import { codedEvent, sourceDoc } from './fixtures.js';
import { storeSuite } from './store.suite.js';

// Explicit SQLite (not openStore) so the suite runs on SQLite even when FRONTLINE_DATABASE_URL is set.
storeSuite('SQLite', async () => {
  const store = new CoreStore(new SqliteDb(':memory:'));
  return { store, cleanup: () => store.close() };
});

it('SQLite file: WAL mode, migrations applied once, data kept across reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-store-'));
  try {
    const path = join(dir, 'f.db');
    const prev = process.env.FRONTLINE_DATABASE_URL;
    delete process.env.FRONTLINE_DATABASE_URL;
    try {
      const s1 = await openStore({ path });
      assert.equal(s1.kind, 'sqlite');
      await s1.ingest(sourceDoc('d1', 'A report.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'K1' })]);
      await s1.close();
      const s2 = await openStore({ path });
      assert.ok(await s2.getEvent('K1'));
      await s2.close();
    } finally {
      if (prev !== undefined) process.env.FRONTLINE_DATABASE_URL = prev;
    }
    const raw = new Database(path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(raw.prepare('SELECT version FROM schema_migrations').all(), [{ version: 1 }]);
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
