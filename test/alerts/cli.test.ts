import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertsCli } from '../../src/alerts/index.js';
import { openStore } from '../../src/store/index.js';
import { makeEvent, tempRepo } from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../data/watch/idlib-example.geojson', import.meta.url));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, deps: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) } };
}

test('frontline watch add|list|rm and feeds add|list through the argv adapter', async () => {
  const t = tempRepo();
  t.repo.close(); // the commands open the file themselves
  const db = ['--watch-db', t.path];
  try {
    let c = capture();
    assert.equal(await alertsCli('watch', ['add', '--file', EXAMPLE, ...db], c.deps), 0, c.err.join());
    assert.equal(c.out[0]!.split('\n').length, 3);
    c = capture();
    assert.equal(await alertsCli('watch', ['add', '--name', 'Outpost', '--point', '35.85,36.7', '--radius', '5', '--types', 'Battles', ...db], c.deps), 0, c.err.join());
    assert.match(c.out[0]!, /added watch zone "Outpost" \(5 km around 35\.8500,36\.7000; types Battles\)/);
    c = capture();
    assert.equal(await alertsCli('watch', ['add', '--name', 'Bad', '--point', '35.85', '--radius', '5', ...db], c.deps), 2);
    assert.match(c.err[0]!, /--point must be LAT,LON/);
    c = capture();
    assert.equal(await alertsCli('watch', ['add', '--name', 'Bad', '--point', '35.85,36.7', '--types', 'Shootings', '--radius', '1', ...db], c.deps), 2);
    assert.match(c.err[0]!, /unknown event type "Shootings"/);
    c = capture();
    assert.equal(await alertsCli('watch', ['add', '--name', 'outpost', '--point', '1,1', '--radius', '1', ...db], c.deps), 1);
    assert.match(c.err[0]!, /already exists/);
    c = capture();
    const line = JSON.stringify({ type: 'LineString', coordinates: [[36.3, 35.8], [36.8, 35.86]] });
    assert.equal(await alertsCli('watch', ['add', '--name', 'Road', '--geojson', line, '--radius', '2.5', ...db], c.deps), 0, c.err.join());
    assert.match(c.out[0]!, /"Road" \(2\.5 km either side of a line\)/);
    c = capture();
    const open = JSON.stringify({ type: 'Polygon', coordinates: [[[36, 35], [37, 35], [37, 36], [36, 36]]] });
    assert.equal(await alertsCli('watch', ['add', '--name', 'Open', '--geojson', open, ...db], c.deps), 2);
    assert.match(c.err[0]!, /invalid zone "Open": geometry.*closed/);
    c = capture();
    assert.equal(await alertsCli('watch', ['list', '--format', 'geojson', ...db], c.deps), 0);
    assert.equal(JSON.parse(c.out[0]!).features.length, 5);
    c = capture();
    assert.equal(await alertsCli('watch', ['rm', 'Outpost', ...db], c.deps), 0);
    c = capture();
    await alertsCli('watch', ['list', ...db], c.deps);
    assert.equal(c.out[0]!.split('\n').length, 4);
    assert.doesNotMatch(c.out[0]!, /Outpost/);

    c = capture();
    assert.equal(await alertsCli('feeds', ['add', 'https://example.org/rss', '--interval', '30m', ...db], c.deps), 0, c.err.join());
    assert.match(c.out[0]!, /every 30m/);
    c = capture();
    assert.equal(await alertsCli('feeds', ['add', 'not a url', ...db], c.deps), 2);
    c = capture();
    assert.equal(await alertsCli('feeds', ['list', ...db], c.deps), 0);
    assert.match(c.out[0]!, /https:\/\/example\.org\/rss[\s\S]*status pending[\s\S]*last ok never/);
    c = capture();
    assert.equal(await alertsCli('feeds', ['--bogus'], c.deps), 2);
    c = capture();
    assert.equal(await alertsCli('watch', ['--help'], c.deps), 0);
    assert.match(c.out[0]!, /frontline watch add/);
  } finally {
    t.cleanup();
  }
});

test('frontline brief reads events from a real store and writes the report and its map', async () => {
  const t = tempRepo();
  t.repo.close();
  const storePath = join(t.dir, 'events.db');
  try {
    const store = await openStore({ path: storePath });
    const today = new Date().toISOString().slice(0, 10);
    await store.bulkInsert([
      makeEvent({ event_date: today, location: 'Sample Village', admin1: 'Idlib', latitude: 35.75, longitude: 36.55, fatalities: 2 }),
      makeEvent({ event_date: today, location: 'North Town', admin1: 'Aleppo', latitude: 36.5, longitude: 37.0 }),
    ]);
    await store.close();
    const c = capture();
    const out = join(t.dir, 'brief.md');
    const code = await alertsCli('brief', ['--since', '24h', '--admin1', 'Idlib', '--out', out, '--db', storePath, '--watch-db', t.path], {
      ...c.deps,
      openStore: (db) => openStore({ path: db! }),
    });
    assert.equal(code, 0, c.err.join('\n'));
    assert.match(c.out[0]!, /wrote .*brief\.md \(1 event, 0 escalations\)/);
    const md = readFileSync(out, 'utf8');
    assert.match(md, /Sample Village/);
    assert.doesNotMatch(md, /North Town/);
    assert.ok(existsSync(join(t.dir, 'brief.map.svg')));
  } finally {
    t.cleanup();
  }
});
