import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodedEventSchema } from '../../src/model/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/frontline.js');
const SEED = path.resolve(ROOT, '../shared/mission/seed-article.txt');

function run(args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'frontline-cli-'));

test('--help lists the commands; unknown commands and options fail with a clear message', () => {
  const help = run(['--help']);
  assert.equal(help.code, 0);
  for (const c of ['extract', 'ingest', 'serve', 'eval', 'gazetteer import']) assert.match(help.out, new RegExp(c));
  const bad = run(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown command "frobnicate"/);
  const badOpt = run(['extract', 'x.txt', '--colour', 'red']);
  assert.equal(badOpt.code, 2);
  assert.match(badOpt.err, /--colour/);
  const badDate = run(['extract', 'x.txt', '--published', '23/07/2024']);
  assert.match(badDate.err, /--published must be YYYY-MM-DD/);
});

test('extract rejects a missing file, binary input and invalid UTF-8 with clear errors', () => {
  assert.match(run(['extract', path.join(tmp, 'nope.txt')]).err, /cannot read .*ENOENT/);
  const bin = path.join(tmp, 'image.png');
  writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
  const r = run(['extract', bin]);
  assert.equal(r.code, 2);
  assert.match(r.err, /binary/);
  const latin = path.join(tmp, 'latin1.txt');
  writeFileSync(latin, Buffer.from('Shelling hit the caf\xe9 in Saraqib', 'latin1'));
  assert.match(run(['extract', latin]).err, /not valid UTF-8/);
});

test('extract codes a report from stdin in every format', () => {
  const text = 'Regime forces shelled the town of Kafr Nabl in southern Idlib on Monday, killing two civilians.';
  const json = run(['extract', '-', '--published', '2024-07-23', '--source', 'Test desk'], text);
  assert.equal(json.code, 0, json.err);
  const events = JSON.parse(json.out);
  assert.ok(Array.isArray(events) && events.length >= 1);
  for (const e of events) CodedEventSchema.parse(e);
  assert.match(events[0].location, /Kafr N(a|o)bo?l/);
  assert.equal(events[0].admin1, 'Idlib');
  assert.equal(events[0].event_date, '2024-07-22');
  const csv = run(['extract', '-', '--published', '2024-07-23', '--format', 'csv'], text);
  assert.match(csv.out.split('\n')[0]!, /^event_id_cnty,event_date,year,time_precision,disorder_type,event_type/);
  const gj = JSON.parse(run(['extract', '-', '--published', '2024-07-23', '--format', 'geojson'], text).out);
  assert.equal(gj.type, 'FeatureCollection');
  assert.equal(gj.features.length, events.length);
});

test('extract --batch: one line per document in input order; a bad line does not stop the batch', () => {
  const file = path.join(tmp, 'batch.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ id: 'a', text: 'Turkish artillery shelled the village of Harbal north of Aleppo on Monday.', published: '2024-07-23' }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 'c', published: '23 July' , text: 'x' }),
      JSON.stringify({ id: 'd', text: 'The weather was mild in Damascus.', published: '2024-07-23' }),
    ].join('\n') + '\n',
  );
  const r = run(['extract', '--batch', file]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', null, 'c', 'd']);
  assert.ok(lines[0].events.length >= 1);
  assert.match(lines[1].error, /line 2: not valid JSON/);
  assert.match(lines[2].error, /published/);
  assert.deepEqual(lines[3].events, []);
});

const SEED_EXPECTED = path.resolve(ROOT, '../shared/mission/seed-article.expected.json');

function km(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const r = Math.PI / 180;
  const h = Math.sin(((b.latitude - a.latitude) * r) / 2) ** 2 +
    Math.cos(a.latitude * r) * Math.cos(b.latitude * r) * Math.sin(((b.longitude - a.longitude) * r) / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

test('extract codes the seed article into its seven events', { skip: !existsSync(SEED) && 'shared seed article not present' }, () => {
  const r = run(['extract', SEED, '--published', '2024-07-23', '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  type E = { location: string; event_date: string; sub_event_type: string; actor2: string | null; latitude: number; longitude: number; time_precision: number };
  const events = JSON.parse(r.out) as E[];
  const expected = JSON.parse(readFileSync(SEED_EXPECTED, 'utf8')).events as (E & { optional?: boolean })[];
  const unmatched = [...events];
  for (const g of expected.filter((e) => !e.optional)) {
    const i = unmatched.findIndex(
      (e) => km(e, g) <= (g.location.includes('Ghab') ? 15 : 5) && e.sub_event_type === g.sub_event_type &&
        e.event_date === g.event_date &&
        (g.actor2?.startsWith('Islamist') ? !!e.actor2?.startsWith('Islamist') : e.actor2 === g.actor2),
    );
    assert.ok(i >= 0, `no event for ${g.location} ${g.sub_event_type} vs ${g.actor2}`);
    unmatched.splice(i, 1);
  }
  // Only the optional low-precision campaign event may remain.
  assert.ok(unmatched.every((e) => e.time_precision === 3), `unexpected events: ${JSON.stringify(unmatched.map((e) => e.location))}`);
});

test('output into a reader that stops early (| head) ends quietly with status 0', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontline-epipe-'));
  const file = path.join(dir, 'in.jsonl');
  const line = JSON.stringify({ id: 'x', published: '2024-07-23', text: 'Turkish forces shelled the village of Harbal in the Aleppo countryside on Monday.' });
  writeFileSync(file, Array.from({ length: 400 }, (_, i) => line.replace('"x"', `"x${i}"`)).join('\n'));
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" extract --batch "${file}" | head -c 20`], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.length, 20);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
});

test('ingest --workers N extracts in N worker threads and stores what the main thread would; a bad N is refused', () => {
  const samples = path.join(ROOT, 'data/samples/reports.jsonl');
  // two SQLite files (with FRONTLINE_DATABASE_URL set, both runs would write one PostgreSQL database)
  const env = { ...process.env, FRONTLINE_DATABASE_URL: '' };
  const summaries = [0, 2].map((n) => {
    const r = run(['ingest', samples, '--db', path.join(tmp, `workers-${n}.db`), '--workers', String(n), '--quiet'], undefined, env);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out) as { documents: number; events_created: number };
  });
  assert.deepEqual(summaries[1], summaries[0]);
  assert.ok(summaries[0]!.events_created > 0);
  const exported = [0, 2].map((n) => {
    const r = run(['export', '--db', path.join(tmp, `workers-${n}.db`), '--format', 'jsonl'], undefined, env);
    return r.out.replace(/"(?:created|updated)_at":"[^"]*"/g, '');
  });
  assert.equal(exported[1], exported[0]);
  const bad = run(['ingest', samples, '--db', path.join(tmp, 'workers-x.db'), '--workers', 'many'], undefined, env);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--workers must be a whole number/);
});
