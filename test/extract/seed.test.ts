/**
 * The seed article (../shared/mission/seed-article.txt, read at test time) must code into exactly the
 * events of seed-article.expected.json (the optional campaign event may be present or not), nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { loadGeocoder } from '../../src/geo/index.js';
import { createExtractor } from '../../src/extract/index.js';
import { CodedEventSchema, EVIDENCE_FIELDS } from '../../src/model/index.js';
import { dictionaryActorEquality, SEED_EXPECTED, SEED_TEXT } from '../../src/eval/index.js';
import { distanceKm, matchDocument, type ScoredEvent } from '../../src/eval/score.js';

const haveSeed = existsSync(SEED_TEXT) && existsSync(SEED_EXPECTED);

test('seed article codes into exactly the expected events', { skip: !haveSeed && 'shared seed article not present' }, () => {
  const expected = JSON.parse(readFileSync(SEED_EXPECTED, 'utf8'));
  const text = readFileSync(SEED_TEXT, 'utf8');
  const events = createExtractor(loadGeocoder()).extract({ id: 'seed', text, published: expected.document.published });
  for (const e of events) CodedEventSchema.parse(e);
  const gold: ScoredEvent[] = [
    ...expected.events.map((e: ScoredEvent) => ({ ...e, optional: false })),
    ...(expected.optional_events ?? []).map((e: ScoredEvent) => ({ ...e, fatalities: 0, actor2: null, optional: true })),
  ];
  const m = matchDocument(events as unknown as ScoredEvent[], gold);
  assert.deepEqual(m.misses, [], 'every expected event is found');
  assert.deepEqual(m.falseAlarms, [], 'nothing else is coded');
  const sameActor = dictionaryActorEquality();
  for (const { pred, gold: g } of m.pairs) {
    if (g.optional) continue;
    const p = pred as unknown as (typeof events)[number];
    const where = `${g.location} ${g.sub_event_type}`;
    assert.equal(p.event_type, g.event_type, where);
    assert.equal(p.sub_event_type, g.sub_event_type, where);
    assert.ok(sameActor(p.actor1, g.actor1, 'Syria'), `${where}: actor1 ${p.actor1}`);
    assert.ok(sameActor(p.actor2, g.actor2, 'Syria'), `${where}: actor2 ${p.actor2}`);
    assert.equal(p.event_date, g.event_date, where);
    assert.equal(p.time_precision, (g as unknown as { time_precision: number }).time_precision, where);
    assert.equal(p.admin1, g.admin1, where);
    assert.equal(p.country, 'Syria');
    assert.equal(p.geo_precision, (g as unknown as { geo_precision: number }).geo_precision, where);
    assert.equal(p.fatalities, g.fatalities, where);
    assert.equal(p.injuries, g.injuries, where);
    assert.deepEqual(p.weapons, (g as unknown as { weapons: string[] }).weapons, where);
    const limit = p.geo_precision === 1 ? 5 : 15;
    assert.ok(distanceKm(p.latitude!, p.longitude!, g.latitude!, g.longitude!) <= limit, `${where}: within ${limit} km`);
  }
  // every coded field is traceable to the words that justify it
  for (const e of events) {
    const fields = new Set(e.evidence.map((v) => v.field));
    for (const f of ['event_date', 'event_type', 'sub_event_type', 'actor1', 'location'] as const) assert.ok(fields.has(f), `${e.location}: evidence for ${f}`);
    if (e.actor2) assert.ok(fields.has('actor2'));
    if (e.injuries) assert.ok(fields.has('injuries'));
    for (const v of e.evidence) {
      assert.ok(EVIDENCE_FIELDS.includes(v.field));
      assert.equal(v.document_id, 'seed');
      assert.equal(text.slice(v.start, v.end), v.text);
    }
  }
});
