/**
 * PostgreSQL 15 + PostGIS implementation of the store's database adapter (`pg` pool): a geography
 * column with GiST indexes for space, generated tsvector columns with GIN indexes for full text.
 * Write transactions take a transaction-scoped advisory lock, so merge decisions are serialised across
 * processes sharing one database. Versioned migrations are applied at open under a session lock.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { nearBox, searchTerms, statsTablesSql, actorPlaceStatsSql, type Db, type Dialect, type Param, type Row, type Tx } from './db.js';

const WRITE_LOCK = 0x6672_6f6e; // "fron"
const MIGRATION_LOCK = 0x6672_6f6d;

export const POSTGRES_MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'documents, events, contributions, actors, logs, tsvector, geography',
    sql: `
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE TABLE documents (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  content_hash text NOT NULL UNIQUE,
  text text NOT NULL,
  title text, url text, source text, published text,
  status text NOT NULL CHECK (status IN ('pending', 'done')),
  ingested_at text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, left(text, 200000))) STORED
);
CREATE INDEX documents_tsv ON documents USING gin (tsv);
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  sort_date text NOT NULL,
  event_date text,
  event_type text NOT NULL,
  sub_event_type text NOT NULL,
  actor1 text NOT NULL,
  actor2 text,
  country text NOT NULL,
  admin1 text,
  location text,
  latitude double precision,
  longitude double precision,
  fatalities integer NOT NULL,
  notes text NOT NULL,
  review_status text NOT NULL,
  data text NOT NULL,
  edits text NOT NULL,
  created_at text NOT NULL,
  updated_at text NOT NULL,
  geog geography(Point, 4326) GENERATED ALWAYS AS (
    CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL
      THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography END) STORED,
  notes_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, notes)) STORED
);
CREATE INDEX events_date ON events (sort_date, seq);
CREATE INDEX events_country_date ON events (lower(country), sort_date);
CREATE INDEX events_admin1_date ON events (lower(admin1), sort_date);
CREATE INDEX events_type_date ON events (event_type, sort_date);
CREATE INDEX events_subtype_date ON events (sub_event_type, sort_date);
CREATE INDEX events_fatalities ON events (fatalities, seq);
CREATE INDEX events_geog ON events USING gist (geog);
CREATE INDEX events_geom ON events USING gist ((geog::geometry));
CREATE INDEX events_notes_tsv ON events USING gin (notes_tsv);
CREATE TABLE contributions (
  seq bigserial PRIMARY KEY,
  event_seq bigint NOT NULL,
  document_id text NOT NULL,
  coded text NOT NULL
);
CREATE INDEX contributions_event ON contributions (event_seq);
CREATE INDEX contributions_document ON contributions (document_id);
CREATE TABLE actors (id bigserial PRIMARY KEY, name_lc text NOT NULL UNIQUE);
CREATE TABLE event_actors (actor_id bigint NOT NULL, event_seq bigint NOT NULL, PRIMARY KEY (actor_id, event_seq));
CREATE INDEX event_actors_event ON event_actors (event_seq);
CREATE TABLE merge_log (
  seq bigserial PRIMARY KEY, event_id text NOT NULL, document_id text NOT NULL, contribution_seq bigint NOT NULL,
  score double precision NOT NULL, reason text NOT NULL, at text NOT NULL, undone_at text
);
CREATE INDEX merge_log_event ON merge_log (event_id);
CREATE TABLE review_log (
  seq bigserial PRIMARY KEY, event_id text NOT NULL, action text NOT NULL, reviewer text NOT NULL, note text,
  fields text, at text NOT NULL
);
CREATE INDEX review_log_event ON review_log (event_id);
`,
  },
  {
    version: 2,
    name: 'event JSON moved to event_data, so filtered scans over events stay narrow',
    sql: `
CREATE TABLE event_data (seq bigint PRIMARY KEY, data text NOT NULL);
INSERT INTO event_data (seq, data) SELECT seq, data FROM events;
ALTER TABLE events DROP COLUMN data;
`,
  },
  {
    version: 3,
    name: 'covering indexes for stats over a date range, with or without a country',
    sql: `
CREATE INDEX events_stats_country ON events (lower(country), sort_date) INCLUDE (event_type, country, admin1, fatalities, review_status, actor1, actor2);
CREATE INDEX events_stats_date ON events (sort_date) INCLUDE (event_type, country, admin1, fatalities, review_status, actor1, actor2);
`,
  },
  {
    version: 4,
    name: 'daily and monthly stats aggregates, kept with every event write',
    sql: statsTablesSql('') + 'ANALYZE stats_day, stats_month, stats_type_day, stats_actor_month, stats_actor_type_month, stats_actor_country_month;',
  },
  {
    version: 5,
    name: 'covering index for stats of one event type (its actor pairs are not aggregated by type)',
    sql: 'CREATE INDEX events_stats_type ON events (event_type, sort_date) INCLUDE (country, admin1, fatalities, review_status, actor1, actor2);',
  },
  {
    version: 6,
    name: 'covering indexes of the daily stats by country and by admin1 (counts by day read from the index alone, in order)',
    sql: `
DROP INDEX stats_day_country;
CREATE INDEX stats_day_country ON stats_day (lower(country), day, event_type) INCLUDE (country, review_status, n, f);
CREATE INDEX stats_day_admin1 ON stats_day (lower(admin1), day, event_type) INCLUDE (admin1, review_status, n, f);
`,
  },
  {
    version: 7,
    name: 'actor pairs by month for one admin1 and for one sub-event type',
    sql: actorPlaceStatsSql('') + 'ANALYZE stats_actor_admin1_month, stats_actor_subtype_month;',
  },
];

function tsQuery(q: string): string | null {
  const terms = searchTerms(q);
  if (!terms.length) return null;
  return terms.map((t) => `'${t.word}'${t.prefix ? ':*' : ''}`).join(' & ');
}

const pgDialect: Dialect = {
  textMatch(q) {
    const m = tsQuery(q);
    if (!m) return null;
    return {
      sql: `(e.notes_tsv @@ to_tsquery('english'::regconfig, CAST(? AS TEXT))
             OR e.seq IN (SELECT c.event_seq FROM contributions c JOIN documents d ON d.id = c.document_id
                           WHERE d.tsv @@ to_tsquery('english'::regconfig, CAST(? AS TEXT))))`,
      params: [m, m],
    };
  },
  textParts(q) {
    const m = tsQuery(q);
    if (!m) return null;
    const matches = "e.notes_tsv @@ to_tsquery('english'::regconfig, CAST(? AS TEXT))";
    return {
      // The GIN index answers a query of rare words at once, but for common ones (a word in one event in
      // six) it decodes every posting list, the planner may AND that bitmap with a country's whole btree
      // range, reads every hit and sorts them: 70-160 ms at 10^6 events for two such words and a country,
      // against 20-30 ms walking the (country, date) index. The planner's choice between the two was a
      // matter of its estimates; here its estimate of the hits (from the tsvector's statistics) picks the
      // form, and `scan` calls the operator's function, which no index matches, so the query walks the
      // sort index and checks each row's stored tsvector until the page is full.
      notes: {
        indexed: { sql: matches, params: [m] },
        scan: { sql: "ts_match_vq(e.notes_tsv, to_tsquery('english'::regconfig, CAST(? AS TEXT)))", params: [m] },
        probe: { kind: 'estimate', sql: `SELECT 1 FROM events e WHERE ${matches}`, params: [m] },
      },
      documentEvents: {
        sql: `SELECT DISTINCT c.event_seq AS seq FROM contributions c JOIN documents d ON d.id = c.document_id
               WHERE d.tsv @@ to_tsquery('english'::regconfig, CAST(? AS TEXT))`,
        params: [m],
      },
    };
  },
  seqIn(seqs) {
    return { sql: 'e.seq = ANY(CAST(? AS bigint[]))', params: [`{${seqs.map((n) => Math.trunc(n)).join(',')}}`] };
  },
  bbox(w, s, e, n) {
    const f = {
      sql: 'e.geog::geometry && ST_MakeEnvelope(CAST(? AS float8), CAST(? AS float8), CAST(? AS float8), CAST(? AS float8), 4326)',
      params: [w, s, e, n],
    };
    return { indexed: f, scan: f, probe: null };
  },
  near(lat, lon, km) {
    // ST_DWithin's own row estimate is far too low on geography (the planner then sorts every hit), so
    // the store estimates the hits from the enclosing box on the geometry index and, when there are
    // many, checks the distance row by row (haversine on the same sphere) while walking the sort index.
    const b = nearBox(lat, lon, km);
    const box = b.w === null
      ? { sql: 'e.latitude BETWEEN CAST(? AS float8) AND CAST(? AS float8)', params: [b.s, b.n] }
      : { sql: 'e.latitude BETWEEN CAST(? AS float8) AND CAST(? AS float8) AND e.longitude BETWEEN CAST(? AS float8) AND CAST(? AS float8)', params: [b.s, b.n, b.w, b.e] };
    return {
      indexed: {
        sql: 'ST_DWithin(e.geog, ST_SetSRID(ST_MakePoint(CAST(? AS float8), CAST(? AS float8)), 4326)::geography, CAST(? AS float8) * 1000, false)',
        params: [lon, lat, km],
      },
      scan: {
        sql: `${box.sql} AND 2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(e.latitude - CAST(? AS float8)) / 2), 2)
               + cos(radians(CAST(? AS float8))) * cos(radians(e.latitude)) * power(sin(radians(e.longitude - CAST(? AS float8)) / 2), 2)))) <= CAST(? AS float8)`,
        params: [...box.params, lat, lat, lon, km],
      },
      probe: {
        kind: 'estimate',
        sql: 'SELECT 1 FROM events e WHERE e.geog::geometry && ST_MakeEnvelope(CAST(? AS float8), CAST(? AS float8), CAST(? AS float8), CAST(? AS float8), 4326)',
        params: [b.w ?? -180, b.s, b.e ?? 180, b.n],
      },
    };
  },
  rowCompare(cols, op) {
    return `(${cols.join(', ')}) ${op} (${cols.map(() => '?').join(', ')})`;
  },
};

/** `?` placeholders to `$1…$n` (the store never writes a literal `?` in SQL). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The connection of each transaction's Tx: insertMany streams its rows through COPY on it. */
const txClients = new WeakMap<Tx, pg.PoolClient>();

function clientTx(c: pg.PoolClient | pg.Pool): Tx {
  const tx: Tx = {
    all: async <T>(sql: string, params?: readonly Param[]) => (await c.query(numbered(sql), params as unknown[])).rows as T[],
    run: async (sql: string, params?: readonly Param[]) => (await c.query(numbered(sql), params as unknown[])).rowCount ?? 0,
  };
  if (!(c instanceof pg.Pool)) txClients.set(tx, c);
  return tx;
}

/** One value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyValue(v: Param): string {
  if (v === null) return '\\N';
  if (typeof v !== 'string') return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]!) : v;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** Rows from which insertMany uses COPY instead of INSERT statements (a bulk load). */
const COPY_MIN_ROWS = 200;
/** COPY text handed to the connection per write (bounded memory for any number of rows). */
const COPY_CHUNK_CHARS = 1 << 20;

/** COPY rows into a table on the transaction's connection (text format). */
async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Param[][]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  function* chunks(): Generator<string> {
    let buf = '';
    for (const r of rows) {
      buf += r.map(copyValue).join('\t') + '\n';
      if (buf.length >= COPY_CHUNK_CHARS) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(chunks()), stream);
}

export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  readonly dialect = pgDialect;
  private readonly direct: Tx;
  /** NOTIFY channel: one per schema, so stores in different schemas of one database stay apart. */
  private channel = 'frontline_events';

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.direct = clientTx(pool);
  }

  async notify(tx: Tx, payload: string): Promise<void> {
    await tx.run('SELECT pg_notify(CAST(? AS TEXT), CAST(? AS TEXT))', [this.channel, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', (err) => process.emitWarning(`postgres listener: ${err.message}`));
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload) onPayload(m.payload);
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel.replace(/"/g, '""')}"`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  }

  async migrate(): Promise<void> {
    const c = await this.pool.connect();
    try {
      const schema = (await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
      this.channel = `frontline_events_${schema}`.slice(0, 63);
      await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)');
      const done = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const m of POSTGRES_MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      c.release();
    }
  }

  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  run(sql: string, params?: readonly Param[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const out = await fn(clientTx(c));
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async insertMany(table: string, columns: string[], rows: Param[][], tx: Tx): Promise<void> {
    const client = txClients.get(tx);
    // a bulk load streams through COPY (several times faster than multi-row INSERTs with bound parameters)
    if (client && rows.length >= COPY_MIN_ROWS) await copyRows(client, table, columns, rows);
    else for (let i = 0, per = Math.max(1, Math.floor(30000 / columns.length)); i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const values = chunk.map((r) => `(${r.map(() => '?').join(', ')})`).join(', ');
      await tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat());
    }
    if (table === 'events' || table === 'contributions' || table === 'actors' || table === 'documents') {
      // keep the serial sequence ahead of explicitly inserted seq values
      if (columns.includes('seq')) await tx.run(`SELECT setval(pg_get_serial_sequence('${table}', 'seq'), (SELECT max(seq) FROM ${table}))`);
    }
  }

  /** See Db.addRows: the rows are COPYed into a temporary table of the transaction, then upserted at once. */
  async addRows(table: string, key: readonly string[], sums: readonly string[], rows: Param[][], tx: Tx): Promise<void> {
    const client = txClients.get(tx);
    if (!client) throw new Error('addRows: not inside a transaction of this store');
    const cols = [...key, ...sums];
    const stage = `stage_${table}`;
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} ON COMMIT DROP AS SELECT ${cols.join(', ')} FROM ${table} WITH NO DATA`);
    await copyRows(client, stage, cols, rows);
    const set = sums.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
    await client.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${stage} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}`);
    await client.query(`TRUNCATE ${stage}`);
  }

  /**
   * Bulk path (see Db.suspendIndexes): drops the indexes of the tables bulkInsert writes (events,
   * event_data, contributions, event_actors, the stats aggregates) that back no constraint (the primary
   * keys and unique ids stay: inserts and upserts check them), and builds them again from their own
   * definitions (pg_get_indexdef). DROP INDEX locks the table until the transaction ends.
   */
  async suspendIndexes(tx: Tx): Promise<() => Promise<void>> {
    const indexes = await tx.all<{ name: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace
          AND (t.relname IN ('events', 'event_data', 'contributions', 'event_actors') OR t.relname LIKE 'stats\\_%')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY i.indexrelid`,
    );
    for (const ix of indexes) await tx.run(`DROP INDEX ${ix.name}`);
    return async () => {
      for (const ix of indexes) await tx.run(ix.def);
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export async function openPostgresDb(url: string): Promise<PostgresDb> {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on('error', (err) => process.emitWarning(`postgres pool: ${err.message}`));
  const db = new PostgresDb(pool, url);
  try {
    await db.migrate();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return db;
}
