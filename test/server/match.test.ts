/**
 * The stream's in-memory filter must mean what the store's filter means: for many filters, the events it
 * keeps out of a varied synthetic set are exactly those the real store's listEvents returns.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventFilterSchema, type CodedEvent, type StoredEvent } from '../../src/model/index.js';
import { matchesFilter } from '../../src/server/match.js';
import { syntheticEvent } from '../../bench/api.js';
import { BACKENDS, runToken } from './helpers.js';

function seeded(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

test('matchesFilter agrees with the store on every filter but q', async () => {
  const store = await BACKENDS[0]!.open();
  try {
    const T = runToken('M');
    const r = seeded(42);
    const events: CodedEvent[] = [];
    for (let i = 0; i < 400; i++) {
      const e = syntheticEvent(i, r);
      events.push({ ...e, event_id_cnty: `${T}-${i}`, document_id: `${T}-d${i}`, ...(i % 37 === 0 ? { latitude: null, longitude: null } : {}), ...(i % 53 === 0 ? { event_date: null } : {}) });
    }
    await store.bulkInsert(events);
    const all: StoredEvent[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await store.listEvents({ sort: 'date_desc', limit: 1000, ...(cursor ? { cursor } : {}) });
      all.push(...page.events.filter((e) => e.event_id_cnty.startsWith(`${T}-`)));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    assert.equal(all.length, 400);
    const filters: Record<string, string>[] = [
      { from: '2020-01-01' }, { to: '2016-06-30' }, { from: '2018-01-01', to: '2018-12-31' },
      { country: 'syria' }, { country: 'Ukraine', admin1: 'donetsk' }, { admin1: 'Idlib' },
      { event_type: 'Battles' }, { sub_event_type: 'Air/drone strike' }, { min_fatalities: '3' },
      { actor: 'tahrir' }, { actor: 'FORCES of' }, { actor: 'Civilians (Syria)' },
      { bbox: '36.0,35.5,37.2,36.7' }, { bbox: '30,10,50,40', event_type: 'Protests' },
      { near: '35.904,36.726', km: '20' }, { near: '48.5,37.9', km: '80', from: '2022-01-01' }, { near: '15.6,32.5' },
      { review_status: 'unreviewed', country: 'Mali' },
    ];
    for (const raw of filters) {
      const f = EventFilterSchema.parse(raw);
      const expected = new Set<string>();
      for (let cursor: string | undefined; ; ) {
        const page = await store.listEvents({ ...f, sort: 'date_desc', limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const e of page.events) if (e.event_id_cnty.startsWith(`${T}-`)) expected.add(e.event_id_cnty);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
      const got = new Set(all.filter((e) => matchesFilter(e, f)).map((e) => e.event_id_cnty));
      assert.ok(expected.size > 0, `${JSON.stringify(raw)} selects something`);
      assert.deepEqual([...got].sort(), [...expected].sort(), JSON.stringify(raw));
    }
  } finally {
    await store.close();
  }
});
