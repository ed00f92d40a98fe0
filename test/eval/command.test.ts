/** `frontline eval` end to end on a small gold file written for this test (our own words). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evalCommand, runEval } from '../../src/eval/index.js';

const corpus = [
  { id: 'a1', published: '2024-03-11', text: 'Government forces shelled the village of Kansafra in the southern countryside of Idlib on Sunday, killing two civilians.' },
  { id: 'a2', published: '2024-03-11', text: 'Officials warned that Turkish forces could strike the town of Tal Rifaat.' },
];
const gold = [
  {
    id: 'a1', published: '2024-03-11',
    events: [{ event_date: '2024-03-10', time_precision: 1, event_type: 'Explosions/Remote violence', sub_event_type: 'Shelling/artillery/missile attack', actor1: 'Syrian army', actor2: 'Civilians (Syria)', country: 'Syria', admin1: 'Idlib', location: 'Kansafra', latitude: 35.66, longitude: 36.49, geo_precision: 1, fatalities: 2, injuries: 0, optional: false }],
  },
  { id: 'a2', published: '2024-03-11', events: [] },
];

test('runEval scores a gold file against its corpus; evalCommand prints the table and exits 0', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontline-eval-'));
  try {
    writeFileSync(path.join(dir, 'corpus.jsonl'), corpus.map((c) => JSON.stringify(c)).join('\n'));
    writeFileSync(path.join(dir, 'gold.jsonl'), gold.map((g) => JSON.stringify(g)).join('\n'));
    const r = runEval(path.join(dir, 'gold.jsonl'));
    assert.equal(r.scores.gold, 1);
    assert.equal(r.scores.recall, 1);
    assert.equal(r.scores.precision, 1);
    assert.equal(r.scores.fields.actor1.right, 1, '"Syrian army" is an alias of Military Forces of Syria');
    assert.equal(r.scores.fields.fatalities.right, 1);
    const lines: string[] = [];
    const orig = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    let code: number;
    try {
      code = await evalCommand([path.join(dir, 'gold.jsonl'), '--quiet']);
    } finally {
      console.log = orig;
    }
    assert.equal(code, 0);
    assert.match(lines.join('\n'), /detection\s+P 100\.0%\s+R 100\.0%\s+F1 100\.0%/);
    const errs: string[] = [];
    const origErr = console.error;
    console.error = (...a: unknown[]) => void errs.push(a.join(' '));
    try {
      assert.equal(await evalCommand([path.join(dir, 'missing.jsonl')]), 2);
    } finally {
      console.error = origErr;
    }
    assert.match(errs.join('\n'), /gold file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
