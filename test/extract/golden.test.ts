/**
 * Golden fixtures (reports in our own words): each test/fixtures/extract/NAME.txt must code into exactly
 * NAME.expected.json. To accept a reviewed change: npx tsx test/extract/golden.ts NAME, then read the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGeocoder } from '../../src/geo/index.js';
import { createExtractor } from '../../src/extract/index.js';
import { CodedEventSchema } from '../../src/model/index.js';
import { listGoldens, project } from './golden.js';

const extractor = createExtractor(loadGeocoder());

for (const g of listGoldens()) {
  test(`golden fixture ${g.name}`, () => {
    const events = extractor.extract({ id: g.name, text: g.text, published: g.published });
    for (const e of events) CodedEventSchema.parse(e);
    assert.deepEqual(events.map(project), g.expected);
  });
}

test('there are golden fixtures, including one that must code nothing', () => {
  const all = listGoldens();
  assert.ok(all.length >= 5);
  assert.ok(all.some((g) => g.expected.length === 0));
});
