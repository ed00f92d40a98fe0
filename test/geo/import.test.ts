import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importGazetteer, loadGeocoder } from '../../src/geo/index.js';

const work = mkdtempSync(join(tmpdir(), 'frontline-geo-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

test('CSV import: the new places resolve after a reload, no rebuild', async () => {
  const dir = join(work, 'gaz-csv');
  const csv = join(work, 'mine.csv');
  writeFileSync(csv, [
    'name,alternate_names,lat,lon,country,admin1',
    'Qaryat Zumurrud,"Zumurrud;Zmurrud",35.7012,36.5123,Syria,Idlib',
    'Wadi Nakhla Camp,Nakhla Camp,12.3456,43.2109,YE,Taizz',
    'Broken Row,,not-a-number,36.1,Syria,Idlib',
    'No Country,,35.1,36.1,Atlantis,',
  ].join('\n'));
  assert.equal(loadGeocoder({ userDir: dir }).resolve('Zumurrud', { country: 'Syria' }), null);
  const res = await importGazetteer(csv, { dir });
  assert.equal(res.added, 2);
  assert.equal(res.skipped, 2);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tsv')).length, 1);
  const geo = loadGeocoder({ userDir: dir });
  const r = geo.resolve('Zmurrud', { country: 'Syria', areaHints: ['Idlib'] });
  assert.ok(r, 'imported alternate name resolves');
  assert.equal(r.place?.name, 'Qaryat Zumurrud');
  assert.equal(r.admin1, 'Idlib');
  assert.equal(r.latitude, 35.7012);
  assert.equal(r.geo_precision, 1);
  const y = geo.resolve('Nakhla Camp', { country: 'Yemen' });
  assert.ok(y);
  assert.equal(y.country, 'Yemen');
  assert.equal(y.iso, 887);
  // shipped data is still there
  assert.ok(geo.resolve('Sarmin', { country: 'Syria' }));
  // importing the same file again replaces it rather than duplicating it
  const again = await importGazetteer(csv, { dir });
  assert.equal(again.file, res.file);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tsv')).length, 1);
});

test('GeoNames dump import (19 tab-separated columns)', async () => {
  const dir = join(work, 'gaz-geonames');
  const txt = join(work, 'XX.txt');
  const row = (id: number, name: string, alts: string, lat: number, lon: number, fclass: string, fcode: string, cc: string, a1: string, pop: number): string =>
    [id, name, name, alts, lat, lon, fclass, fcode, cc, '', a1, '', '', '', pop, '', '100', 'Asia/Damascus', '2024-01-01'].join('\t');
  writeFileSync(txt, [
    row(9000001, 'Tall Qirmizi', 'Tell Qirmizi,Tal Kirmizi', 36.5511, 40.1122, 'P', 'PPL', 'SY', '01', 1200),
    row(9000002, 'Jabal Sumaq', 'Jebel Summaq', 35.95, 36.55, 'T', 'MT', 'SY', '12', 0),
    row(9000003, 'Nowhere', '', 99, 36, 'P', 'PPL', 'SY', '12', 0),
  ].join('\n'));
  const res = await importGazetteer(txt, { dir });
  assert.equal(res.added, 2);
  assert.equal(res.skipped, 1);
  const geo = loadGeocoder({ userDir: dir });
  const r = geo.resolve('Tal Kirmizi', { country: 'Syria' });
  assert.ok(r);
  assert.equal(r.latitude, 36.5511);
  assert.equal(r.admin1, 'Al-Hasakah', 'GeoNames admin1 code SY.01 mapped to the ACLED spelling');
  const m = geo.resolve('Jebel Summaq', { country: 'Syria' });
  assert.ok(m);
  assert.equal(m.geo_precision, 2, 'a mountain is a region');
});

test('bad import files get clear errors and write nothing', async () => {
  const dir = join(work, 'gaz-bad');
  await assert.rejects(importGazetteer(join(work, 'missing.csv'), { dir }), /no such file/);
  const bin = join(work, 'zip.zip');
  writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3]));
  await assert.rejects(importGazetteer(bin, { dir }), /binary/);
  const empty = join(work, 'empty.csv');
  writeFileSync(empty, 'name,lat,lon,country\nOnly Bad,x,y,Syria\n');
  await assert.rejects(importGazetteer(empty, { dir }), /no valid places/);
  const noHeader = join(work, 'nohdr.csv');
  writeFileSync(noHeader, 'Foo,1,2,SY\n');
  await assert.rejects(importGazetteer(noHeader, { dir }), /header/);
  assert.deepEqual(readdirSync(work).includes('gaz-bad') ? readdirSync(dir) : [], []);
});

test('extraDirs: places-format files of another directory are loaded too', () => {
  const dir = join(work, 'extra');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'mine.tsv'), [
    'id\tkind\tname\tlat\tlon\tiso2\tadmin1\tadmin2\tadmin3\tpopulation\talt',
    'x:1\tpopulated\tKhirbat Umm Qwzx\t35.1\t36.2\tSY\tHama\t\t\t\tUmm Qwzx',
    'x:2\tbogus-kind\tNot Loaded\t35.1\t36.2\tSY\tHama\t\t\t\t',
  ].join('\n'));
  const geo = loadGeocoder({ extraDirs: [dir], userDir: join(work, 'no-user-dir') });
  const r = geo.resolve('Umm Qwzx', { country: 'Syria' });
  assert.equal(r?.admin1, 'Hama');
  assert.equal(r?.geo_precision, 1);
  assert.equal(geo.candidates('Not Loaded').length, 0);
});
