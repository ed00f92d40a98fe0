/**
 * The small database adapter the store core is written against, so that one implementation of the
 * store's behaviour runs on SQLite and on PostgreSQL. SQL is written with `?` placeholders (never with
 * values spliced in); the PostgreSQL adapter numbers them. Dialect-specific SQL fragments (full text,
 * space) come from the `Dialect` object.
 */
import type { EventFilter } from '../model/index.js';

export type Param = string | number | null | boolean;
export type Row = Record<string, unknown>;

export interface Tx {
  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  run(sql: string, params?: readonly Param[]): Promise<number>; // rows changed
}

/** A fragment of SQL with its parameters. */
export interface Frag {
  sql: string;
  params: Param[];
}

/**
 * A selective condition in two equivalent forms: `indexed` starts from its own index (best when it
 * matches few rows), `scan` is checked row by row (best when many rows match and the query walks the sort
 * index with a LIMIT). `probe` (SELECT … rows matched by the index) lets the store count the hits
 * cheaply (`count`: up to a limit; `estimate`: the planner's row estimate from EXPLAIN, for PostgreSQL,
 * whose geometry statistics are good but whose geography estimates are not); null means always `indexed`.
 */
export interface AdaptiveFilter {
  indexed: Frag;
  scan: Frag;
  probe: (Frag & { kind?: 'count' | 'estimate' }) | null;
}

export interface Dialect {
  /** Condition on `e` (events alias) for a full-text query; `match` is the user's text. */
  textMatch(q: string): Frag | null;
  /**
   * Optional split form of `textMatch` (PostgreSQL): `notes`, a condition on `e`'s own text, and
   * `documentEvents`, a query of the seqs of events whose source documents match. The store runs the
   * second first and, when it returns few seqs, asks for `notes OR e.seq = ANY(those seqs)`, which the
   * planner can answer from indexes (an OR with a sub-select cannot be). `notes` is adaptive like a
   * place filter: a paged query whose words match many events checks them row by row while walking the
   * sort index, instead of taking every index hit and sorting them.
   */
  textParts?(q: string): { notes: AdaptiveFilter; documentEvents: Frag } | null;
  /** `e.seq` is one of these (a short list of event seqs), given as one parameter. */
  seqIn?(seqs: number[]): Frag;
  /** Condition: the event's point lies within the box. */
  bbox(w: number, s: number, e: number, n: number): AdaptiveFilter;
  /** Condition: the event's point is within `km` of lat/lon. */
  near(lat: number, lon: number, km: number): AdaptiveFilter;
  /** An index hint for stats queries over this filter (SQLite: a covering index the planner underrates). */
  statsIndexHint?(f: EventFilter): string;
  /** Row-value keyset comparison, e.g. (a, b) < (?, ?). */
  rowCompare(cols: string[], op: '<' | '>'): string;
}

export interface Db extends Tx {
  readonly kind: 'sqlite' | 'postgres';
  readonly dialect: Dialect;
  /** Run fn in one transaction, serialised with every other write transaction of this store. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Optional cross-process change feed (PostgreSQL LISTEN/NOTIFY): `notify` inside a write transaction
   * (delivered on commit), `listen` calls back with each payload sent by any connection to this database
   * and schema; it returns a function that stops listening.
   */
  notify?(tx: Tx, payload: string): Promise<void>;
  listen?(onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Changes when another connection commits (SQLite `PRAGMA data_version`); absent = unknown (no caching). */
  dataVersion?(): Promise<number>;
  /** Insert many rows fast (bulk path). `columns` in order; rows of params. */
  insertMany(table: string, columns: string[], rows: Param[][], tx: Tx): Promise<void>;
  /**
   * Bulk path (optional): inside tx, drop the secondary indexes of the tables bulkInsert writes (events,
   * event_data, contributions, event_actors, the stats aggregates) and stop the per-row index upkeep (SQLite: R*Tree and FTS5
   * triggers); the function returned, called in the same transaction, builds them again once over every
   * row, exactly as they were defined. Worth it when the rows inserted outnumber the rows already there.
   */
  suspendIndexes?(tx: Tx): Promise<() => Promise<void>>;
  /**
   * Bulk path (optional): add many rows to an aggregate table whose primary key is `key`: a row whose key
   * is stored adds its `sums` columns to the stored ones, a new key is inserted. Keys are distinct within
   * rows. Worth it for hundreds of rows (PostgreSQL: one COPY and one INSERT … ON CONFLICT per call).
   */
  addRows?(table: string, key: readonly string[], sums: readonly string[], rows: Param[][], tx: Tx): Promise<void>;
  close(): Promise<void>;
}

/** A promise-chain mutex: one holder at a time, in arrival order. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** Turn user text into a list of search words (letters and digits), keeping a trailing `*` as a prefix mark. */
export function searchTerms(q: string): { word: string; prefix: boolean }[] {
  const out: { word: string; prefix: boolean }[] = [];
  for (const m of q.matchAll(/([\p{L}\p{N}]+)(\*)?/gu)) out.push({ word: m[1]!, prefix: !!m[2] });
  return out.slice(0, 32);
}

/** A lat/lon box around a point that contains every point within km (null lon range = any longitude). */
export function nearBox(lat: number, lon: number, km: number): { s: number; n: number; w: number | null; e: number | null } {
  const dLat = km / 111.0;
  const s = Math.max(-90, lat - dLat);
  const n = Math.min(90, lat + dLat);
  const cos = Math.cos((Math.max(Math.abs(s), Math.abs(n)) * Math.PI) / 180);
  if (cos < 1e-6) return { s, n, w: null, e: null };
  const dLon = km / (111.0 * cos);
  if (dLon >= 180 || lon - dLon < -180 || lon + dLon > 180) return { s, n, w: null, e: null };
  return { s, n, w: lon - dLon, e: lon + dLon };
}

/**
 * Daily and monthly aggregates of events for stats (counts and fatalities by day, place, type and
 * review status; counts by actor pair), kept in the same transaction as every event write, so the
 * dashboard's common stats calls read thousands of rows instead of every event. Actor pairs are kept by
 * month only (overall, by event type, by country); the days at the ends of a range come from the events. `admin1`/`actor2` are ''
 * when absent; `day` is the event's sort date ('' when undated), `month` its first 7 characters.
 * Rows may fall to n = 0 (queries skip them). `tail` is appended to each CREATE TABLE (SQLite: WITHOUT ROWID).
 */
export function statsTablesSql(tail: string): string {
  const place = 'country TEXT NOT NULL, admin1 TEXT NOT NULL, event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL, review_status TEXT NOT NULL, n BIGINT NOT NULL, f BIGINT NOT NULL';
  const placeKey = 'country, admin1, event_type, sub_event_type, review_status';
  const actor = 'actor1 TEXT NOT NULL, actor2 TEXT NOT NULL, review_status TEXT NOT NULL, n BIGINT NOT NULL';
  return `
CREATE TABLE stats_day (day TEXT NOT NULL, ${place}, PRIMARY KEY (day, ${placeKey}))${tail};
CREATE INDEX stats_day_country ON stats_day (lower(country), day);
CREATE TABLE stats_month (month TEXT NOT NULL, ${place}, PRIMARY KEY (month, ${placeKey}))${tail};
CREATE TABLE stats_type_day (day TEXT NOT NULL, event_type TEXT NOT NULL, review_status TEXT NOT NULL, n BIGINT NOT NULL, f BIGINT NOT NULL,
  PRIMARY KEY (day, event_type, review_status))${tail};
CREATE TABLE stats_actor_month (month TEXT NOT NULL, ${actor}, PRIMARY KEY (month, actor1, actor2, review_status))${tail};
CREATE TABLE stats_actor_type_month (event_type TEXT NOT NULL, month TEXT NOT NULL, ${actor}, PRIMARY KEY (event_type, month, actor1, actor2, review_status))${tail};
CREATE TABLE stats_actor_country_month (country TEXT NOT NULL, month TEXT NOT NULL, ${actor}, PRIMARY KEY (country, month, actor1, actor2, review_status))${tail};
CREATE INDEX stats_actor_country_month_lc ON stats_actor_country_month (lower(country), month);
INSERT INTO stats_day SELECT sort_date, country, coalesce(admin1, ''), event_type, sub_event_type, review_status, count(*), sum(fatalities)
  FROM events GROUP BY sort_date, country, coalesce(admin1, ''), event_type, sub_event_type, review_status;
INSERT INTO stats_month SELECT substr(day, 1, 7), ${placeKey}, sum(n), sum(f) FROM stats_day GROUP BY substr(day, 1, 7), ${placeKey};
INSERT INTO stats_type_day SELECT day, event_type, review_status, sum(n), sum(f) FROM stats_day GROUP BY day, event_type, review_status;
INSERT INTO stats_actor_type_month SELECT event_type, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status, count(*)
  FROM events GROUP BY event_type, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status;
INSERT INTO stats_actor_country_month SELECT country, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status, count(*)
  FROM events GROUP BY country, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status;
INSERT INTO stats_actor_month SELECT month, actor1, actor2, review_status, sum(n) FROM stats_actor_type_month GROUP BY month, actor1, actor2, review_status;
`;
}

/** Actor pairs by month for one admin1 and for one sub-event type (migration 7; see statsTablesSql). */
export function actorPlaceStatsSql(tail: string): string {
  const actor = 'actor1 TEXT NOT NULL, actor2 TEXT NOT NULL, review_status TEXT NOT NULL, n BIGINT NOT NULL';
  return `
CREATE TABLE stats_actor_admin1_month (admin1 TEXT NOT NULL, month TEXT NOT NULL, ${actor}, PRIMARY KEY (admin1, month, actor1, actor2, review_status))${tail};
CREATE INDEX stats_actor_admin1_month_lc ON stats_actor_admin1_month (lower(admin1), month, actor1, actor2, review_status, n);
CREATE TABLE stats_actor_subtype_month (sub_event_type TEXT NOT NULL, month TEXT NOT NULL, ${actor}, PRIMARY KEY (sub_event_type, month, actor1, actor2, review_status))${tail};
INSERT INTO stats_actor_admin1_month SELECT coalesce(admin1, ''), substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status, count(*)
  FROM events GROUP BY coalesce(admin1, ''), substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status;
INSERT INTO stats_actor_subtype_month SELECT sub_event_type, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status, count(*)
  FROM events GROUP BY sub_event_type, substr(sort_date, 1, 7), actor1, coalesce(actor2, ''), review_status;
`;
}
