/** The dashboard's URL state and client-side matching of live events (pure functions, no browser). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiParams, matchesFilter, readState, stateToQuery } from '../../web/src/state.js';
import type { StoredEvent } from '../../src/model/event.js';

const ev = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  event_id_cnty: 'SYR1', event_date: '2024-07-22', time_precision: 1, disorder_type: 'Political violence',
  event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Military Forces of Syria', assoc_actor_1: null, inter1: 1,
  actor2: 'Hayat Tahrir al-Sham', assoc_actor_2: null, inter2: 2, interaction: 12, civilian_targeting: null, iso: 760,
  country: 'Syria', admin1: 'Idlib', admin2: null, admin3: null, location: 'Sarmin', latitude: 35.9, longitude: 36.7,
  geo_precision: 1, geo_note: null, source: 'x', notes: '', fatalities: 3, fatalities_approximate: false, injuries: 0,
  weapons: [], targets: [], confidence: 0.8, document_id: 'd', evidence: [], sources: [], review_status: 'unreviewed',
  created_at: '', updated_at: '', ...over,
});

test('URL query round trip keeps the filters and the sort, drops unknown keys and blanks', () => {
  const st = readState('?event_type=Battles&country=Syria&from=2024-07-01&q=%20%20&sort=fatalities_desc&bogus=1');
  assert.deepEqual(st, { filter: { event_type: 'Battles', country: 'Syria', from: '2024-07-01' }, sort: 'fatalities_desc' });
  assert.deepEqual(readState(stateToQuery(st)), st);
  assert.equal(readState('?sort=sideways').sort, 'date_desc');
  assert.equal(stateToQuery({ filter: {}, sort: 'date_desc' }), '');
  assert.deepEqual(apiParams(st.filter, ['from']), { event_type: 'Battles', country: 'Syria' });
});

test('live events are matched against the filters the client can judge', () => {
  assert.equal(matchesFilter(ev(), {}), true);
  assert.equal(matchesFilter(ev(), { from: '2024-07-23' }), false);
  assert.equal(matchesFilter(ev(), { to: '2024-07-22', from: '2024-07-22' }), true);
  assert.equal(matchesFilter(ev({ event_date: null }), { from: '2024-07-01' }), false);
  assert.equal(matchesFilter(ev(), { country: 'syria', admin1: 'IDLIB' }), true);
  assert.equal(matchesFilter(ev(), { event_type: 'Protests' }), false);
  assert.equal(matchesFilter(ev(), { actor: 'tahrir' }), true);
  assert.equal(matchesFilter(ev(), { actor: 'Turkey' }), false);
  assert.equal(matchesFilter(ev(), { min_fatalities: '4' }), false);
  // the API hides rejected events unless they are asked for
  assert.equal(matchesFilter(ev({ review_status: 'rejected' }), {}), false);
  assert.equal(matchesFilter(ev({ review_status: 'rejected' }), { review_status: 'rejected' }), true);
  assert.equal(matchesFilter(ev(), { review_status: 'confirmed' }), false);
});
