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
} else {
  describe('Store behaviour: PostgreSQL + PostGIS', () => {
    it('skipped: FRONTLINE_DATABASE_URL is not set', { skip: 'set FRONTLINE_DATABASE_URL (scripts/pg-up.sh) to run' }, () => {});
  });
}
