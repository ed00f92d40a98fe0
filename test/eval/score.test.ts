/** The scoring rule of ../shared/eval/README.md, on hand-made events. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, matchDocument, normPlace, pairAllowed, typesCompatible, type ScoredEvent } from '../../src/eval/score.js';
import { dictionaryActorEquality } from '../../src/eval/index.js';

const ev = (o: Partial<ScoredEvent>): ScoredEvent => ({
  event_date: '2024-07-22', event_type: 'Explosions/Remote violence', sub_event_type: 'Shelling/artillery/missile attack',
  actor1: 'Military Forces of Turkey', actor2: null, admin1: 'Aleppo', location: 'Harbal', latitude: 36.43, longitude: 37.17,
  fatalities: 0, ...o,
});

test('place names are compared without case, diacritics, hyphens, apostrophes or a leading al-', () => {
  assert.equal(normPlace('Al-Shaalah'), normPlace('shaalah'));
  assert.equal(normPlace("Rabi'at"), normPlace('Rabiat'));
  assert.equal(normPlace('Ḩarbal'), normPlace('harbal'));
  assert.notEqual(normPlace('Sarmin'), normPlace('Sarmada'));
});

test('a pair needs places within 10 km or equal names, dates within a day, compatible types', () => {
  assert.ok(pairAllowed(ev({}), ev({ latitude: 36.48 })).ok); // ~5.5 km
  assert.ok(!pairAllowed(ev({ location: 'X' }), ev({ latitude: 36.6 })).ok); // ~19 km, other name
  assert.ok(pairAllowed(ev({ latitude: null, longitude: null }), ev({})).ok); // same name
  assert.ok(pairAllowed(ev({ event_date: '2024-07-23' }), ev({})).ok);
  assert.ok(!pairAllowed(ev({ event_date: '2024-07-25' }), ev({})).ok);
  assert.ok(pairAllowed(ev({ event_date: '2024-07-25' }), ev({ event_date: null })).ok);
  assert.ok(typesCompatible('Battles', 'Violence against civilians'));
  assert.ok(!typesCompatible('Battles', 'Protests'));
  assert.ok(!pairAllowed(ev({ event_type: 'Protests', sub_event_type: 'Peaceful protest' }), ev({})).ok);
});

test('greedy best pair first: same sub-event type wins, then distance; leftovers are misses and false alarms', () => {
  const gold = [ev({ location: 'A', sub_event_type: 'Air/drone strike' }), ev({ location: 'B' })];
  const preds = [ev({ location: 'P1', latitude: 36.431 }), ev({ location: 'P2', sub_event_type: 'Air/drone strike' })];
  const m = matchDocument(preds, gold);
  assert.equal(m.pairs.length, 2);
  assert.equal(m.pairs.find((p) => p.gold.location === 'A')!.pred.location, 'P2');
  const far = matchDocument([ev({ location: 'Far', latitude: 30, longitude: 30 })], [ev({}), ev({ location: 'Opt', optional: true })]);
  assert.equal(far.misses.length, 1, 'optional gold is never a miss');
  assert.equal(far.falseAlarms.length, 1);
});

test('aggregate: optional pairs are not false alarms and not in recall; fields over pairs', () => {
  const m1 = matchDocument([ev({ fatalities: 2 }), ev({ location: 'Opt', latitude: 10, longitude: 10 })], [ev({ fatalities: 2, actor1: 'Turkish forces' }), ev({ location: 'Opt', latitude: 10, longitude: 10, optional: true })]);
  const s = aggregate([m1], dictionaryActorEquality());
  assert.equal(s.precision, 1);
  assert.equal(s.recall, 1);
  assert.equal(s.gold, 1);
  assert.equal(s.fields.fatalities.right, 2);
  assert.equal(s.fields.actor1.right, 2, 'an alias of the same canonical actor counts as right');
  const s2 = aggregate([matchDocument([], [ev({})])]);
  assert.equal(s2.recall, 0);
  assert.equal(s2.f1, 0);
});
