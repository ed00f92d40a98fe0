/**
 * The seed article plus a second outlet's report of the same events (written by us, in
 * fixtures/second-outlet-2024-07-23.txt) ingested with the real extractor and geocoder give the seven
 * events of the seed coding, several of them with two sources; the two Nayrab strikes stay apart.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ingestPaths } from '../../src/ingest/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import { EventListQuerySchema } from '../../src/model/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEED = path.resolve(here, '../../../shared/mission/seed-article.txt');
const SECOND = path.join(here, 'fixtures/second-outlet-2024-07-23.txt');

it('seed article + a second outlet’s report → seven events, several with two sources', { skip: !existsSync(SEED) && 'shared seed article not present' }, async () => {
  const [{ createExtractor }, { loadGeocoder }] = await Promise.all([import('../../src/extract/index.js'), import('../../src/geo/index.js')]);
  const extractor = createExtractor(loadGeocoder());
  const store = new CoreStore(new SqliteDb(':memory:'));
  try {
    const first = await ingestPaths(store, [SEED], extractor, { published: '2024-07-23', source: 'bianet English' });
    assert.equal(first.errors.length, 0);
    assert.ok(first.events_created === 7 || first.events_created === 8, `${first.events_created} events from the seed`);
    const second = await ingestPaths(store, [SECOND], extractor);
    assert.equal(second.errors.length, 0);
    assert.equal(second.documents, 1);
    const all = (await store.listEvents(EventListQuerySchema.parse({ limit: 100 }))).events;
    // the seed coding allows one optional low-precision campaign event (Jabal al-Zawiya, since July 6)
    const events = all.filter((e) => e.time_precision < 3);
    assert.ok(all.length - events.length <= 1);
    assert.equal(events.length, 7, events.map((e) => `${e.location} ${e.sub_event_type} ${e.actor2}`).join('\n'));
    const twoSources = events.filter((e) => new Set(e.sources.map((s) => s.source)).size === 2);
    assert.ok(twoSources.length >= 3, `only ${twoSources.length} events have two sources`);
    for (const e of twoSources) assert.deepEqual(e.sources.map((s) => s.source).sort(), ['Levant Ledger', 'bianet English']);
    // the drone strike on the Turkish outpost and the one on HTS in the same town and day stay apart
    const drones = events.filter((e) => e.sub_event_type === 'Air/drone strike');
    assert.equal(drones.length, 3, drones.map((e) => `${e.location} ${e.actor2}`).join('\n'));
    assert.equal(drones.filter((e) => /Turkey/.test(e.actor2 ?? '')).length, 1);
    assert.equal(drones.filter((e) => /Tahrir/.test(e.actor2 ?? '')).length, 2);
    // ingesting both again adds nothing
    const again = await ingestPaths(store, [SEED, SECOND], extractor, { published: '2024-07-23', source: 'bianet English' });
    assert.equal(again.duplicates, 2);
    assert.equal((await store.stats({})).total, all.length);
  } finally {
    await store.close();
  }
});
