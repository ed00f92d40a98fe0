import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Place } from '../../src/geo/types.js';
import { generateCorpus, placePools } from '../../bench/corpus.js';
import { quantile, median } from '../../bench/lib/stats.js';
import { mix, rng } from '../../bench/lib/rng.js';

// a small gazetteer of invented places is enough for the generator
const places: Place[] = [];
for (const [iso2, country, admins] of [['SY', 'Syria', ['Idlib', 'Aleppo', 'Hama']], ['UA', 'Ukraine', ['Donetsk', 'Kharkiv']]] as const) {
  for (let i = 0; i < 60; i++) {
    places.push({
      id: `${iso2}-${i}`, name: `${iso2 === 'SY' ? 'Tell' : 'Nova'} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}rana`, kind: 'populated',
      lat: 35 + i / 100, lon: 36 + i / 100, country, iso2, iso: null, admin1: admins[i % admins.length]!, admin2: null, admin3: null, population: 50_000,
    });
  }
}

test('corpus: same seed gives the same reports; document k does not depend on the corpus length', () => {
  const a = generateCorpus({ seed: 3, count: 20, places });
  const b = generateCorpus({ seed: 3, count: 40, places });
  assert.deepEqual(a, b.slice(0, 20));
  const c = generateCorpus({ seed: 4, count: 20, places });
  assert.notDeepEqual(a.map((d) => d.text), c.map((d) => d.text));
});

test('corpus: reports are about 3 KB, dated, and name places from the gazetteer', () => {
  const docs = generateCorpus({ seed: 1, count: 100, places });
  const avg = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0) / docs.length;
  assert.ok(avg > 2500 && avg < 4000, `average ${avg} bytes`);
  const names = new Set(places.map((p) => p.name));
  for (const d of docs) {
    assert.match(d.published!, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok([...names].some((n) => d.text.includes(n)), `no gazetteer place in ${d.id}`);
  }
  assert.equal(new Set(docs.map((d) => d.id)).size, docs.length);
});

test('corpus: place pools keep clean Latin names only', () => {
  const pools = placePools([...places, { ...places[0]!, id: 'x', name: 'حلب' }, { ...places[0]!, id: 'y', name: 'Name (old)' }]);
  assert.equal(pools.get('SY')!.length, 60);
});

test('stats: nearest-rank quantiles', () => {
  const xs = [5, 1, 4, 2, 3];
  assert.equal(median(xs), 3);
  assert.equal(quantile(xs, 0.95), 5);
  assert.equal(quantile([...Array(100).keys()].map((i) => i + 1), 0.95), 95);
  assert.ok(Number.isNaN(median([])));
});

test('rng: seeded and chunk-independent', () => {
  const r1 = rng(mix(1, 10_000));
  const r2 = rng(mix(1, 10_000));
  assert.equal(r1(), r2());
  assert.notEqual(rng(mix(1, 0))(), rng(mix(1, 10_000))());
});
