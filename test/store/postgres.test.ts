import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import type { CoreStore } from '../../src/store/core.js';
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
    const [writer, reader, elsewhere] = await Promise.all([openStore({ url }), openStore({ url }), openStore({ url: other.url })]);
    try {
      const seen: string[] = [];
      const strangers: string[] = [];
      let lastSources = 0;
      reader.subscribe((c) => {
        seen.push(`${c.kind} ${c.event.event_id_cnty}`);
        lastSources = c.event.sources.length;
      });
      elsewhere.subscribe((c) => strangers.push(c.event.event_id_cnty));
      const mine: string[] = [];
      writer.subscribe((c) => mine.push(c.kind));
      await Promise.all([reader, elsewhere].map((s) => (s as CoreStore).listening()));
      await writer.ingest(sourceDoc('n1', 'First.'), (d) => [codedEvent({ document_id: d.id, event_id_cnty: 'NT1' })]);
      await writer.ingest(sourceDoc('n2', 'Second.'), (d) => [codedEvent({ document_id: d.id })]);
      await writer.review('NT1', { action: 'confirm', reviewer: 'amal' });
      for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      // a remote subscriber gets each change with the event as it is when the notification arrives
      assert.deepEqual(seen, ['created NT1', 'updated NT1', 'updated NT1']);
      assert.equal(lastSources, 2);
      assert.deepEqual(mine, ['created', 'updated', 'updated'], 'the writer hears its own changes once');
      assert.deepEqual(strangers, [], 'a store in another schema hears nothing');
    } finally {
      await Promise.all([writer.close(), reader.close(), elsewhere.close()]);
      await drop();
      await other.drop();
    }
  });
} else {
  describe('Store behaviour: PostgreSQL + PostGIS', () => {
    it('skipped: FRONTLINE_DATABASE_URL is not set', { skip: 'set FRONTLINE_DATABASE_URL (scripts/pg-up.sh) to run' }, () => {});
  });
}
