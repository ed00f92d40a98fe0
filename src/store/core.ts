/**
 * The store's behaviour, written once over the `Db` adapter (db.ts) and shared by the SQLite and
 * PostgreSQL implementations: ingest with merging, listing with every filter, stats, review, unmerge,
 * change notifications. A stored event is always recomputed from its contributions (one per report)
 * and its analyst edits, with the pure functions of src/merge.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  CodedEventSchema,
  SourceDocumentSchema,
  type CodedEvent,
  type EventFilter,
  type EventListQuery,
  type EventSource,
  type SourceDocument,
  type StatsResponse,
  type StoredEvent,
} from '../model/index.js';
import { applyEdits, combine, distanceKm, EDITABLE_FIELDS, findMatch, MAX_DAY_GAP, MAX_DISTANCE_KM, normaliseName, type MatchResult } from '../merge/index.js';
import type { AdaptiveFilter, Db, Frag, Param, Tx } from './db.js';
import type {
  EventChange,
  EventDetail,
  IngestResult,
  MergeRecord,
  ReviewAction,
  ReviewRecord,
  Store,
  StoredDocument,
  BulkInsertOptions,
  ExtractFn,
} from './types.js';

/** A caller's mistake (bad cursor, bad edit): the server answers 400 with this message. */
export class StoreInputError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

export const DEFAULT_NEAR_KM = 25;
const BY_ACTOR_LIMIT = 20;
const BY_ADMIN1_LIMIT = 200;

/** sha256 of the text with line endings and trailing spaces normalised: the document's identity. */
export function contentHash(text: string): string {
  const norm = text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim();
  return createHash('sha256').update(norm, 'utf8').digest('hex');
}

const addDaysMemo = new Map<string, string>();
function addDays(date: string, days: number): string {
  // memoised: ingest asks for the day before and after every event's date, and dates repeat
  const k = `${date}|${days}`;
  let out = addDaysMemo.get(k);
  if (out === undefined) {
    out = new Date(Date.parse(date + 'T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
    if (addDaysMemo.size >= 20_000) addDaysMemo.clear();
    addDaysMemo.set(k, out);
  }
  return out;
}

const EditFieldsSchema = CodedEventSchema.pick(
  Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, true])) as { [K in (typeof EDITABLE_FIELDS)[number]]: true },
)
  .partial()
  .strict();

/** Column values of the events table derived from a stored event. */
function eventColumns(e: StoredEvent) {
  return {
    sort_date: e.event_date ?? '',
    event_date: e.event_date,
    event_type: e.event_type,
    sub_event_type: e.sub_event_type,
    actor1: e.actor1,
    actor2: e.actor2,
    country: e.country,
    admin1: e.admin1,
    location: e.location,
    latitude: e.latitude,
    longitude: e.longitude,
    fatalities: e.fatalities,
    notes: e.notes,
    review_status: e.review_status,
  };
}
const EVENT_COLUMNS = Object.keys(eventColumns({} as StoredEvent));
const INSERT_EVENT_SQL = `INSERT INTO events (id, ${EVENT_COLUMNS.join(', ')}, edits, created_at, updated_at)
  VALUES (?, ${EVENT_COLUMNS.map(() => '?').join(', ')}, '{}', ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`;

/**
 * The stored events a coded event may merge into, on plain columns (findStoredMatch): same country, date
 * within MAX_DAY_GAP. Parameters: the first and last day, the country. Follows a SELECT (and a leading
 * column). CANDIDATE_SELECT_OTHER also leaves out those with a contribution of the coded event's document
 * (one more parameter: the document id).
 */
const CANDIDATE_SELECT = `e.seq, e.latitude, e.longitude, e.location FROM events e
  WHERE e.sort_date >= ? AND e.sort_date <= ? AND lower(e.country) = lower(CAST(? AS TEXT))`;
const CANDIDATE_SELECT_OTHER = `${CANDIDATE_SELECT}
    AND NOT EXISTS (SELECT 1 FROM contributions c WHERE c.event_seq = e.seq AND c.document_id = ?)`;
type CandidateRow = { seq: number | string; latitude: number | null; longitude: number | null; location: string | null };

/** INSERT of `n` event_actors rows (texts kept: the same few counts come again and again). */
const eventActorsSqls: string[] = [];
function eventActorsSql(n: number): string {
  let sql = eventActorsSqls[n];
  if (sql === undefined) {
    sql = `INSERT INTO event_actors (actor_id, event_seq) VALUES ${Array(n).fill('(?, ?)').join(', ')} ON CONFLICT DO NOTHING`;
    if (n <= 64) eventActorsSqls[n] = sql;
  }
  return sql;
}

/** Rows addEvents writes later (see there): contributions (event_seq, document_id, coded), event_data (seq, data), event_actors (actor_id, event_seq). */
type PendingWrites = { contributions: Param[][]; data: Param[][]; actors: Param[][] };

/** Rows per multi-row INSERT of insertRows (its statement texts are kept: one per row count up to this). */
const INSERT_ROWS_MAX = 32;
const insertRowsSqls = new Map<string, string>();

/** INSERT `rows` (each one `tuple`'s parameters) with `head` VALUES … `tail`, in statements of up to INSERT_ROWS_MAX rows, in order. */
async function insertRows(tx: Tx, head: string, tuple: string, tail: string, rows: Param[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS_MAX) {
    const chunk = rows.slice(i, i + INSERT_ROWS_MAX);
    const k = `${head}\u0000${tuple}\u0000${tail}\u0000${chunk.length}`;
    let sql = insertRowsSqls.get(k);
    if (sql === undefined) {
      sql = `${head} ${Array(chunk.length).fill(tuple).join(', ')}${tail}`;
      insertRowsSqls.set(k, sql);
    }
    await tx.run(sql, chunk.flat());
  }
}

/** recompute's read of an event: what it keeps, its JSON as last written, and its columns (see writeEvent). */
const RECOMPUTE_ROW_SQL = `SELECT e.id, e.edits, e.created_at, d.data AS old, ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')}
  FROM events e LEFT JOIN event_data d ON d.seq = e.seq WHERE e.seq = ?`;

/** UPDATE of the event columns in `mask` (bit i: EVENT_COLUMNS[i]) and updated_at (texts kept by mask). */
const updateEventSqls = new Map<number, string>();
function updateEventSql(mask: number): string {
  let sql = updateEventSqls.get(mask);
  if (sql === undefined) {
    const sets = EVENT_COLUMNS.filter((_, i) => mask & (1 << i)).map((c) => `${c} = ?`);
    sql = `UPDATE events SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE seq = ?`;
    if (updateEventSqls.size < 1000) updateEventSqls.set(mask, sql);
  }
  return sql;
}

function actorNames(e: CodedEvent): string[] {
  const names = [e.actor1, e.actor2, ...(e.assoc_actor_1 ?? '').split(';'), ...(e.assoc_actor_2 ?? '').split(';')];
  return [...new Set(names.map((n) => (n ?? '').trim().toLowerCase()).filter((n) => n.length > 0))];
}

// ---------------------------------------------------------------------------------------------- stats aggregates

const PLACE_KEY = ['country', 'admin1', 'event_type', 'sub_event_type', 'review_status'] as const;
const STATS_TABLES = {
  stats_day: { key: ['day', ...PLACE_KEY], f: true },
  stats_month: { key: ['month', ...PLACE_KEY], f: true },
  stats_type_day: { key: ['day', 'event_type', 'review_status'], f: true },
  stats_actor_month: { key: ['month', 'actor1', 'actor2', 'review_status'], f: false },
  stats_actor_type_month: { key: ['event_type', 'month', 'actor1', 'actor2', 'review_status'], f: false },
  stats_actor_country_month: { key: ['country', 'month', 'actor1', 'actor2', 'review_status'], f: false },
  stats_actor_admin1_month: { key: ['admin1', 'month', 'actor1', 'actor2', 'review_status'], f: false },
  stats_actor_subtype_month: { key: ['sub_event_type', 'month', 'actor1', 'actor2', 'review_status'], f: false },
} as const;
type StatsTable = keyof typeof STATS_TABLES;

type StatsDeltas = Map<string, { table: StatsTable; key: string[]; n: number; f: number }>;
const STATS_DEFS = Object.entries(STATS_TABLES) as [StatsTable, (typeof STATS_TABLES)[StatsTable]][];

/** The multi-row upsert of `rows` rows into an aggregate table (texts kept: the same few are used again and again). */
const upsertSql = new Map<string, string>();
function statsUpsertSql(table: StatsTable, rows: number): string {
  const k = `${table} ${rows}`;
  let sql = upsertSql.get(k);
  if (sql === undefined) {
    const def = STATS_TABLES[table];
    const cols = [...def.key, 'n', ...(def.f ? ['f'] : [])];
    const sets = def.f ? `n = ${table}.n + excluded.n, f = ${table}.f + excluded.f` : `n = ${table}.n + excluded.n`;
    const one = `(${cols.map(() => '?').join(', ')})`;
    sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array(rows).fill(one).join(', ')} ON CONFLICT (${def.key.join(', ')}) DO UPDATE SET ${sets}`;
    if (upsertSql.size < 2000) upsertSql.set(k, sql);
  }
  return sql;
}

/** Add (sign 1) or remove (sign -1) events to a transaction's pending changes of the stats aggregates. */
function addStats(deltas: StatsDeltas, changes: readonly (readonly [StoredEvent, 1 | -1])[]): void {
  for (const [e, sign] of changes) {
    const day = e.event_date ?? '';
    const v: Record<string, string> = {
      day, month: day.slice(0, 7), country: e.country, admin1: e.admin1 ?? '', event_type: e.event_type,
      sub_event_type: e.sub_event_type, review_status: e.review_status, actor1: e.actor1, actor2: e.actor2 ?? '',
    };
    for (const [table, def] of STATS_DEFS) {
      // the id is `${table}\0${key.join('\0')}` (join: a missing value is ''), built without an intermediate array
      const cols = def.key;
      let id: string = table;
      for (let i = 0; i < cols.length; i++) id += '\u0000' + (v[cols[i]!] ?? '');
      let d = deltas.get(id);
      if (!d) deltas.set(id, (d = { table, key: cols.map((k) => v[k]!), n: 0, f: 0 }));
      d.n += sign;
      d.f += sign * (e.fatalities ?? 0);
    }
  }
}

/** Changes of one aggregate table from which flushStats hands them to Db.addRows (a bulk load) when the store has it. */
const ADD_ROWS_MIN = 500;

/**
 * Write a transaction's pending aggregate changes: per table, Db.addRows for ADD_ROWS_MIN changes or
 * more when the store has it (PostgreSQL), else multi-row upserts of at most 200 rows each. On SQLite
 * (statements prepared once and cached by text) only 200 rows or a power of two per statement, so a few
 * statement texts serve every batch size.
 */
async function flushStats(db: Db, tx: Tx, deltas: StatsDeltas): Promise<void> {
  const fixedSizes = db.kind === 'sqlite';
  const byTable = new Map<StatsTable, { key: string[]; n: number; f: number }[]>();
  for (const d of deltas.values()) {
    if (d.n === 0 && d.f === 0) continue; // e.g. an update that changed none of the aggregated columns
    (byTable.get(d.table) ?? byTable.set(d.table, []).get(d.table)!).push(d);
  }
  deltas.clear();
  for (const [table, rows] of byTable) {
    const withF = STATS_TABLES[table].f;
    if (db.addRows && rows.length >= ADD_ROWS_MIN) {
      await db.addRows(table, STATS_TABLES[table].key, withF ? ['n', 'f'] : ['n'], rows.map((d) => (withF ? [...d.key, d.n, d.f] : [...d.key, d.n])), tx);
      continue;
    }
    for (let i = 0; i < rows.length;) {
      const left = rows.length - i;
      const size = left >= 200 || !fixedSizes ? Math.min(200, left) : 2 ** Math.floor(Math.log2(left));
      const params: Param[] = [];
      for (let j = i; j < i + size; j++) {
        const d = rows[j]!;
        params.push(...d.key, d.n);
        if (withF) params.push(d.f);
      }
      i += size;
      await tx.run(statsUpsertSql(table, size), params);
    }
  }
}

/** Filters the stats aggregates can answer (every other filter reads the events themselves). */
const AGG_PLACE_FILTERS = ['from', 'to', 'country', 'admin1', 'event_type', 'sub_event_type', 'review_status'] as const;

/** WHERE over an aggregate table `a` whose date column is `col` ('day': YYYY-MM-DD, 'month': YYYY-MM). */
function aggWhere(f: EventFilter, col: 'day' | 'month', range: { lo?: string; hi?: string } = { lo: f.from, hi: f.to }): Frag {
  const conds: string[] = [];
  const params: Param[] = [];
  if (range.lo) {
    conds.push(`a.${col} >= ?`);
    params.push(range.lo);
  }
  if (range.hi) {
    conds.push(`a.${col} >= '0' AND a.${col} <= ?`);
    params.push(range.hi);
  }
  if (f.country) {
    conds.push('lower(a.country) = lower(CAST(? AS TEXT))');
    params.push(f.country);
  }
  if (f.admin1) {
    conds.push('lower(a.admin1) = lower(CAST(? AS TEXT))');
    params.push(f.admin1);
  }
  if (f.event_type) {
    conds.push('a.event_type = ?');
    params.push(f.event_type);
  }
  if (f.sub_event_type) {
    conds.push('a.sub_event_type = ?');
    params.push(f.sub_event_type);
  }
  if (f.review_status) {
    conds.push('a.review_status = ?');
    params.push(f.review_status);
  } else conds.push("a.review_status <> 'rejected'");
  return { sql: conds.join(' AND '), params };
}

function monthOf(day: string, delta: number): string {
  const d = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The months wholly inside [from, to] (null: none; an open end stays open) and the day ranges of the
 * partial months at either end.
 */
function wholeMonths(f: EventFilter): { months: { lo?: string; hi?: string } | null; edges: { from: string; to: string }[] } {
  // from the month of `from` (or the next one when `from` is not the 1st) to the month of `to` (or the
  // one before when `to` is not its month's last day)
  const lo = f.from ? (f.from.endsWith('-01') ? f.from.slice(0, 7) : monthOf(f.from, 1)) : undefined;
  const hi = f.to ? (addDays(f.to, 1).endsWith('-01') ? f.to.slice(0, 7) : monthOf(f.to, -1)) : undefined;
  if (lo && hi && lo > hi) return { months: null, edges: [{ from: f.from!, to: f.to! }] };
  const edges: { from: string; to: string }[] = [];
  if (f.from && lo && f.from < `${lo}-01`) edges.push({ from: f.from, to: addDays(`${lo}-01`, -1) });
  if (f.to && hi && f.to > `${hi}-31`.slice(0, 10)) edges.push({ from: addDays(`${monthOf(`${hi}-01`, 1)}-01`, 0), to: f.to });
  return { months: { lo, hi }, edges };
}

/**
 * Rows of the monthly aggregate for the months wholly inside [from, to], plus rows of the daily
 * aggregate for the days of the partial months at either end, as one UNION ALL selecting `cols` (alias a).
 */
function monthsAndEdges(f: EventFilter, cols: string, monthly: string, daily: string): Frag {
  const r = wholeMonths(f);
  const parts: string[] = [];
  const params: Param[] = [];
  if (r.months) {
    const m = aggWhere(f, 'month', r.months);
    parts.push(`SELECT ${cols} FROM ${monthly} a WHERE ${m.sql}`);
    params.push(...m.params);
  }
  for (const edge of r.edges) {
    const d = aggWhere(f, 'day', { lo: edge.from, hi: edge.to });
    parts.push(`SELECT ${cols} FROM ${daily} a WHERE ${d.sql}`);
    params.push(...d.params);
  }
  return { sql: parts.join(' UNION ALL '), params };
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** Build the WHERE clause for a filter (events alias `e`). Rejected events are hidden unless asked for. */
/** Above this many index hits, a paged query walks the sort index and checks the condition per row instead. */
export const PROBE_LIMIT = 10_000;
/** bulkInsert rebuilds the indexes by default when its first batch has this many events and outnumbers the stored ones. */
export const BULK_REBUILD_MIN = 1_000;
/** Fields a stored event adds to its coded event, in this order (bulkInsert builds its JSON from the coded event's). */
const STORED_EXTRA = ['sources', 'review_status', 'created_at', 'updated_at'] as const;
/** Full text (PostgreSQL): up to this many events matched through their documents are listed by seq. */
const TEXT_SEQ_LIMIT = 20_000;

async function probeCount(db: Db, probe: Frag & { kind?: 'count' | 'estimate' }, limit: number): Promise<number> {
  if (probe.kind === 'estimate') {
    const [r] = await db.all<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) ${probe.sql}`, probe.params);
    return Number(r?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0);
  }
  const [r] = await db.all<{ n: unknown }>(`SELECT count(*) AS n FROM (${probe.sql} LIMIT ${Math.max(1, Math.floor(limit))}) p`, probe.params);
  return Number(r?.n ?? 0);
}

/** Pick the form of a selective condition: index-first when it matches few rows, or always for 'all' (stats). */
async function choose(db: Db, f: AdaptiveFilter, mode: 'page' | 'all', limit: number): Promise<Frag> {
  if (mode === 'all' || !f.probe) return f.indexed;
  if (limit <= 0) return f.scan;
  return (await probeCount(db, f.probe, limit)) < limit ? f.indexed : f.scan;
}

/**
 * Build the WHERE clause for a filter (events alias `e`). Rejected events are hidden unless asked for.
 * `mode: 'page'` (listEvents: ORDER BY … LIMIT) probes selective conditions (actor, bbox, near) and,
 * when they match many rows, checks them row by row while walking the sort index; 'all' (stats) always
 * starts from their index.
 */
export async function buildWhere(db: Db, f: EventFilter, mode: 'page' | 'all' = 'page', probeLimit = PROBE_LIMIT): Promise<{ sql: string; params: Param[] }> {
  const conds: string[] = [];
  const params: Param[] = [];
  const add = (sql: string, ...p: Param[]) => {
    conds.push(sql);
    params.push(...p);
  };
  if (f.from) add('e.sort_date >= ?', f.from);
  if (f.to) add("e.sort_date >= '0' AND e.sort_date <= ?", f.to);
  if (f.country) add('lower(e.country) = lower(CAST(? AS TEXT))', f.country);
  if (f.admin1) add('lower(e.admin1) = lower(CAST(? AS TEXT))', f.admin1);
  if (f.event_type) add('e.event_type = ?', f.event_type);
  if (f.sub_event_type) add('e.sub_event_type = ?', f.sub_event_type);
  if (f.min_fatalities != null) add('e.fatalities >= ?', f.min_fatalities);
  add(f.review_status ? 'e.review_status = ?' : "e.review_status <> 'rejected'", ...(f.review_status ? [f.review_status] : []));
  if (f.actor) {
    const ids = (await db.all<{ id: unknown }>("SELECT id FROM actors WHERE name_lc LIKE ? ESCAPE '\\' LIMIT 1001", [
      `%${likeEscape(f.actor.trim().toLowerCase())}%`,
    ])).map((r) => Number(r.id));
    if (!ids.length) add('1 = 0');
    else {
      const list = ids.map(() => '?').join(', ');
      const frag = await choose(db, {
        indexed: { sql: `e.seq IN (SELECT ea.event_seq FROM event_actors ea WHERE ea.actor_id IN (${list}))`, params: ids },
        scan: { sql: `EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_seq = e.seq AND ea.actor_id IN (${list}))`, params: ids },
        probe: { sql: `SELECT 1 FROM event_actors ea WHERE ea.actor_id IN (${list})`, params: ids },
      }, mode, probeLimit);
      add(frag.sql, ...frag.params);
    }
  }
  if (f.q) {
    const parts = db.dialect.textParts?.(f.q);
    let m: Frag | null = null;
    if (parts && db.dialect.seqIn) {
      // events matched through their documents first: when they are few, notes OR a list of seqs
      const limit = TEXT_SEQ_LIMIT;
      const seqs = (await db.all<{ seq: unknown }>(`${parts.documentEvents.sql} LIMIT ${limit + 1}`, parts.documentEvents.params)).map((r) => Number(r.seq));
      if (seqs.length <= limit) {
        const notes = await choose(db, parts.notes, mode, probeLimit);
        if (seqs.length === 0) m = notes;
        else {
          const list = db.dialect.seqIn(seqs);
          m = { sql: `(${notes.sql} OR ${list.sql})`, params: [...notes.params, ...list.params] };
        }
      }
    }
    m ??= db.dialect.textMatch(f.q);
    if (!m) add('1 = 0');
    else add(m.sql, ...m.params);
  }
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    const b = await choose(db, db.dialect.bbox(w, s, e, n), mode, probeLimit);
    add(b.sql, ...b.params);
  }
  if (f.near) {
    const [lat, lon] = f.near;
    const b = await choose(db, db.dialect.near(lat, lon, f.km ?? DEFAULT_NEAR_KM), mode, probeLimit);
    add(b.sql, ...b.params);
  }
  return { sql: conds.join(' AND '), params };
}

const SORTS = {
  date_desc: { cols: ['e.sort_date', 'e.seq'], dir: 'DESC', op: '<' },
  date_asc: { cols: ['e.sort_date', 'e.seq'], dir: 'ASC', op: '>' },
  fatalities_desc: { cols: ['e.fatalities', 'e.seq'], dir: 'DESC', op: '<' },
} as const;

function encodeCursor(sort: string, key: string | number, seq: number): string {
  return Buffer.from(JSON.stringify([sort, key, seq]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sort: string): [string | number, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) && v.length === 3 && v[0] === sort &&
      (typeof v[1] === 'string' || typeof v[1] === 'number') && Number.isInteger(v[2])
    ) {
      return [v[1], v[2]];
    }
  } catch {
    // fall through
  }
  throw new StoreInputError('cursor is not valid for this query (use the next_cursor of the previous page with the same sort)');
}

/** A valid source document, or a StoreInputError saying what is wrong with it. */
function parseDocument(input: SourceDocument): SourceDocument {
  const parsed = SourceDocumentSchema.safeParse(input);
  if (!parsed.success) {
    throw new StoreInputError(`invalid document: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Run the extractor on a stored document and check what it returned; every event gets the stored id. */
async function extractEvents(extract: ExtractFn, doc: SourceDocument, storedId: string): Promise<CodedEvent[]> {
  return (await extract({ ...doc, id: storedId })).map((e, i) => {
    const r = CodedEventSchema.safeParse(e);
    if (!r.success) throw new Error(`extractor returned an invalid event #${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    // (a lone spread, then the field: V8 copies a lone spread by shape, a literal with fields after it slowly)
    const ev = { ...r.data };
    ev.document_id = storedId;
    return ev;
  });
}

export class CoreStore implements Store {
  private readonly emitter = new EventEmitter();
  private closed = false;
  /** Identifies this store's own notifications in the cross-process change feed. */
  private readonly origin = randomUUID();
  private unlisten: Promise<(() => Promise<void>) | null> | null = null;
  private remoteQueue: Promise<void> = Promise.resolve();
  /** Committed writes by this store; with the database's data version it keys the stats cache. */
  private writes = 0;
  /** How many stats results are kept (SQLite). A tuning knob; 0 disables the cache (benchmarks). */
  statsCacheSize = 64;
  private readonly statsCache = new Map<string, { version: string; result: StatsResponse }>();
  /**
   * Paged queries start from the actor/space index when it matches fewer rows than this, else they walk
   * the sort index and check those conditions row by row. A tuning knob; 0 forces the row-by-row plans.
   */
  probeLimit = PROBE_LIMIT;
  /**
   * actor name (lower case) → actors.id, filled as names are written (see indexActors). Cleared when a
   * write transaction fails, before its rollback releases the write lock, so no id of a rolled-back
   * insert outlives it.
   */
  private readonly actorIds = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.emitter.setMaxListeners(0);
  }

  /** Pending stats aggregate changes of each running write transaction (see write). */
  private readonly statsDeltas = new WeakMap<Tx, StatsDeltas>();

  /** Record events added to (1) or removed from (-1) the stats aggregates; written before the transaction commits. */
  private aggregate(tx: Tx, changes: readonly (readonly [StoredEvent, 1 | -1])[]): void {
    const d = this.statsDeltas.get(tx);
    if (!d) throw new Error('stats aggregates changed outside a write transaction');
    addStats(d, changes);
  }

  /**
   * A write transaction; the stats aggregates' changes are written at its end; on failure the in-memory
   * actor ids are forgotten (before the rollback).
   */
  private async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(async (tx) => {
        const deltas: StatsDeltas = new Map();
        this.statsDeltas.set(tx, deltas);
        try {
          const out = await fn(tx);
          await flushStats(this.db, tx, deltas);
          return out;
        } catch (err) {
          this.actorIds.clear();
          throw err;
        } finally {
          this.statsDeltas.delete(tx);
        }
      });
    } catch (err) {
      this.actorIds.clear();
      throw err;
    }
  }

  get kind() {
    return this.db.kind;
  }

  // -------------------------------------------------------------------------------------------- ingest

  async ingest(input: SourceDocument, extract: ExtractFn): Promise<IngestResult> {
    const doc = parseDocument(input);
    // 1. Store the document before extraction (committed on its own), or find it by content.
    const stored = await this.storeDocument(this.db, doc, contentHash(doc.text));
    if (stored.status === 'done') return { document_id: stored.id, duplicate: true, events: [] };
    // 2. Extract outside any transaction.
    const coded = await extractEvents(extract, doc, stored.id);
    // 3. All of the document's events in one transaction.
    const changes: EventChange[] = [];
    const result = await this.write(async (tx) => {
      const events = await this.addEvents(tx, stored.id, coded, changes);
      await this.announce(tx, changes);
      return events;
    });
    if (result === null) return { document_id: stored.id, duplicate: true, events: [] };
    this.emit(changes);
    return { document_id: stored.id, duplicate: false, events: result };
  }

  /**
   * `ingest` for several documents, with its guarantees (each document stored before its extraction,
   * each document's events written all or none, identical content stored once; the same events, merges
   * and logs as ingesting them one by one in this order) in two transactions instead of two per
   * document: all the documents are stored in one, extracted, then all their events written in another.
   * One result per input, in order: its IngestResult, or the Error `ingest` would have thrown for it.
   * When a batch transaction fails, its documents are ingested one by one instead (so one bad document
   * fails alone).
   */
  async ingestMany(inputs: readonly SourceDocument[], extract: ExtractFn): Promise<(IngestResult | Error)[]> {
    const out: (IngestResult | Error | undefined)[] = new Array(inputs.length).fill(undefined);
    const docs: { i: number; doc: SourceDocument; hash: string }[] = [];
    inputs.forEach((input, i) => {
      try {
        const doc = parseDocument(input);
        docs.push({ i, doc, hash: contentHash(doc.text) });
      } catch (err) {
        out[i] = err as Error;
      }
    });
    const oneByOne = async () => {
      for (let i = 0; i < inputs.length; i++) {
        if (out[i] !== undefined) continue;
        try {
          out[i] = await this.ingest(inputs[i]!, extract);
        } catch (err) {
          out[i] = err as Error;
        }
      }
      return out as (IngestResult | Error)[];
    };
    if (!docs.length) return out as (IngestResult | Error)[];
    // 1. Store the documents before extraction (one transaction), or find them by content.
    let stored: { id: string; status: string }[];
    try {
      stored = await this.db.transaction(async (tx) => {
        const r: { id: string; status: string }[] = [];
        for (const d of docs) r.push(await this.storeDocument(tx, d.doc, d.hash));
        return r;
      });
    } catch {
      return oneByOne();
    }
    // 2. Extract outside any transaction (all of the batch at once: an asynchronous extractor runs them in
    // parallel); a content seen earlier in the batch is a duplicate once that earlier document's events
    // are extracted (as it would be once they were written, one by one), or fails as it did.
    const first = new Map<string, number>(); // stored id → index in `pending` of its first extraction
    const pending: { i: number; id: string; coded: Promise<CodedEvent[]> }[] = [];
    const copies: { i: number; id: string; of: number }[] = [];
    docs.forEach((d, k) => {
      const s = stored[k]!;
      if (s.status === 'done') {
        out[d.i] = { document_id: s.id, duplicate: true, events: [] };
        return;
      }
      const of = first.get(s.id);
      if (of !== undefined) {
        copies.push({ i: d.i, id: s.id, of });
        return;
      }
      first.set(s.id, pending.length);
      pending.push({ i: d.i, id: s.id, coded: extractEvents(extract, d.doc, s.id) });
    });
    const settled = await Promise.allSettled(pending.map((p) => p.coded));
    const work: { i: number; id: string; coded: CodedEvent[] }[] = [];
    settled.forEach((r, k) => {
      if (r.status === 'fulfilled') work.push({ i: pending[k]!.i, id: pending[k]!.id, coded: r.value });
      else out[pending[k]!.i] = r.reason as Error;
    });
    for (const c of copies) {
      const r = settled[c.of]!;
      out[c.i] = r.status === 'fulfilled' ? { document_id: c.id, duplicate: true, events: [] } : (r.reason as Error);
    }
    if (!work.length) return out as (IngestResult | Error)[];
    // 3. All the documents' events in one transaction, document after document.
    const changes: EventChange[] = [];
    let results: (StoredEvent[] | null)[];
    try {
      results = await this.write(async (tx) => {
        const r: (StoredEvent[] | null)[] = [];
        for (const w of work) r.push(await this.addEvents(tx, w.id, w.coded, changes));
        await this.announce(tx, changes);
        return r;
      });
    } catch {
      return oneByOne();
    }
    this.emit(changes);
    work.forEach((w, k) => {
      const r = results[k]!;
      out[w.i] = r === null ? { document_id: w.id, duplicate: true, events: [] } : { document_id: w.id, duplicate: false, events: r };
    });
    return out as (IngestResult | Error)[];
  }

  /** Store a document as pending under its id (or a derived id when the id is taken by another text), or find it by content. */
  private async storeDocument(q: Tx, doc: SourceDocument, hash: string): Promise<{ id: string; status: string }> {
    const byHash = async () => (await q.all<{ id: string; status: string }>('SELECT id, status FROM documents WHERE content_hash = ?', [hash]))[0];
    const insertAs = async (id: string) =>
      (await q.all<{ id: string }>(
        `INSERT INTO documents (id, content_hash, text, title, url, source, published, status, ingested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING RETURNING id`,
        [id, hash, doc.text, doc.title ?? null, doc.url ?? null, doc.source ?? null, doc.published ?? null, new Date().toISOString()],
      )).length > 0;
    let stored = await byHash();
    if (!stored) {
      // a different text under an already used id is kept under a derived id
      for (const id of [doc.id!, `${doc.id}~${hash.slice(0, 12)}`]) {
        if (await insertAs(id)) {
          stored = { id, status: 'pending' };
          break;
        }
        stored = await byHash(); // another writer stored the same content meanwhile
        if (stored) break;
      }
      if (!stored) throw new Error(`could not store document ${doc.id}: its id and derived id are both taken`);
    }
    return stored;
  }

  /**
   * Write one document's coded events (merging each into a stored event or creating it) and mark the
   * document done; null when another writer finished it meanwhile. Appends its changes to `changes`.
   */
  private async addEvents(tx: Tx, documentId: string, coded: CodedEvent[], changes: EventChange[]): Promise<StoredEvent[] | null> {
    const [docRow] = await tx.all<{ status: string; source: string | null; url: string | null; title: string | null; published: string | null }>(
      'SELECT status, source, url, title, published FROM documents WHERE id = ?',
      [documentId],
    );
    if (docRow?.status === 'done') return null; // another writer finished it meanwhile
    // in arrival order: an event created here, or a stored event this document merges into
    const touched = new Map<number, { kind: 'created'; event: StoredEvent } | { kind: 'updated' }>();
    const now = new Date().toISOString();
    const near = await this.candidateRows(tx, documentId, coded);
    const merged = new Set<number>(); // stored events this document merged into: no longer candidates
    // the contributions, JSON and actor links of the events created here, written later in multi-row
    // INSERTs (contributions before the next merge's, so every contribution keeps its seq): nothing reads
    // them before (later events of this document never consider its own events, see candidateRows); only
    // with candidateRows' rows, as the per-event queries could see them
    const pending: PendingWrites | undefined = near ? { contributions: [], data: [], actors: [] } : undefined;
    const flushContributions = async () => {
      if (!pending?.contributions.length) return;
      await insertRows(tx, 'INSERT INTO contributions (event_seq, document_id, coded) VALUES', '(?, ?, ?)', '', pending.contributions);
      pending.contributions = [];
    };
    for (let i = 0; i < coded.length; i++) {
      const ev = coded[i]!;
      const match = await this.findStoredMatch(tx, ev, near?.[i]?.filter((r) => !merged.has(Number(r.seq))));
      if (match) {
        merged.add(match.seq);
        await flushContributions();
        const cseq = await this.insertContribution(tx, match.seq, ev);
        await tx.run('INSERT INTO merge_log (event_id, document_id, contribution_seq, score, reason, at) VALUES (?, ?, ?, ?, ?, ?)', [
          match.id, documentId, cseq, match.result.score, match.result.reason, now,
        ]);
        if (!touched.has(match.seq)) touched.set(match.seq, { kind: 'updated' });
      } else {
        // a new event has this one report until this document's events are written (later events of
        // the same document never merge into it), so its full row is written once, here
        const created = await this.createEvent(tx, ev, docRow ?? null, pending);
        touched.set(created.seq, { kind: 'created', event: created.event });
      }
    }
    if (pending) {
      await flushContributions();
      await insertRows(tx, 'INSERT INTO event_data (seq, data) VALUES', '(?, ?)', '', pending.data);
      await insertRows(tx, 'INSERT INTO event_actors (actor_id, event_seq) VALUES', '(?, ?)', ' ON CONFLICT DO NOTHING', pending.actors);
    }
    const events: StoredEvent[] = [];
    for (const [seq, t] of touched) {
      const e = t.kind === 'created' ? t.event : await this.recompute(tx, seq);
      events.push(e);
      changes.push({ kind: t.kind, event: e });
    }
    await tx.run("UPDATE documents SET status = 'done' WHERE id = ?", [documentId]);
    return events;
  }

  /**
   * For each of a document's coded events, the rows findStoredMatch would select for it before any of
   * them is written: one query for the whole document (a UNION ALL of the per-event selects, 16 at most
   * per statement) instead of one per event, and the events the document already contributes to (one
   * query by document; normally none) left out here rather than by a subquery per candidate row (a
   * contribution lookup for each of hundreds of same-country rows in a large store). While its events are
   * written, the only rows that stop qualifying are the stored events it merges into (they gain a
   * contribution of this document, which addEvents excludes), and the events it creates never qualify for
   * its later events, so these rows less the merged ones are what each per-event query would have
   * returned. Null when some event names another document (then each event is queried on its own).
   */
  private async candidateRows(tx: Tx, documentId: string, coded: CodedEvent[]): Promise<(CandidateRow[] | null)[] | null> {
    if (coded.some((ev) => ev.document_id !== documentId)) return null;
    const out: (CandidateRow[] | null)[] = coded.map(() => null);
    const dated = coded.flatMap((ev, i) => (ev.event_date ? [i] : []));
    if (!dated.length) return out;
    const own = new Set((await tx.all<{ s: number | string }>('SELECT event_seq AS s FROM contributions WHERE document_id = ?', [documentId])).map((r) => Number(r.s)));
    for (let c = 0; c < dated.length; c += 16) {
      const chunk = dated.slice(c, c + 16);
      const params: Param[] = [];
      const sql = chunk.map((i, k) => {
        const ev = coded[i]!;
        out[i] = [];
        params.push(addDays(ev.event_date!, -MAX_DAY_GAP), addDays(ev.event_date!, MAX_DAY_GAP), ev.country);
        return `SELECT ${k} AS k, ${CANDIDATE_SELECT}`;
      }).join(' UNION ALL ');
      for (const r of await tx.all<CandidateRow & { k: number | string }>(sql, params)) {
        if (!own.size || !own.has(Number(r.seq))) out[chunk[Number(r.k)]!]!.push(r);
      }
    }
    return out;
  }

  /**
   * The stored event `ev` merges into, if any. Candidates are narrowed on plain columns first (same
   * country, date ±1 day, and a point within merge distance or the same place name, the only ways
   * `matchEvents` can accept one); only those survivors' JSON is loaded and scored. `rows`: the
   * candidates' rows when already selected (see candidateRows).
   */
  private async findStoredMatch(tx: Tx, ev: CodedEvent, rows?: CandidateRow[]): Promise<{ seq: number; id: string; result: MatchResult } | null> {
    if (!ev.event_date) return null;
    rows ??= await tx.all<CandidateRow>(
      `SELECT ${CANDIDATE_SELECT_OTHER}`,
      [addDays(ev.event_date, -MAX_DAY_GAP), addDays(ev.event_date, MAX_DAY_GAP), ev.country, ev.document_id],
    );
    if (!rows.length) return null;
    const name = normaliseName(ev.location);
    const hasPoint = ev.latitude != null && ev.longitude != null;
    const seqs = rows
      .filter((r) =>
        (hasPoint && r.latitude != null && r.longitude != null && distanceKm(Number(r.latitude), Number(r.longitude), ev.latitude!, ev.longitude!) <= MAX_DISTANCE_KM) ||
        (name !== '' && normaliseName(r.location) === name))
      .map((r) => Number(r.seq))
      .sort((a, b) => a - b);
    if (!seqs.length) return null;
    const candidates: StoredEvent[] = [];
    // each candidate's seq beside it (not a copy with one more field: `{ ...parsed, _seq }` is built field by field)
    const seqOf = new Map<StoredEvent, number>();
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      const got = await tx.all<{ seq: number | string; data: string }>(`SELECT seq, data FROM event_data WHERE seq IN (${chunk.map(() => '?').join(', ')})`, chunk);
      const bySeq = new Map(got.map((g) => [Number(g.seq), g.data]));
      for (const q of chunk) {
        const data = bySeq.get(q);
        if (data) {
          const c = JSON.parse(data) as StoredEvent;
          candidates.push(c);
          seqOf.set(c, q);
        }
      }
    }
    const best = findMatch(candidates, ev);
    return best ? { seq: seqOf.get(best.event)!, id: best.event.event_id_cnty, result: best.result } : null;
  }

  private async insertContribution(tx: Tx, eventSeq: number, ev: CodedEvent): Promise<number> {
    const rows = await tx.all<{ seq: number | string }>(
      'INSERT INTO contributions (event_seq, document_id, coded) VALUES (?, ?, ?) RETURNING seq',
      [eventSeq, ev.document_id, JSON.stringify(ev)],
    );
    return Number(rows[0]!.seq);
  }

  /**
   * A new event for one coded event, its only report so far: the full row (under the extractor's id, made
   * unique), its contribution, JSON and actor index, written once. Equal to what `recompute` would write.
   */
  private async createEvent(
    tx: Tx,
    ev: CodedEvent,
    doc: { source: string | null; url: string | null; title: string | null; published: string | null } | null,
    pending?: PendingWrites,
  ): Promise<{ seq: number; event: StoredEvent }> {
    const now = new Date().toISOString();
    // combine() of one report is a copy of that report; `ev` is this store's own parsed copy (nothing
    // else keeps or changes it), so it is used without a deep copy
    // (a copy by a lone spread, then the added fields: V8 copies `{ ...ev }` by its shape, while a literal
    // with more fields after the spread is built field by field, ~10 times slower; same fields, same order)
    const event = { ...ev } as StoredEvent;
    event.event_id_cnty = '';
    event.sources = [{
      document_id: ev.document_id,
      source: doc?.source ?? ev.source ?? 'unknown',
      url: doc?.url ?? null,
      title: doc?.title ?? null,
      published: doc?.published ?? null,
    }];
    event.review_status = 'unreviewed';
    event.created_at = now;
    event.updated_at = now;
    const cols = Object.values(eventColumns(event)) as Param[];
    const base = ev.event_id_cnty.trim() || 'EVT';
    let seq = 0;
    for (let n = 1; !seq; n++) {
      const id = n === 1 ? base : `${base}-${n}`;
      const rows = await tx.all<{ seq: number | string }>(INSERT_EVENT_SQL, [id, ...cols, now, now]);
      if (rows[0]) {
        seq = Number(rows[0].seq);
        event.event_id_cnty = id;
      }
    }
    const coded = JSON.stringify(ev);
    if (pending) pending.contributions.push([seq, ev.document_id, coded]);
    else await tx.run('INSERT INTO contributions (event_seq, document_id, coded) VALUES (?, ?, ?)', [seq, ev.document_id, coded]);
    // the event is the report plus four fields after its own (and its id, when unchanged): its JSON is
    // the report's JSON with those appended, the text JSON.stringify(event) gives, without serialising twice
    const data = event.event_id_cnty === ev.event_id_cnty && coded.endsWith('}') && !/^\{\s*\}$/.test(coded)
      ? `${coded.slice(0, -1)},"sources":${JSON.stringify(event.sources)},"review_status":${JSON.stringify(event.review_status)},"created_at":${JSON.stringify(now)},"updated_at":${JSON.stringify(now)}}`
      : JSON.stringify(event);
    if (pending) {
      pending.data.push([seq, data]);
      for (const id of await this.actorIdsOf(tx, actorNames(event))) pending.actors.push([id, seq]);
    } else {
      await tx.run('INSERT INTO event_data (seq, data) VALUES (?, ?)', [seq, data]);
      await this.indexActors(tx, seq, actorNames(event));
    }
    this.aggregate(tx, [[event, 1]]);
    return { seq, event };
  }

  /** Insert a placeholder row (filled in by recompute) under the coded id, or `<id>-2`, `<id>-3`… when taken. */
  private async insertEventRow(tx: Tx, ev: CodedEvent): Promise<number> {
    const base = ev.event_id_cnty.trim() || 'EVT';
    const now = new Date().toISOString();
    for (let n = 1; ; n++) {
      const rows = await tx.all<{ seq: number | string }>(
        `INSERT INTO events (id, sort_date, event_type, sub_event_type, actor1, country, fatalities, notes, review_status, edits, created_at, updated_at)
         VALUES (?, '', ?, ?, ?, ?, 0, '', 'unreviewed', '{}', ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`,
        [n === 1 ? base : `${base}-${n}`, ev.event_type, ev.sub_event_type, ev.actor1, ev.country, now, now],
      );
      if (rows[0]) return Number(rows[0].seq);
    }
  }

  /** Recompute an event from its contributions and edits, write it back, and return it. */
  private async recompute(tx: Tx, seq: number): Promise<StoredEvent> {
    const [row] = await tx.all<{ id: string; edits: string; review_status: string; created_at: string; old: string | null } & Record<string, unknown>>(
      RECOMPUTE_ROW_SQL,
      [seq],
    );
    if (!row) throw new Error(`event #${seq} vanished`);
    const contribs = await tx.all<{ seq: number | string; coded: string; document_id: string; source: string | null; url: string | null; title: string | null; published: string | null }>(
      `SELECT c.seq, c.coded, c.document_id, d.source, d.url, d.title, d.published
         FROM contributions c LEFT JOIN documents d ON d.id = c.document_id
        WHERE c.event_seq = ? ORDER BY c.seq`,
      [seq],
    );
    const parsed = contribs.map((c) => ({ coded: JSON.parse(c.coded) as CodedEvent, order: Number(c.seq), row: c }));
    const edits = JSON.parse(row.edits) as Partial<CodedEvent>;
    const combined = Object.keys(edits).length ? applyEdits(combine(parsed), edits) : combine(parsed);
    const sources: EventSource[] = [];
    const seenDocs = new Set<string>();
    for (const p of parsed) {
      if (seenDocs.has(p.row.document_id)) continue;
      seenDocs.add(p.row.document_id);
      sources.push({
        document_id: p.row.document_id,
        source: p.row.source ?? p.coded.source ?? 'unknown',
        url: p.row.url,
        title: p.row.title,
        published: p.row.published,
      });
    }
    // (a lone spread, then the fields: see createEvent)
    const event = { ...combined } as StoredEvent;
    event.event_id_cnty = row.id;
    event.sources = sources;
    event.review_status = row.review_status as StoredEvent['review_status'];
    event.created_at = row.created_at;
    event.updated_at = new Date().toISOString();
    const old = row.old === null ? null : (JSON.parse(row.old) as StoredEvent);
    await this.writeEvent(tx, seq, event, old, row);
    return event;
  }

  /**
   * Write an event's columns, JSON, stats aggregates and actor index (the index only when its actors
   * changed); `old` is the event as last written (null = new event).
   */
  private async writeEvent(tx: Tx, seq: number, event: StoredEvent, old: StoredEvent | null, stored: Record<string, unknown>): Promise<void> {
    this.aggregate(tx, old ? [[old, -1], [event, 1]] : [[event, 1]]);
    const oldActors = old ? actorNames(old) : null;
    const cols = eventColumns(event) as Record<string, unknown>;
    // only the columns whose value differs from the row's (`stored`, as read by recompute): setting a
    // column to the value it holds changes nothing but costs a delete and an insert in each of its
    // indexes (a merge usually changes a column or two of the fourteen)
    let mask = 0;
    const params: Param[] = [];
    EVENT_COLUMNS.forEach((c, i) => {
      if (cols[c] === stored[c]) return;
      mask |= 1 << i;
      params.push(cols[c] as Param);
    });
    params.push(event.updated_at, seq);
    await tx.run(updateEventSql(mask), params);
    await tx.run('INSERT INTO event_data (seq, data) VALUES (?, ?) ON CONFLICT (seq) DO UPDATE SET data = excluded.data', [seq, JSON.stringify(event)]);
    const names = actorNames(event);
    if (oldActors && oldActors.length === names.length && oldActors.every((n, i) => n === names[i])) return;
    if (oldActors) await tx.run('DELETE FROM event_actors WHERE event_seq = ?', [seq]);
    await this.indexActors(tx, seq, names);
  }

  /**
   * Link an event to its actors' ids. Names seen before are looked up in memory (actor rows are never
   * deleted, so a committed id stays valid); only a new name costs an upsert and a select.
   */
  private async indexActors(tx: Tx, seq: number, names: string[]): Promise<void> {
    if (!names.length) return;
    const ids = await this.actorIdsOf(tx, names);
    const params: Param[] = [];
    for (const id of ids) params.push(id, seq);
    await tx.run(eventActorsSql(ids.length), params);
  }

  /** The actors' ids of these names, in order (see indexActors). */
  private async actorIdsOf(tx: Tx, names: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const name of names) {
      let id = this.actorIds.get(name);
      if (id === undefined) {
        await tx.run('INSERT INTO actors (name_lc) VALUES (?) ON CONFLICT (name_lc) DO NOTHING', [name]);
        const [r] = await tx.all<{ id: number | string }>('SELECT id FROM actors WHERE name_lc = ?', [name]);
        id = Number(r!.id);
        this.actorIds.set(name, id);
      }
      ids.push(id);
    }
    return ids;
  }

  // -------------------------------------------------------------------------------------------- read

  async getEvent(id: string): Promise<EventDetail | null> {
    const [row] = await this.db.all<{ seq: number | string; data: string; edits: string }>('SELECT e.seq, d.data, e.edits FROM events e JOIN event_data d ON d.seq = e.seq WHERE e.id = ?', [id]);
    if (!row) return null;
    const event = JSON.parse(row.data) as StoredEvent;
    const documents = await this.db.all<StoredDocument & Record<string, unknown>>(
      `SELECT d.id, d.text, d.title, d.url, d.source, d.published FROM documents d
        WHERE d.id IN (SELECT c.document_id FROM contributions c WHERE c.event_seq = ?) ORDER BY d.seq`,
      [Number(row.seq)],
    );
    const reviews = await this.db.all<{ action: ReviewRecord['action']; reviewer: string; note: string | null; fields: string | null; at: string }>(
      'SELECT action, reviewer, note, fields, at FROM review_log WHERE event_id = ? ORDER BY seq',
      [id],
    );
    const merges = await this.db.all<MergeRecord & { score: number | string }>(
      'SELECT event_id, document_id, score, reason, at, undone_at FROM merge_log WHERE event_id = ? ORDER BY seq',
      [id],
    );
    return {
      ...event,
      documents: documents.map((d) => ({ id: d.id, text: d.text, title: d.title, url: d.url, source: d.source, published: d.published })),
      edited_fields: Object.keys(JSON.parse(row.edits) as object),
      reviews: reviews.map((r) => ({ ...r, fields: r.fields ? (JSON.parse(r.fields) as Partial<CodedEvent>) : null })),
      merges: merges.map((m) => ({ ...m, score: Number(m.score) })),
    };
  }

  async listEvents(query: EventListQuery): Promise<{ events: StoredEvent[]; next_cursor: string | null }> {
    const sortName = query.sort ?? 'date_desc';
    const sort = SORTS[sortName];
    const limit = Math.max(1, Math.min(1000, query.limit ?? 100));
    const where = await buildWhere(this.db, query, 'page', this.probeLimit);
    const params = [...where.params];
    let sql = `SELECT e.seq, ${sort.cols[0]} AS k FROM events e WHERE ${where.sql}`;
    if (query.cursor) {
      const [key, seq] = decodeCursor(query.cursor, sortName);
      sql += ` AND ${this.db.dialect.rowCompare([...sort.cols], sort.op)}`;
      params.push(key, seq);
    }
    sql += ` ORDER BY ${sort.cols.map((c) => `${c} ${sort.dir}`).join(', ')} LIMIT ?`;
    params.push(limit + 1);
    const rows = await this.db.all<{ seq: number | string; k: string | number }>(sql, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // the wide JSON lives in event_data: fetch it only for the rows of the page
    const data = new Map<number, string>();
    if (page.length) {
      const seqs = page.map((r) => Number(r.seq));
      const got = await this.db.all<{ seq: unknown; data: string }>(`SELECT seq, data FROM event_data WHERE seq IN (${seqs.map(() => '?').join(', ')})`, seqs);
      for (const g of got) data.set(Number(g.seq), g.data);
    }
    return {
      events: page.map((r) => JSON.parse(data.get(Number(r.seq))!) as StoredEvent),
      next_cursor: rows.length > limit && last ? encodeCursor(sortName, sortName === 'fatalities_desc' ? Number(last.k) : String(last.k), Number(last.seq)) : null,
    };
  }

  /**
   * Counts by day, type, actor and admin1 in three aggregate queries over the filtered events (by day and
   * type, which also gives the totals; by country and admin1; by actor pair), combined and ordered here so
   * both backends agree. Each stays small: at most days × types, places, and actor pairs rows.
   */
  async stats(filter: EventFilter): Promise<StatsResponse> {
    // SQLite: the same stats are served from memory until this store or another connection writes
    const version = this.db.dataVersion && this.statsCacheSize > 0 ? `${this.writes}:${await this.db.dataVersion()}` : null;
    const key = JSON.stringify(filter, Object.keys(filter).sort());
    const hit = version ? this.statsCache.get(key) : undefined;
    if (hit && hit.version === version) return structuredClone(hit.result);
    const result = await this.computeStats(filter);
    if (version) {
      if (this.statsCache.size >= this.statsCacheSize) this.statsCache.delete(this.statsCache.keys().next().value!);
      this.statsCache.set(key, { version, result: structuredClone(result) });
    }
    return result;
  }

  private async computeStats(filter: EventFilter): Promise<StatsResponse> {
    const set = (Object.keys(filter) as (keyof EventFilter)[]).filter((k) => filter[k] !== undefined);
    const placeOnly = set.every((k) => (AGG_PLACE_FILTERS as readonly string[]).includes(k));
    let days: { day: string; event_type: string; n: unknown; f: unknown }[];
    let places: { country: string; admin1: string | null; n: unknown }[];
    let pairs: { actor1: string; actor2: string | null; n: unknown }[];
    let general: { from: string; params: Param[] } | null = null;
    const generalFrom = async () => {
      if (!general) {
        const w = await buildWhere(this.db, filter, 'all');
        general = { from: `FROM events e ${this.db.dialect.statsIndexHint?.(filter) ?? ''} WHERE ${w.sql}`, params: w.params };
      }
      return general;
    };
    if (placeOnly) {
      // the aggregates hold every column these filters touch (see statsTablesSql)
      const typeOnly = set.every((k) => k === 'from' || k === 'to' || k === 'event_type' || k === 'review_status');
      const dw = aggWhere(filter, 'day');
      days = await this.db.all(
        `SELECT a.day, a.event_type, sum(a.n) AS n, sum(a.f) AS f FROM ${typeOnly ? 'stats_type_day' : 'stats_day'} a
          WHERE ${dw.sql} GROUP BY a.day, a.event_type HAVING sum(a.n) > 0`,
        dw.params,
      );
      const pm = monthsAndEdges(filter, 'a.country, a.admin1, a.n', 'stats_month', 'stats_day');
      places = (await this.db.all<{ country: string; admin1: string; n: unknown }>(
        `SELECT p.country, p.admin1, sum(p.n) AS n FROM (${pm.sql}) p GROUP BY p.country, p.admin1 HAVING sum(p.n) > 0`,
        pm.params,
      )).map((r) => ({ ...r, admin1: r.admin1 === '' ? null : r.admin1 }));
      const dims = set.filter((k) => k !== 'from' && k !== 'to' && k !== 'review_status');
      const actorTable = dims.length === 0 ? 'stats_actor_month'
        : dims.length === 1 && dims[0] === 'event_type' ? 'stats_actor_type_month'
        : dims.length === 1 && dims[0] === 'country' ? 'stats_actor_country_month'
        : dims.length === 1 && dims[0] === 'admin1' ? 'stats_actor_admin1_month'
        : dims.length === 1 && dims[0] === 'sub_event_type' ? 'stats_actor_subtype_month' : null;
      if (actorTable) {
        // whole months from the aggregate, the days at either end from the events (few rows, covering indexes)
        const r = wholeMonths(filter);
        const sums = new Map<string, { actor1: string; actor2: string | null; n: number }>();
        const addPair = (actor1: string, actor2: string | null, n: number) => {
          const k = `${actor1}\u0000${actor2 ?? ''}`;
          const p = sums.get(k) ?? sums.set(k, { actor1, actor2: actor2 || null, n: 0 }).get(k)!;
          p.n += n;
        };
        if (r.months) {
          const m = aggWhere(filter, 'month', r.months);
          for (const row of await this.db.all<{ actor1: string; actor2: string; n: unknown }>(
            `SELECT a.actor1, a.actor2, sum(a.n) AS n FROM ${actorTable} a WHERE ${m.sql} GROUP BY a.actor1, a.actor2`, m.params,
          )) addPair(row.actor1, row.actor2, Number(row.n));
        }
        for (const edge of r.edges) {
          const w = await buildWhere(this.db, { ...filter, from: edge.from, to: edge.to }, 'all');
          for (const row of await this.db.all<{ actor1: string; actor2: string | null; n: unknown }>(
            `SELECT e.actor1, e.actor2, count(*) AS n FROM events e ${this.db.dialect.statsIndexHint?.(filter) ?? ''} WHERE ${w.sql} GROUP BY e.actor1, e.actor2`, w.params,
          )) addPair(row.actor1, row.actor2, Number(row.n));
        }
        pairs = [...sums.values()].filter((p) => p.n > 0);
      } else {
        const g = await generalFrom();
        pairs = await this.db.all(`SELECT e.actor1, e.actor2, count(*) AS n ${g.from} GROUP BY e.actor1, e.actor2`, g.params);
      }
    } else {
      const { from, params } = await generalFrom();
      days = await this.db.all(`SELECT e.sort_date AS day, e.event_type, count(*) AS n, sum(e.fatalities) AS f ${from} GROUP BY e.sort_date, e.event_type`, params);
      places = await this.db.all(`SELECT e.country, e.admin1, count(*) AS n ${from} GROUP BY e.country, e.admin1`, params);
      pairs = await this.db.all(`SELECT e.actor1, e.actor2, count(*) AS n ${from} GROUP BY e.actor1, e.actor2`, params);
    }
    const num = (v: unknown) => Number(v ?? 0);
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    let total = 0;
    const byDay: { day: string; event_type: StoredEvent['event_type']; count: number }[] = [];
    const byType = new Map<string, { event_type: StoredEvent['event_type']; count: number; fatalities: number }>();
    for (const g of days) {
      const n = num(g.n);
      const type = g.event_type as StoredEvent['event_type'];
      total += n;
      if (g.day) byDay.push({ day: g.day, event_type: type, count: n });
      const t = byType.get(type) ?? byType.set(type, { event_type: type, count: 0, fatalities: 0 }).get(type)!;
      t.count += n;
      t.fatalities += num(g.f);
    }
    const actors = new Map<string, number>();
    for (const p of pairs) {
      for (const name of [p.actor1, p.actor2]) if (name) actors.set(name, (actors.get(name) ?? 0) + num(p.n));
    }
    return {
      total,
      by_day: byDay.sort((a, b) => cmp(a.day, b.day) || cmp(a.event_type, b.event_type)),
      by_type: [...byType.values()].sort((a, b) => b.count - a.count || cmp(a.event_type, b.event_type)),
      by_actor: [...actors].map(([actor, count]) => ({ actor, count })).sort((a, b) => b.count - a.count || cmp(a.actor, b.actor)).slice(0, BY_ACTOR_LIMIT),
      by_admin1: places
        .map((r) => ({ country: r.country, admin1: r.admin1, count: num(r.n) }))
        .sort((a, b) => b.count - a.count || cmp(a.country, b.country) || cmp(a.admin1 ?? '', b.admin1 ?? ''))
        .slice(0, BY_ADMIN1_LIMIT),
    };
  }

  // -------------------------------------------------------------------------------------------- review / unmerge

  async review(id: string, action: ReviewAction): Promise<StoredEvent | null> {
    if (!action || !['confirm', 'reject', 'edit'].includes(action.action)) throw new StoreInputError('review action must be confirm, reject or edit');
    if (typeof action.reviewer !== 'string' || !action.reviewer.trim()) throw new StoreInputError('review needs a reviewer');
    let fields: Partial<CodedEvent> | null = null;
    if (action.action === 'edit') {
      const r = EditFieldsSchema.safeParse(action.fields ?? {});
      if (!r.success) throw new StoreInputError(`invalid edit: ${r.error.issues.map((i) => `${i.path.join('.') || 'fields'}: ${i.message}`).join('; ')}`);
      fields = r.data as Partial<CodedEvent>;
      if (Object.keys(fields).length === 0) throw new StoreInputError('an edit needs at least one field');
    }
    const event = await this.write(async (tx) => {
      const [row] = await tx.all<{ seq: number | string; edits: string }>('SELECT seq, edits FROM events WHERE id = ?', [id]);
      if (!row) return null;
      const edits = { ...(JSON.parse(row.edits) as object), ...(fields ?? {}) };
      const hasEdits = Object.keys(edits).length > 0;
      const status = action.action === 'reject' ? 'rejected' : hasEdits ? 'edited' : 'confirmed';
      await tx.run('UPDATE events SET edits = ?, review_status = ? WHERE seq = ?', [JSON.stringify(edits), status, Number(row.seq)]);
      await tx.run('INSERT INTO review_log (event_id, action, reviewer, note, fields, at) VALUES (?, ?, ?, ?, ?, ?)', [
        id, action.action, action.reviewer.trim(), action.note ?? null, fields ? JSON.stringify(fields) : null, new Date().toISOString(),
      ]);
      const updated = await this.recompute(tx, Number(row.seq));
      await this.announce(tx, [{ kind: 'updated', event: updated }]);
      return updated;
    });
    if (event) this.emit([{ kind: 'updated', event }]);
    return event;
  }

  async unmerge(id: string, documentId: string): Promise<StoredEvent[] | null> {
    const changes: EventChange[] = [];
    const out = await this.write(async (tx) => {
      const [row] = await tx.all<{ seq: number | string }>('SELECT seq FROM events WHERE id = ?', [id]);
      if (!row) return null;
      const seq = Number(row.seq);
      const contribs = await tx.all<{ seq: number | string; document_id: string; coded: string }>(
        'SELECT seq, document_id, coded FROM contributions WHERE event_seq = ? ORDER BY seq',
        [seq],
      );
      const moving = contribs.filter((c) => c.document_id === documentId);
      if (!moving.length) return null;
      if (moving.length === contribs.length) {
        throw new StoreInputError(`document ${documentId} is the only report of event ${id}: there is nothing to unmerge`);
      }
      const coded = JSON.parse(moving[0]!.coded) as CodedEvent;
      const now = new Date().toISOString();
      const newSeq = await this.insertEventRow(tx, coded);
      await tx.run('UPDATE contributions SET event_seq = ? WHERE event_seq = ? AND document_id = ?', [newSeq, seq, documentId]);
      await tx.run('UPDATE merge_log SET undone_at = ? WHERE event_id = ? AND document_id = ? AND undone_at IS NULL', [now, id, documentId]);
      const a = await this.recompute(tx, seq);
      const b = await this.recompute(tx, newSeq);
      changes.push({ kind: 'updated', event: a }, { kind: 'created', event: b });
      await this.announce(tx, changes);
      return [a, b];
    });
    this.emit(changes);
    return out;
  }

  // -------------------------------------------------------------------------------------------- bulk

  async bulkInsert(input: CodedEvent[] | Iterable<CodedEvent[]>, opts: BulkInsertOptions = {}): Promise<number> {
    if (Array.isArray(input) && !input.length) return 0;
    const batches: Iterable<CodedEvent[]> = Array.isArray(input) && !Array.isArray(input[0]) ? [input as CodedEvent[]] : (input as Iterable<CodedEvent[]>);
    let total = 0;
    let wrote = false;
    await this.write(async (tx) => {
      let rebuild: (() => Promise<void>) | null = null;
      let first = true;
      for (const events of batches) {
        if (!events.length) continue;
        const [mx] = await tx.all<{ m: unknown }>('SELECT max(seq) AS m FROM events');
        const stored = Number(mx?.m ?? 0);
        if (first) {
          first = false;
          const suspend = opts.rebuildIndexes ?? (events.length >= BULK_REBUILD_MIN && events.length >= stored);
          if (suspend && this.db.suspendIndexes) rebuild = await this.db.suspendIndexes(tx);
        }
        total += await this.insertBatch(tx, events, stored);
        // the batch's aggregate changes now (bounded memory over a long load; written before the rebuild)
        await flushStats(this.db, tx, this.statsDeltas.get(tx)!);
        wrote = true;
      }
      if (rebuild) await rebuild();
    }).finally(() => {
      if (wrote) this.writes++;
    });
    return total;
  }

  /** One batch of bulkInsert, after the row `seq` (the largest stored). */
  private async insertBatch(tx: Tx, events: CodedEvent[], maxSeq: number): Promise<number> {
    const now = new Date().toISOString();
    let seq = maxSeq;
    const evRows: Param[][] = [];
    const dataRows: Param[][] = [];
    const cRows: Param[][] = [];
    const actorRows: Param[][] = [];
    const actorNamesAll = new Set<string>();
    const withSeq: [number, StoredEvent][] = [];
    // ids already stored, or repeated in the batch, get a derived id (<id>-2, <id>-3…) as in ingest
    const taken = new Set<string>();
    const wanted = [...new Set(events.map((e) => e.event_id_cnty))];
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      for (const r of await tx.all<{ id: string }>(`SELECT id FROM events WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk)) taken.add(r.id);
    }
    const uniqueIdFor = async (id: string) => {
      if (!taken.has(id) && id && id === id.trim()) {
        taken.add(id); // the usual case: a new id, no query
        return id;
      }
      const base = id.trim() || 'EVT';
      let candidate = base;
      for (let n = 2; taken.has(candidate) || (candidate !== base && (await tx.all('SELECT 1 AS x FROM events WHERE id = ?', [candidate])).length); n++) {
        taken.add(candidate);
        candidate = `${base}-${n}`;
      }
      taken.add(candidate);
      return candidate;
    };
    const nowJson = JSON.stringify(now);
    const eventNames: string[][] = [];
    for (const input of events) {
      seq++;
      const id = input.event_id_cnty;
      const fresh = !taken.has(id) && !!id && id === id.trim();
      // no copy of an event whose id is kept (the store never changes its input)
      const ev: CodedEvent = fresh ? (taken.add(id), input) : { ...input, event_id_cnty: await uniqueIdFor(id) };
      const sources: StoredEvent['sources'] = [{ document_id: ev.document_id, source: ev.source || 'unknown', url: null, title: null, published: null }];
      // What eventColumns and the stats aggregates read of the stored event. The stored event itself (ev and
      // four more fields) is only serialised: building it as an object of 38 fields per event cost more
      // than all of the rest of this loop.
      const view = {
        event_date: ev.event_date, event_type: ev.event_type, sub_event_type: ev.sub_event_type, actor1: ev.actor1, actor2: ev.actor2,
        country: ev.country, admin1: ev.admin1, location: ev.location, latitude: ev.latitude, longitude: ev.longitude,
        fatalities: ev.fatalities, notes: ev.notes, review_status: 'unreviewed',
      } as StoredEvent;
      const c = eventColumns(view);
      evRows.push([seq, ev.event_id_cnty, c.sort_date, c.event_date, c.event_type, c.sub_event_type, c.actor1, c.actor2, c.country, c.admin1,
        c.location, c.latitude, c.longitude, c.fatalities, c.notes, c.review_status, '{}', now, now] as Param[]);
      const coded = JSON.stringify(ev);
      // the stored event is ev with the four STORED_EXTRA fields after its own: its JSON is ev's with theirs
      // appended (the text JSON.stringify({ ...ev, sources, … }) gives when ev has none of them)
      const data = coded.length > 2 && !STORED_EXTRA.some((k) => k in ev)
        ? `${coded.slice(0, -1)},"sources":${JSON.stringify(sources)},"review_status":"unreviewed","created_at":${nowJson},"updated_at":${nowJson}}`
        : JSON.stringify({ ...ev, sources, review_status: 'unreviewed', created_at: now, updated_at: now });
      dataRows.push([seq, data]);
      cRows.push([seq, ev.document_id, coded]);
      const names = actorNames(ev);
      for (const n of names) actorNamesAll.add(n);
      eventNames.push(names);
      withSeq.push([seq, view]);
    }
    await this.db.insertMany('events', ['seq', 'id', ...EVENT_COLUMNS, 'edits', 'created_at', 'updated_at'], evRows, tx);
    await this.db.insertMany('event_data', ['seq', 'data'], dataRows, tx);
    await this.db.insertMany('contributions', ['event_seq', 'document_id', 'coded'], cRows, tx);
    const known = new Map<string, number>();
    for (const name of actorNamesAll) {
      await tx.run('INSERT INTO actors (name_lc) VALUES (?) ON CONFLICT (name_lc) DO NOTHING', [name]);
      const [r] = await tx.all<{ id: number | string }>('SELECT id FROM actors WHERE name_lc = ?', [name]);
      known.set(name, Number(r!.id));
    }
    withSeq.forEach(([s], i) => {
      for (const n of eventNames[i]!) actorRows.push([known.get(n)!, s]);
    });
    this.aggregate(tx, withSeq.map(([, e]) => [e, 1] as const));
    await this.db.insertMany('event_actors', ['actor_id', 'event_seq'], actorRows, tx);
    return events.length;
  }

  // -------------------------------------------------------------------------------------------- changes

  subscribe(listener: (change: EventChange) => void): () => void {
    this.startListening();
    const wrapped = (c: EventChange) => {
      try {
        listener(c);
      } catch (err) {
        process.emitWarning(`store subscriber failed: ${(err as Error).message}`);
      }
    };
    this.emitter.on('change', wrapped);
    return () => this.emitter.off('change', wrapped);
  }

  private emit(changes: EventChange[]) {
    if (changes.length) this.writes++;
    for (const c of changes) this.emitter.emit('change', c);
  }

  /** Tell other processes sharing the database (PostgreSQL) which events changed; delivered on commit. */
  private async announce(tx: Tx, changes: EventChange[]): Promise<void> {
    if (!this.db.notify || !changes.length) return;
    const items = changes.map((c) => [c.kind, c.event.event_id_cnty] as const);
    for (let i = 0; i < items.length; i += 100) {
      await this.db.notify(tx, JSON.stringify({ o: this.origin, c: items.slice(i, i + 100) }));
    }
  }

  /** Resolves once changes made by other processes are being received (PostgreSQL, after the first subscribe). */
  async listening(): Promise<void> {
    await this.unlisten;
  }

  /** On the first subscriber, follow changes made by other processes (PostgreSQL LISTEN). */
  private startListening() {
    if (this.unlisten || !this.db.listen || this.closed) return;
    this.unlisten = this.db.listen((payload) => {
      this.remoteQueue = this.remoteQueue.then(() => this.onRemote(payload)).catch((err: Error) => {
        process.emitWarning(`store change feed: ${err.message}`);
      });
    }).catch((err: Error) => {
      process.emitWarning(`store change feed unavailable: ${err.message}`);
      return null;
    });
  }

  private async onRemote(payload: string): Promise<void> {
    const msg = JSON.parse(payload) as { o: string; c: [EventChange['kind'], string][] };
    if (msg.o === this.origin || this.closed) return;
    for (const [kind, id] of msg.c) {
      const [row] = await this.db.all<{ data: string }>('SELECT d.data FROM events e JOIN event_data d ON d.seq = e.seq WHERE e.id = ?', [id]);
      if (row) this.emit([{ kind, event: JSON.parse(row.data) as StoredEvent }]);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.emitter.removeAllListeners();
    const stop = await this.unlisten;
    if (stop) await stop();
    await this.remoteQueue;
    await this.db.close();
  }
}
