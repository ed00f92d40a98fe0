/**
 * SQLite implementation of the store's database adapter: better-sqlite3 in WAL mode, FTS5 over event
 * notes and document text, an R*Tree over event points. Versioned migrations are applied at open.
 */
import Database from 'better-sqlite3';
import { Mutex, nearBox, searchTerms, statsTablesSql, actorPlaceStatsSql, type Db, type Dialect, type Param, type Row, type Tx } from './db.js';

export { nearBox };

/** Versioned schema migrations. Append only: never edit a released migration, add a new one. */
export const SQLITE_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'documents, events, contributions, actors, logs, fts5, rtree',
    sql: `
CREATE TABLE documents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL UNIQUE,
  text TEXT NOT NULL,
  title TEXT, url TEXT, source TEXT, published TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
  ingested_at TEXT NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  sort_date TEXT NOT NULL,
  event_date TEXT,
  event_type TEXT NOT NULL,
  sub_event_type TEXT NOT NULL,
  actor1 TEXT NOT NULL,
  actor2 TEXT,
  country TEXT NOT NULL,
  admin1 TEXT,
  location TEXT,
  latitude REAL,
  longitude REAL,
  fatalities INTEGER NOT NULL,
  notes TEXT NOT NULL,
  review_status TEXT NOT NULL,
  data TEXT NOT NULL,
  edits TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX events_date ON events (sort_date, seq);
CREATE INDEX events_country_date ON events (lower(country), sort_date);
CREATE INDEX events_admin1_date ON events (lower(admin1), sort_date);
CREATE INDEX events_type_date ON events (event_type, sort_date);
CREATE INDEX events_subtype_date ON events (sub_event_type, sort_date);
CREATE INDEX events_fatalities ON events (fatalities, seq);
CREATE TABLE contributions (
  seq INTEGER PRIMARY KEY,
  event_seq INTEGER NOT NULL,
  document_id TEXT NOT NULL,
  coded TEXT NOT NULL
);
CREATE INDEX contributions_event ON contributions (event_seq);
CREATE INDEX contributions_document ON contributions (document_id);
CREATE TABLE actors (id INTEGER PRIMARY KEY, name_lc TEXT NOT NULL UNIQUE);
CREATE TABLE event_actors (actor_id INTEGER NOT NULL, event_seq INTEGER NOT NULL, PRIMARY KEY (actor_id, event_seq)) WITHOUT ROWID;
CREATE INDEX event_actors_event ON event_actors (event_seq);
CREATE TABLE merge_log (
  seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, document_id TEXT NOT NULL, contribution_seq INTEGER NOT NULL,
  score REAL NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, undone_at TEXT
);
CREATE INDEX merge_log_event ON merge_log (event_id);
CREATE TABLE review_log (
  seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, action TEXT NOT NULL, reviewer TEXT NOT NULL, note TEXT,
  fields TEXT, at TEXT NOT NULL
);
CREATE INDEX review_log_event ON review_log (event_id);

CREATE VIRTUAL TABLE events_fts USING fts5 (notes, content='events', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER events_fts_ai AFTER INSERT ON events BEGIN
  INSERT INTO events_fts (rowid, notes) VALUES (new.seq, new.notes);
END;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.seq, old.notes);
END;
CREATE TRIGGER events_fts_au AFTER UPDATE OF notes ON events WHEN old.notes IS NOT new.notes BEGIN
  INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.seq, old.notes);
  INSERT INTO events_fts (rowid, notes) VALUES (new.seq, new.notes);
END;

CREATE VIRTUAL TABLE documents_fts USING fts5 (text, content='documents', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;

CREATE VIRTUAL TABLE events_rtree USING rtree (id, minx, maxx, miny, maxy);
CREATE TRIGGER events_rtree_ai AFTER INSERT ON events WHEN new.latitude IS NOT NULL AND new.longitude IS NOT NULL BEGIN
  INSERT INTO events_rtree VALUES (new.seq, new.longitude, new.longitude, new.latitude, new.latitude);
END;
CREATE TRIGGER events_rtree_au AFTER UPDATE OF latitude, longitude ON events
  WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
  DELETE FROM events_rtree WHERE id = old.seq;
  INSERT INTO events_rtree SELECT new.seq, new.longitude, new.longitude, new.latitude, new.latitude
    WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;
CREATE TRIGGER events_rtree_ad AFTER DELETE ON events BEGIN
  DELETE FROM events_rtree WHERE id = old.seq;
END;
`,
  },
  {
    version: 2,
    name: 'event JSON moved to event_data, so filtered scans over events stay narrow',
    sql: `
CREATE TABLE event_data (seq INTEGER PRIMARY KEY, data TEXT NOT NULL);
INSERT INTO event_data (seq, data) SELECT seq, data FROM events;
ALTER TABLE events DROP COLUMN data;
`,
  },
  {
    version: 3,
    name: 'covering indexes for stats over a date range, with or without a country',
    sql: `
CREATE INDEX events_stats_country ON events (lower(country), sort_date, event_type, country, admin1, fatalities, review_status, actor1, actor2);
CREATE INDEX events_stats_date ON events (sort_date, event_type, country, admin1, fatalities, review_status, actor1, actor2);
`,
  },
  {
    version: 4,
    name: 'daily and monthly stats aggregates, kept with every event write',
    sql: statsTablesSql(' WITHOUT ROWID'),
  },
  {
    version: 5,
    name: 'covering index for stats of one event type (its actor pairs are not aggregated by type)',
    sql: 'CREATE INDEX events_stats_type ON events (event_type, sort_date, country, admin1, fatalities, review_status, actor1, actor2);',
  },
  {
    version: 6,
    name: 'covering indexes of the daily stats by country and by admin1 (counts by day read from the index alone, in order)',
    sql: `
DROP INDEX stats_day_country;
CREATE INDEX stats_day_country ON stats_day (lower(country), day, event_type, review_status, n, f);
CREATE INDEX stats_day_admin1 ON stats_day (lower(admin1), day, event_type, review_status, n, f);
`,
  },
  {
    version: 7,
    name: 'actor pairs by month for one admin1 and for one sub-event type',
    sql: actorPlaceStatsSql(' WITHOUT ROWID'),
  },
  {
    version: 8,
    name: 'full-text index writes deferred to the end of a write transaction (one FTS5 flush per transaction)',
    // FTS5 flushes its pending terms to a new segment at every statement savepoint, i.e. after nearly every
    // event written by a trigger. While fts_deferred holds a row (only inside SqliteDb.transaction), the
    // triggers only note which rows changed, and what the index held for them (`old`: the indexed text,
    // NULL when the row was not indexed), in fts_pending; the transaction indexes them all before COMMIT.
    sql: `
CREATE TABLE fts_deferred (on_ INTEGER PRIMARY KEY);
CREATE TABLE fts_pending (tbl TEXT NOT NULL, seq INTEGER NOT NULL, old TEXT, PRIMARY KEY (tbl, seq)) WITHOUT ROWID;
DROP TRIGGER events_fts_ai;
DROP TRIGGER events_fts_ad;
DROP TRIGGER events_fts_au;
DROP TRIGGER documents_fts_ai;
DROP TRIGGER documents_fts_ad;
CREATE TRIGGER events_fts_ai AFTER INSERT ON events WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO events_fts (rowid, notes) VALUES (new.seq, new.notes);
END;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.seq, old.notes);
END;
CREATE TRIGGER events_fts_au AFTER UPDATE OF notes ON events WHEN old.notes IS NOT new.notes AND NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO events_fts (events_fts, rowid, notes) VALUES ('delete', old.seq, old.notes);
  INSERT INTO events_fts (rowid, notes) VALUES (new.seq, new.notes);
END;
CREATE TRIGGER events_fts_ai_deferred AFTER INSERT ON events WHEN EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT OR IGNORE INTO fts_pending (tbl, seq, old) VALUES ('events', new.seq, NULL);
END;
CREATE TRIGGER events_fts_ad_deferred AFTER DELETE ON events WHEN EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT OR IGNORE INTO fts_pending (tbl, seq, old) VALUES ('events', old.seq, old.notes);
END;
CREATE TRIGGER events_fts_au_deferred AFTER UPDATE OF notes ON events WHEN old.notes IS NOT new.notes AND EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT OR IGNORE INTO fts_pending (tbl, seq, old) VALUES ('events', old.seq, old.notes);
END;
CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO documents_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents WHEN NOT EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER documents_fts_ai_deferred AFTER INSERT ON documents WHEN EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT OR IGNORE INTO fts_pending (tbl, seq, old) VALUES ('documents', new.seq, NULL);
END;
CREATE TRIGGER documents_fts_ad_deferred AFTER DELETE ON documents WHEN EXISTS (SELECT 1 FROM fts_deferred) BEGIN
  INSERT OR IGNORE INTO fts_pending (tbl, seq, old) VALUES ('documents', old.seq, old.text);
END;
`,
  },
];

/**
 * Index the rows noted in fts_pending (see migration 8), then leave deferred mode. Statements prepared
 * once per connection (SqliteDb.transaction); those of a table with nothing pending are not run (an
 * INSERT … SELECT of no rows into an FTS5 table still opens it: ~70 us a transaction for documents_fts,
 * which a transaction of ingest's events does not write).
 */
const FTS_FLUSH_SQL = {
  pending: 'SELECT tbl, max(old IS NOT NULL) AS del FROM fts_pending GROUP BY tbl',
  events: [
    "INSERT INTO events_fts (events_fts, rowid, notes) SELECT 'delete', seq, old FROM fts_pending WHERE tbl = 'events' AND old IS NOT NULL",
    "INSERT INTO events_fts (rowid, notes) SELECT e.seq, e.notes FROM fts_pending p JOIN events e ON e.seq = p.seq WHERE p.tbl = 'events' ORDER BY e.seq",
  ],
  documents: [
    "INSERT INTO documents_fts (documents_fts, rowid, text) SELECT 'delete', seq, old FROM fts_pending WHERE tbl = 'documents' AND old IS NOT NULL",
    "INSERT INTO documents_fts (rowid, text) SELECT d.seq, d.text FROM fts_pending p JOIN documents d ON d.seq = p.seq WHERE p.tbl = 'documents' ORDER BY d.seq",
  ],
  clearPending: 'DELETE FROM fts_pending',
  clearDeferred: 'DELETE FROM fts_deferred',
} as const;

type FtsFlush = {
  pending: Database.Statement;
  events: Database.Statement[];
  documents: Database.Statement[];
  clearPending: Database.Statement;
  clearDeferred: Database.Statement;
};

/** The FTS_FLUSH_SQL steps, in its order (events' deletes and inserts, then documents'), skipping the tables with nothing pending. */
function flushFts(f: FtsFlush): void {
  const pending = f.pending.all() as { tbl: string; del: number }[];
  for (const tbl of ['events', 'documents'] as const) {
    const p = pending.find((r) => r.tbl === tbl);
    if (!p) continue;
    const [del, ins] = f[tbl];
    if (p.del) del!.run();
    ins!.run();
  }
  if (pending.length) f.clearPending.run();
  f.clearDeferred.run();
}

function ftsQuery(q: string): string | null {
  const terms = searchTerms(q);
  if (!terms.length) return null;
  return terms.map((t) => `"${t.word}"${t.prefix ? '*' : ''}`).join(' ');
}

const HAVERSINE_KM =
  '2 * 6371.0088 * asin(min(1, sqrt(pow(sin(radians(e.latitude - ?) / 2), 2) + cos(radians(?)) * cos(radians(e.latitude)) * pow(sin(radians(e.longitude - ?) / 2), 2))))';

const sqliteDialect: Dialect = {
  textMatch(q) {
    const m = ftsQuery(q);
    if (!m) return null;
    return {
      sql: `(e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)
             OR e.seq IN (SELECT c.event_seq FROM contributions c JOIN documents d ON d.id = c.document_id
                           WHERE d.seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)))`,
      params: [m, m],
    };
  },
  bbox(w, s, e, n) {
    const exact = { sql: 'e.longitude BETWEEN ? AND ? AND e.latitude BETWEEN ? AND ?', params: [w, e, s, n] };
    const rtree = { sql: 'SELECT id FROM events_rtree WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?', params: [w, e, s, n] };
    return {
      indexed: { sql: `e.seq IN (${rtree.sql}) AND ${exact.sql}`, params: [...rtree.params, ...exact.params] },
      scan: exact,
      probe: rtree,
    };
  },
  near(lat, lon, km) {
    const b = nearBox(lat, lon, km);
    const rtree = b.w === null
      ? { sql: 'SELECT id FROM events_rtree WHERE maxy >= ? AND miny <= ?', params: [b.s, b.n] }
      : { sql: 'SELECT id FROM events_rtree WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?', params: [b.w, b.e, b.s, b.n] };
    const box = b.w === null
      ? { sql: 'e.latitude BETWEEN ? AND ?', params: [b.s, b.n] }
      : { sql: 'e.latitude BETWEEN ? AND ? AND e.longitude BETWEEN ? AND ?', params: [b.s, b.n, b.w, b.e] };
    const dist = { sql: `${HAVERSINE_KM} <= ?`, params: [lat, lat, lon, km] };
    return {
      indexed: { sql: `e.seq IN (${rtree.sql}) AND ${dist.sql}`, params: [...rtree.params, ...dist.params] },
      scan: { sql: `${box.sql} AND ${dist.sql}`, params: [...box.params, ...dist.params] },
      probe: rtree,
    };
  },
  statsIndexHint(f) {
    // Filters on columns the covering index holds: scan it instead of an index that needs a table lookup
    // per row (event_type alone: 9 s -> under 1 s at 1M events). A country uses its own covering index.
    const covered = !f.country && !f.admin1 && !f.sub_event_type && !f.actor && !f.q && !f.bbox && !f.near;
    return covered ? (f.event_type ? 'INDEXED BY events_stats_type' : 'INDEXED BY events_stats_date') : '';
  },
  rowCompare(cols, op) {
    return `(${cols.join(', ')}) ${op} (${cols.map(() => '?').join(', ')})`;
  },
};

function bind(params: readonly Param[] | undefined): readonly unknown[] {
  if (!params) return [];
  // booleans as 0/1 (SQLite has none); most parameter lists have none, and are passed as they are
  for (const p of params) if (typeof p === 'boolean') return params.map((q) => (typeof q === 'boolean' ? (q ? 1 : 0) : q));
  return params;
}

export class SqliteDb implements Db {
  readonly kind = 'sqlite' as const;
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly mutex = new Mutex();
  private readonly tx: Tx;
  /** The statements of every write transaction, prepared once (after the migrations). */
  private readonly txStatements: { begin: Database.Statement; defer: Database.Statement; flush: FtsFlush; commit: Database.Statement };

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    // Checkpoint when the WAL holds 4000 pages (16 MB) instead of SQLite's 1000: a checkpoint copies each
    // page once however many commits rewrote it (index leaves, stats rows, table tails, page 1), so
    // ingest's small transactions (~60 pages each) pay for fewer copies. The WAL file stays up to that
    // size; with synchronous = NORMAL, commits since the last checkpoint are durable against a process
    // crash but may roll back after a power loss, as before, over up to 16 MB of WAL instead of 4.
    this.db.pragma('wal_autocheckpoint = 4000');
    this.tx = {
      all: async <T>(sql: string, params?: readonly Param[]) => this.stmt(sql).all(...bind(params)) as T[],
      run: async (sql: string, params?: readonly Param[]) => this.stmt(sql).run(...bind(params)).changes,
    };
    this.migrate();
    this.txStatements = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      defer: this.db.prepare('INSERT INTO fts_deferred (on_) VALUES (1)'),
      flush: {
        pending: this.db.prepare(FTS_FLUSH_SQL.pending),
        events: FTS_FLUSH_SQL.events.map((sql) => this.db.prepare(sql)),
        documents: FTS_FLUSH_SQL.documents.map((sql) => this.db.prepare(sql)),
        clearPending: this.db.prepare(FTS_FLUSH_SQL.clearPending),
        clearDeferred: this.db.prepare(FTS_FLUSH_SQL.clearDeferred),
      },
      commit: this.db.prepare('COMMIT'),
    };
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private migrate() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const apply = this.db.transaction(() => {
      const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
      for (const m of SQLITE_MIGRATIONS) {
        if (done.has(m.version)) continue;
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      }
    });
    apply.immediate();
  }

  dataVersion(): Promise<number> {
    return this.mutex.lock(async () => Number(this.db.pragma('data_version', { simple: true })));
  }

  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]> {
    return this.mutex.lock(() => this.tx.all<T>(sql, params));
  }

  run(sql: string, params?: readonly Param[]): Promise<number> {
    return this.mutex.lock(() => this.tx.run(sql, params));
  }

  /**
   * A write transaction. Full-text index writes are deferred to its end (migration 8), so inside it
   * the FTS tables do not yet see the rows it wrote.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.mutex.lock(async () => {
      const st = this.txStatements;
      st.begin.run();
      try {
        st.defer.run();
        const out = await fn(this.tx);
        flushFts(st.flush);
        st.commit.run();
        return out;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async insertMany(table: string, columns: string[], rows: Param[][], _tx: Tx): Promise<void> {
    const st = this.stmt(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
    for (const r of rows) st.run(...bind(r));
  }

  /**
   * Bulk path (see Db.suspendIndexes): drops the secondary indexes of the tables bulkInsert writes (with the
   * stats aggregates'; bulkInsert writes its aggregate changes before calling the rebuild) and the
   * per-row R*Tree and (deferred) FTS5 triggers on events; the returned function creates the indexes and
   * triggers again from their own SQL in sqlite_master, and indexes the new rows' points and notes in one
   * pass each, in seq order, as the triggers and the end-of-transaction FTS flush would have.
   */
  async suspendIndexes(_tx: Tx): Promise<() => Promise<void>> {
    const before = Number((this.db.prepare('SELECT coalesce(max(seq), 0) AS m FROM events').get() as { m: number }).m);
    const schema = this.db
      .prepare(
        `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND (
           (type = 'index' AND (tbl_name IN ('events', 'event_data', 'contributions', 'event_actors') OR tbl_name LIKE 'stats\\_%' ESCAPE '\\'))
           OR (type = 'trigger' AND name IN ('events_rtree_ai', 'events_fts_ai_deferred'))) ORDER BY rowid`,
      )
      .all() as { type: 'index' | 'trigger'; name: string; sql: string }[];
    for (const o of schema) this.db.exec(`DROP ${o.type.toUpperCase()} ${o.name}`);
    return async () => {
      for (const o of schema) if (o.type === 'index') this.db.exec(o.sql);
      if (schema.some((o) => o.name === 'events_rtree_ai')) {
        this.db
          .prepare('INSERT INTO events_rtree SELECT seq, longitude, longitude, latitude, latitude FROM events WHERE seq > ? AND latitude IS NOT NULL AND longitude IS NOT NULL ORDER BY seq')
          .run(before);
      }
      if (schema.some((o) => o.name === 'events_fts_ai_deferred')) {
        this.db.prepare('INSERT INTO events_fts (rowid, notes) SELECT seq, notes FROM events WHERE seq > ? ORDER BY seq').run(before);
      }
      for (const o of schema) if (o.type === 'trigger') this.db.exec(o.sql);
    };
  }

  async close(): Promise<void> {
    await this.mutex.lock(async () => {
      if (this.db.open) {
        this.statements.clear();
        this.db.close();
      }
    });
  }
}
