/**
 * `frontline gazetteer import FILE`: converts a user's GeoNames dump (tab-separated, the 19 GeoNames
 * columns) or a CSV of their own places (header with name, alternate_names, lat, lon, country, admin1;
 * optional admin2, kind, population) into the places format and writes it to the user gazetteer
 * directory, which loadGeocoder() reads at start. Nothing is rebuilt.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { PlaceKind } from './types.js';
import type { Gazetteer } from './gazetteer.js';
import { PLACE_COLUMNS } from './gazetteer.js';
import { cleanAdmin1 } from './admin-names.js';

export interface ImportOptions {
  /** Directory to write to; default $FRONTLINE_HOME/gazetteer or ./.frontline/gazetteer. */
  dir?: string;
}

export interface ImportResult {
  added: number;
  skipped: number;
  file: string;
}

export function defaultUserDir(): string {
  const home = process.env.FRONTLINE_HOME;
  return home ? resolve(home, 'gazetteer') : resolve('.frontline', 'gazetteer');
}

/** Country dumps (SY.txt, IQ.txt...) are well under this; allCountries.txt is not, and would also slow every start-up. */
const MAX_IMPORT_BYTES = 400_000_000;

const clean = (s: unknown): string => String(s ?? '').replace(/[\t\r\n|]+/g, ' ').replace(/\s+/g, ' ').trim();

function geonamesKind(fclass: string, fcode: string): PlaceKind | null {
  if (fclass === 'P') return /^PPLX/.test(fcode) ? 'neighbourhood' : 'populated';
  if (fclass === 'A') {
    if (fcode === 'ADM1' || fcode === 'ADM1H') return 'admin1';
    if (fcode === 'ADM2' || fcode === 'ADM2H') return 'admin2';
    if (/^ADM[3-5]/.test(fcode)) return 'admin3';
    if (/^PCL/.test(fcode)) return 'country';
    return 'region';
  }
  if (fclass === 'S') return 'populated'; // spot features: camps, airports, bases, buildings
  if ('THLVR'.includes(fclass) && fclass) return 'region';
  return null;
}

/**
 * Converts the file to places rows. `g` provides country and admin1 names (GeoNames admin1 codes are
 * resolved against the shipped world admin1 names).
 */
export function convertImport(text: string, g: Gazetteer, admin1Names: Map<string, string>, stamp = createHash('sha1').update(text).digest('hex').slice(0, 10)): { rows: string[][]; skipped: number } {
  const rows: string[][] = [];
  let skipped = 0;
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0 || text.length);
  const tabs = firstLine.split('\t').length;
  if (tabs >= 15) {
    // GeoNames dump: geonameid name asciiname alternatenames lat lon fclass fcode cc cc2 admin1 admin2 admin3 admin4 population ...
    for (const line of text.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const f = line.split('\t');
      const lat = Number(f[4]), lon = Number(f[5]);
      const kind = geonamesKind(f[6] ?? '', f[7] ?? '');
      const cc = (f[8] ?? '').toUpperCase();
      if (!f[1] || !kind || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || !g.countryOf(cc)) {
        skipped++;
        continue;
      }
      const a1raw = admin1Names.get(`${cc}.${f[10] ?? ''}`);
      const admin1 = a1raw ? cleanAdmin1(cc, a1raw) : '';
      const alts = [f[2] ?? '', ...(f[3] ?? '').split(',')].map(clean).filter((a) => a && a !== f[1] && a.length < 120);
      const name = clean(f[1]);
      rows.push([`user:${stamp}:${f[0]}`, kind, name, String(lat), String(lon), cc, kind === 'admin1' ? (cleanAdmin1(cc, name)) : admin1, '', '',
        String(Number(f[14]) || ''), alts.join('|')]);
    }
    return { rows, skipped };
  }
  let records: Record<string, string>[];
  let header: string[] = [];
  try {
    records = parse(text, {
      columns: (h: string[]) => (header = h.map((x) => x.trim().toLowerCase().replace(/[\s-]+/g, '_'))),
      bom: true, skip_empty_lines: true, relax_column_count: true, trim: true,
    }) as Record<string, string>[];
  } catch (e) {
    throw new Error(`cannot parse the CSV: ${(e as Error).message}`);
  }
  if (!header.includes('name') || !(header.includes('lat') || header.includes('latitude'))) throw new Error('the CSV needs a header row with at least name, lat, lon, country (and optionally alternate_names, admin1, admin2, kind, population)');
  let n = 0;
  for (const r of records) {
    n++;
    const lat = Number(r.lat ?? r.latitude), lon = Number(r.lon ?? r.lng ?? r.longitude);
    const c = g.findCountry(r.country ?? r.country_code ?? r.iso2 ?? '');
    const name = clean(r.name);
    const kind = (clean(r.kind) || 'populated') as PlaceKind;
    if (!name || !c || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 ||
      !['admin1', 'admin2', 'admin3', 'populated', 'neighbourhood', 'region'].includes(kind)) {
      skipped++;
      continue;
    }
    const alts = clean(r.alternate_names ?? r.alternatenames ?? r.alt ?? '').split(/[;,]/).map(clean).filter(Boolean);
    rows.push([`user:${stamp}:${n}`, kind, name, String(lat), String(lon), c.iso2, clean(r.admin1), clean(r.admin2), clean(r.admin3),
      String(Number(r.population) || ''), alts.join('|')]);
  }
  return { rows, skipped };
}

export function writeImport(file: string, g: Gazetteer, admin1Names: Map<string, string>, opts: ImportOptions = {}): ImportResult {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`no such file: ${file}`);
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`not a file: ${file}`);
  if (st.size > MAX_IMPORT_BYTES) {
    throw new Error(`file too large to import (${st.size} bytes, limit ${MAX_IMPORT_BYTES}): import the GeoNames country files you need (e.g. SY.txt, IQ.txt) rather than allCountries.txt`);
  }
  const buf = readFileSync(path);
  if (buf.subarray(0, 4096).includes(0)) throw new Error(`${file} looks binary; expected a GeoNames .txt dump or a CSV (unzip it first)`);
  const text = buf.toString('utf8');
  const hash = createHash('sha1').update(buf).digest('hex').slice(0, 10);
  const { rows, skipped } = convertImport(text, g, admin1Names, hash);
  if (!rows.length) throw new Error(`no valid places found in ${file} (${skipped} rows skipped)`);
  const dir = opts.dir ?? defaultUserDir();
  mkdirSync(dir, { recursive: true });
  // named by content: importing the same file again replaces it instead of adding duplicates
  const out = join(dir, `${basename(path).replace(/[^\w.-]+/g, '_').replace(/\.(txt|csv|tsv)$/i, '')}-${hash}.tsv`);
  const tmp = `${out}.part`;
  writeFileSync(tmp, `${PLACE_COLUMNS.join('\t')}\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
  renameSync(tmp, out); // atomic: a kill mid-import leaves no half file that the loader would read
  return { added: rows.length, skipped, file: out };
}
