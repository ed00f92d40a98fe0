import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_SUB_EVENT_TYPES,
  ACLED_CSV_COLUMNS,
  CodedEventSchema,
  EventListQuerySchema,
  SUB_EVENT_TYPES,
  decodeText,
  disorderTypeOf,
  eventTypeOf,
  formatEvents,
  interactionOf,
  toCsv,
  type CodedEvent,
} from '../../src/model/index.js';

export function sampleEvent(over: Partial<CodedEvent> = {}): CodedEvent {
  return {
    event_id_cnty: 'SYR-test-1',
    event_date: '2024-07-22',
    time_precision: 1,
    disorder_type: 'Political violence',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Shelling/artillery/missile attack',
    actor1: 'Military Forces of Turkey',
    assoc_actor_1: null,
    inter1: 8,
    actor2: 'Military Forces of Syria',
    assoc_actor_2: null,
    inter2: 1,
    interaction: 18,
    civilian_targeting: null,
    iso: 760,
    country: 'Syria',
    admin1: 'Aleppo',
    admin2: 'Azaz',
    admin3: "Mare'",
    location: 'Harbal',
    latitude: 36.4307,
    longitude: 37.1669,
    geo_precision: 1,
    geo_note: null,
    source: 'Test outlet',
    notes: 'Turkish artillery shelled Harbal, "a village"; one soldier, injured',
    fatalities: 0,
    fatalities_approximate: false,
    injuries: 1,
    weapons: ['artillery'],
    targets: ['village'],
    confidence: 0.8,
    document_id: 'doc-1',
    evidence: [{ field: 'location', document_id: 'doc-1', start: 10, end: 16, text: 'Harbal' }],
    ...over,
  };
}

test('taxonomy: ACLED spellings, 6 event types, every sub-event type maps back to its type', () => {
  assert.equal(Object.keys(SUB_EVENT_TYPES).length, 6);
  assert.equal(ALL_SUB_EVENT_TYPES.length, 25);
  assert.equal(eventTypeOf('Air/drone strike'), 'Explosions/Remote violence');
  assert.equal(eventTypeOf('Abduction/forced disappearance'), 'Violence against civilians');
  assert.equal(eventTypeOf('Non-state actor overtakes territory'), 'Battles');
  assert.throws(() => eventTypeOf('Drone strike' as never));
});

test('taxonomy: disorder types and interaction codes', () => {
  assert.equal(disorderTypeOf('Battles', 'Armed clash'), 'Political violence');
  assert.equal(disorderTypeOf('Protests', 'Peaceful protest'), 'Demonstrations');
  assert.equal(disorderTypeOf('Protests', 'Excessive force against protesters'), 'Political violence; Demonstrations');
  assert.equal(disorderTypeOf('Strategic developments', 'Arrests'), 'Strategic developments');
  assert.equal(interactionOf(8, 1), 18);
  assert.equal(interactionOf(2, 0), 20);
  assert.equal(interactionOf(1, 1), 11);
});

test('schema accepts a well-formed event and rejects a misspelt sub-event type', () => {
  assert.ok(CodedEventSchema.safeParse(sampleEvent()).success);
  assert.equal(CodedEventSchema.safeParse(sampleEvent({ sub_event_type: 'Shelling' as never })).success, false);
  assert.equal(CodedEventSchema.safeParse(sampleEvent({ event_date: '22/07/2024' })).success, false);
  assert.equal(CodedEventSchema.safeParse(sampleEvent({ latitude: 123 })).success, false);
});

test('CSV export: ACLED columns first in ACLED order, values quoted safely', () => {
  const csv = toCsv([sampleEvent()]);
  const [header, row] = csv.trim().split('\n');
  assert.deepEqual(header!.split(',').slice(0, ACLED_CSV_COLUMNS.length), [...ACLED_CSV_COLUMNS]);
  assert.match(row!, /"Turkish artillery shelled Harbal, ""a village""; one soldier, injured"/);
  assert.match(row!, /^SYR-test-1,2024-07-22,2024,1,Political violence,/);
});

test('GeoJSON and JSONL formats', () => {
  const gj = JSON.parse(formatEvents([sampleEvent(), sampleEvent({ latitude: null, longitude: null })], 'geojson'));
  assert.equal(gj.type, 'FeatureCollection');
  assert.equal(gj.features.length, 1);
  assert.deepEqual(gj.features[0].geometry.coordinates, [37.1669, 36.4307]);
  const lines = formatEvents([sampleEvent(), sampleEvent()], 'jsonl').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(JSON.parse(lines[1]!).location, 'Harbal');
});

test('event list query: defaults, coercion and clear errors', () => {
  const q = EventListQuerySchema.parse({ limit: '20', bbox: '35,33,39,37', near: '35.9,36.7', km: '10' });
  assert.equal(q.limit, 20);
  assert.equal(q.sort, 'date_desc');
  assert.deepEqual(q.bbox, [35, 33, 39, 37]);
  assert.deepEqual(q.near, [35.9, 36.7]);
  const bad = EventListQuerySchema.safeParse({ bbox: '39,33,35' });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /bbox must be/);
  assert.equal(EventListQuerySchema.safeParse({ from: '2024-13' }).success, false);
  assert.equal(EventListQuerySchema.safeParse({ colour: 'red' }).success, false);
});

test('decodeText: UTF-8 with BOM ok; binary, invalid UTF-8 and oversize rejected with clear errors', () => {
  const ok = decodeText(Buffer.from('\uFEFFShelling hit Saraqib', 'utf8'));
  assert.deepEqual(ok, { ok: true, text: 'Shelling hit Saraqib' });
  const bin = decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
  assert.equal(bin.ok, false);
  assert.match((bin as { error: string }).error, /binary/);
  const latin1 = decodeText(Buffer.from('Caf\xe9 in Homs', 'latin1'));
  assert.equal(latin1.ok, false);
  assert.match((latin1 as { error: string }).error, /not valid UTF-8/);
  const big = decodeText(Buffer.alloc(20, 'a'), 10);
  assert.match((big as { error: string }).error, /larger than the limit/);
});
