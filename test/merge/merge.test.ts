import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits, combine, distanceKm, findMatch, matchEvents, normaliseName } from '../../src/merge/index.js';
import { codedEvent } from '../store/fixtures.js';

const base = () => codedEvent({ document_id: 'd1' });
const other = (over = {}) => codedEvent({ document_id: 'd2', ...over });

describe('matchEvents', () => {
  it('matches the same strike reported by another outlet (nearby point, next day)', () => {
    assert.equal(matchEvents(base(), other({ latitude: 35.92, longitude: 36.74, event_date: '2024-07-23' })).match, true);
  });
  it('needs dates within one day, both known', () => {
    assert.equal(matchEvents(base(), other({ event_date: '2024-07-24' })).reason, 'dates 2 days apart');
    assert.equal(matchEvents(base(), other({ event_date: null })).match, false);
  });
  it('needs the same place: within 5 km, or the same normalised name in the same admin1', () => {
    assert.match(matchEvents(base(), other({ location: 'Saraqib', latitude: 35.8644, longitude: 36.8006 })).reason, /km apart/);
    assert.equal(matchEvents(base(), other({ location: 'SARMIN', latitude: 35.99, longitude: 36.9 })).match, true, 'same name, coordinates from another gazetteer');
    assert.equal(matchEvents(base(), other({ location: 'Sarmin', admin1: 'Hama', latitude: 35.2, longitude: 36.7 })).match, false);
    assert.equal(matchEvents(codedEvent({ document_id: 'd1', location: 'Al-Shaalah', latitude: null, longitude: null }), other({ location: 'al Shaalah', latitude: null, longitude: null })).match, true);
    assert.equal(matchEvents(base(), other({ country: 'Turkey' })).match, false);
    const kharbashah = codedEvent({ document_id: 'd1', location: 'Kharbashah', latitude: 36.3327, longitude: 37.4061, actor1: 'Military Forces of Turkey', actor2: 'Military Forces of Syria' });
    assert.match(matchEvents(kharbashah, other({ location: 'Al-Shaalah', latitude: 36.3711, longitude: 37.3979, actor1: 'Military Forces of Turkey', actor2: 'Military Forces of Syria' })).reason,
      /4\.\d km apart/, 'two villages 4 km apart, both precisely placed, stay apart');
    assert.equal(matchEvents(kharbashah, other({ location: 'Kharbashieh', latitude: 36.335, longitude: 37.41, actor1: 'Military Forces of Turkey', actor2: 'Military Forces of Syria' })).match, true,
      'a spelling variant placed nearby');
    assert.equal(matchEvents(kharbashah, other({ location: 'Al Bab countryside', geo_precision: 2, latitude: 36.36, longitude: 37.42, actor1: 'Military Forces of Turkey', actor2: 'Military Forces of Syria' })).match, true,
      'an approximately placed report within 5 km');
  });
  it('needs compatible types', () => {
    assert.equal(matchEvents(base(), other({ event_type: 'Battles', sub_event_type: 'Armed clash' })).match, true, 'same actors, clash vs strike');
    assert.equal(matchEvents(base(), other({ event_type: 'Protests', sub_event_type: 'Peaceful protest' })).reason, 'incompatible event types');
    assert.equal(matchEvents(base(), other({ sub_event_type: 'Shelling/artillery/missile attack', actor1: 'Unidentified Armed Group (Syria)' })).match, false,
      'a different sub-type needs a common known actor1');
  });
  it('needs the same or unknown actors; targets decide when actor2 is unknown', () => {
    assert.equal(matchEvents(base(), other({ actor1: 'Military Forces of Russia' })).reason, 'different actor1');
    assert.equal(matchEvents(base(), other({ actor2: 'Military Forces of Turkey' })).reason, 'different actor2');
    assert.equal(matchEvents(base(), other({ actor2: null })).match, true);
    assert.equal(matchEvents(base(), other({ actor1: 'Unidentified Armed Group (Syria)' })).match, true);
    const a = codedEvent({ document_id: 'd1', actor2: null, targets: ['military outpost'] });
    assert.equal(matchEvents(a, other({ actor2: null, targets: ['HTS positions'] })).reason, 'different targets');
    assert.equal(matchEvents(a, other({ actor2: null, targets: ['Turkish outpost'] })).match, true);
  });
  it('the Nayrab case: one drone strike on a Turkish outpost, one on HTS, same day and town, stay apart', () => {
    const nayrab = { location: 'Nayrab', latitude: 35.8691, longitude: 36.7183 };
    const onTurkey = codedEvent({ ...nayrab, document_id: 'seed', actor2: 'Military Forces of Turkey', targets: ['military outpost', 'fuel tanks'] });
    const onHts = codedEvent({ ...nayrab, document_id: 'seed', actor2: 'Hayat Tahrir al-Sham' });
    const report = codedEvent({ ...nayrab, document_id: 'second', actor2: 'Hayat Tahrir al-Sham', targets: ['positions'] });
    const m = findMatch([onTurkey, onHts], report);
    assert.equal(m?.event, onHts);
  });
  it('battles may name the two sides in either order', () => {
    const clash = { event_type: 'Battles' as const, sub_event_type: 'Armed clash' as const };
    assert.equal(matchEvents(codedEvent({ ...clash, document_id: 'd1' }), other({ ...clash, actor1: 'Hayat Tahrir al-Sham', actor2: 'Military Forces of Syria' })).match, true);
  });
  it('never matches two events of the same document', () => {
    assert.equal(matchEvents(base(), codedEvent({ document_id: 'd1' })).reason, 'same document');
  });
  it('prefers the closer, same-day candidate', () => {
    const far = codedEvent({ document_id: 'a', event_date: '2024-07-21', latitude: 35.93, longitude: 36.74 });
    const near = codedEvent({ document_id: 'b' });
    assert.equal(findMatch([far, near], other())?.event, near);
    assert.equal(findMatch([], other()), null);
  });
});

describe('combine', () => {
  it('accumulates reports: max fatalities (never the sum), best-evidenced fields, unions', () => {
    const ev = (field: 'location' | 'actor1', docId: string) => ({ field, document_id: docId, start: 0, end: 5, text: 'x' });
    const r1 = codedEvent({ document_id: 'r1', event_id_cnty: 'FIRST', fatalities: 3, fatalities_approximate: false, injuries: 5, location: 'Sarmin area', geo_precision: 2, latitude: 35.9, longitude: 36.7, weapons: ['drone'], targets: ['depot'], source: 'One', confidence: 0.6 });
    const r2 = codedEvent({ document_id: 'r2', fatalities: 7, fatalities_approximate: true, injuries: 2, location: 'Sarmin', geo_precision: 1, weapons: ['Drone', 'missile'], targets: ['vehicle'], source: 'Two', confidence: 0.9, evidence: [ev('location', 'r2')] });
    const r3 = codedEvent({ document_id: 'r3', fatalities: 4, source: 'One', confidence: 0.5, actor2: null, evidence: [ev('actor1', 'r3'), ev('location', 'r3')] });
    const c = combine([{ coded: r3, order: 3 }, { coded: r1, order: 1 }, { coded: r2, order: 2 }]);
    assert.equal(c.fatalities, 7);
    assert.equal(c.fatalities_approximate, true);
    assert.equal(c.injuries, 5);
    assert.equal(c.event_id_cnty, 'FIRST');
    assert.equal(c.document_id, 'r1');
    assert.equal(c.location, 'Sarmin', 'precise place with evidence wins');
    assert.equal(c.geo_precision, 1);
    assert.equal(c.actor2, 'Hayat Tahrir al-Sham', 'a report naming both actors beats one that names one');
    assert.deepEqual(c.weapons, ['drone', 'missile']);
    assert.deepEqual(c.targets, ['depot', 'vehicle']);
    assert.equal(c.source, 'One; Two');
    assert.equal(c.confidence, 0.9);
    assert.equal(c.evidence.length, 3);
    assert.deepEqual(combine([{ coded: r1, order: 1 }, { coded: r2, order: 2 }, { coded: r3, order: 3 }]), c, 'order of the list does not matter');
    assert.throws(() => combine([]));
  });
  it('applyEdits: analyst values win; provenance fields are not editable', () => {
    const c = codedEvent({ document_id: 'r1', fatalities: 1 });
    const e = applyEdits(c, { fatalities: 4, document_id: 'forged' } as never);
    assert.equal(e.fatalities, 4);
    assert.equal(e.document_id, 'r1');
    assert.equal(c.fatalities, 1, 'input untouched');
  });
  it('helpers', () => {
    assert.equal(normaliseName('  Al-Shaalah '), 'shaalah');
    assert.equal(normaliseName('Ma‘arrat Miṣrīn'), 'maarrat misrin');
    assert.ok(Math.abs(distanceKm(35.9037, 36.7239, 35.8691, 36.7183) - 3.88) < 0.05);
  });
});
