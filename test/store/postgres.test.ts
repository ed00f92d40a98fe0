import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { freshPgUrl, pgUrl } from '../helpers/pg.js';
import { codedEvent, sourceDoc } from './fixtures.js';
import { storeSuite } from './store.suite.js';

if (pgUrl) {
  storeSuite('PostgreSQL + PostGIS', async () => {
    const { url, drop } = await freshPgUrl();
    const store = await openStore({ url });
    return { store, cleanup: async () => { await store.close(); await drop(); } };
  });

  it('PostgreSQL: migrations are applied once and data survives reopening', async () => {
    const { url, drop } = await freshPgUrl();
    try {
      const [a, b] = await Promise.all([openStore({ url }), openStore({ url })]);
      assert.equal(a.kind, 'postgres');
      await a.ingest(sourceDoc('d1', 'A report.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'K1' })]);
      assert.ok(await b.getEvent('K1'));
      await Promise.all([a.close(), b.close()]);
    } finally {
      await drop();
    }
  });
  it('PostgreSQL: subscribers see changes made by another process sharing the database (LISTEN/NOTIFY)', async () => {
    const { url, drop } = await freshPgUrl();
    const other = await freshPgUrl();
    try {
      const [writer, reader, elsewhere] = await Promise.all([openStore({ url }), openStore({ url }), openStore({ url: other.url })]);
      const seen: string[] = [];
      const strangers: string[] = [];
      reader.subscribe((c) => seen.push(`${c.kind} ${c.event.event_id_cnty} ${c.event.sources.length}`));
      elsewhere.subscribe((c) => strangers.push(c.event.event_id_cnty));
      const mine: string[] = [];
      writer.subscribe((c) => mine.push(c.kind));
      await new Promise((r) => setTimeout(r, 300)); // LISTEN connections are up
      await writer.ingest(sourceDoc('n1', 'First.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'NT1' })]);
      await writer.ingest(sourceDoc('n2', 'Second.'), (d) => [codedEvent({ document_id: d.id })]);
      await writer.review('NT1', { action: 'confirm', reviewer: 'amal' });
      for (let i = 0; i < 50 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(seen, ['created NT1 1', 'updated NT1 2', 'updated NT1 2']);
      assert.deepEqual(mine, ['created', 'updated', 'updated'], 'the writer hears its own changes once');
      assert.deepEqual(strangers, [], 'a store in another schema hears nothing');
      await Promise.all([writer.close(), reader.close(), elsewhere.close()]);
    } finally {
      await drop();
      await other.drop();
    }
  });
} else {
  describe('Store behaviour: PostgreSQL + PostGIS', () => {
    it('skipped: FRONTLINE_DATABASE_URL is not set', { skip: 'set FRONTLINE_DATABASE_URL (scripts/pg-up.sh) to run' }, () => {});
  });
}
