/**
 * The geocoder contract the extractor codes against. src/geo implements it; nothing else does.
 */

export type PlaceKind =
  | 'country'
  | 'admin1'
  | 'admin2'
  | 'admin3'
  | 'populated' // village, town, city
  | 'neighbourhood'
  | 'region'; // mountain, plain, valley, highway, desert, named area

/** One gazetteer entry. */
export interface Place {
  id: string;
  name: string; // preferred English name (ACLED spelling where it differs)
  kind: PlaceKind;
  lat: number;
  lon: number;
  country: string; // ACLED country name, e.g. "Syria", "Democratic Republic of Congo"
  iso2: string;
  iso: number | null; // ISO 3166-1 numeric, as ACLED's `iso` column
  admin1: string | null; // ACLED spelling, e.g. "Idlib", "Deir ez-Zor", "Al-Hasakah"
  admin2: string | null;
  admin3: string | null;
  population: number;
}

/** What the text around a mention says about where it is. */
export interface GeoContext {
  /** Country the report is about, when known (ACLED name). */
  country?: string | null;
  /** Admin areas named near the mention ("in Idlib", "northern countryside of Aleppo"), nearest first. */
  areaHints?: string[];
  /** Places already resolved in the same report. */
  nearby?: { lat: number; lon: number }[];
}

export interface GeoResolution {
  place: Place | null; // null when resolved only to an area (precision 3) or ambiguous
  location: string; // the name to code as `location`
  country: string;
  iso: number | null;
  admin1: string | null;
  admin2: string | null;
  admin3: string | null;
  latitude: number | null;
  longitude: number | null;
  geo_precision: 1 | 2 | 3;
  geo_note: string | null; // e.g. "ambiguous: 2 places named Nayrab; placed at Idlib"
}

export interface Geocoder {
  /** Places whose normalised name or alternate name equals the normalised mention (fast, no context). */
  candidates(mention: string): Place[];
  /** True if some gazetteer name starts with these normalised words (for greedy longest-match scanning). */
  isPrefix(mention: string): boolean;
  /**
   * Resolve a place mention in context. Handles "the outskirts of X", "near X", "X countryside",
   * regions ("the Ghab Plain", "southern Idlib") and admin areas. Null when nothing matches.
   */
  resolve(mention: string, ctx?: GeoContext): GeoResolution | null;
}
