/**
 * store: the only way the CLI, server, alerts and dashboard reach stored data (the `Store` contract in
 * ./types.ts). Owns the database schema, its versioned migrations, and the persistence of documents,
 * events, their contributions (one per report), merge and review logs. Two backends behind one core:
 * SQLite (default; better-sqlite3, WAL, FTS5, R*Tree) and PostgreSQL 15 + PostGIS (`pg`), chosen by
 * `openStore`. Merge decisions come from src/merge (pure); this part must not extract, geocode or serve.
 *
 *   const store = await openStore();                          // ./frontline.db, or FRONTLINE_DATABASE_URL
 *   const store = await openStore({ path: ':memory:' });      // throwaway SQLite
 *   const store = await openStore({ url: 'postgres://…' });   // PostgreSQL + PostGIS
 *
 * Choices: rejected events are hidden from listEvents/stats unless `review_status=rejected` is asked for;
 * `actor` matches a case-insensitive substring of actor1, actor2 or an associated actor; `q` matches
 * event notes or the text of any of the event's source documents (all words, `word*` for a prefix;
 * PostgreSQL indexes the first 200,000 characters of a document); `country`/`admin1` are case-insensitive;
 * a cursor is only valid with the sort it came from. An event is stored as the combination of its
 * reports (src/merge `combine`) with analyst edits on top; a confirmed event stays confirmed when a new
 * report merges in. `subscribe` hears this process's changes and, on PostgreSQL, other processes' too
 * (LISTEN/NOTIFY); on SQLite, changes written by another process are not announced.
 */
import { CoreStore } from './core.js';
import { SqliteDb } from './sqlite.js';
import type { Store } from './types.js';

export type { Store, EventChange, IngestResult, ExtractFn, ReviewAction, StoredDocument, EventDetail, ReviewRecord, MergeRecord } from './types.js';
export { StoreInputError, contentHash, DEFAULT_NEAR_KM } from './core.js';

export interface OpenStoreOptions {
  /** SQLite file (default ./frontline.db); ':memory:' for a throwaway store (even when FRONTLINE_DATABASE_URL is set). */
  path?: string;
  /** postgres:// or postgresql:// URL; default: env FRONTLINE_DATABASE_URL. */
  url?: string;
}

function isPostgresUrl(u: string | undefined): u is string {
  return !!u && /^postgres(ql)?:\/\//i.test(u);
}

/**
 * Open (and migrate) the store: PostgreSQL when a postgres:// URL is given or set in the environment
 * (FRONTLINE_DATABASE_URL wins over a file path, so `--db` defaults do not hide it), else SQLite.
 * `path: ':memory:'` always means a throwaway in-memory SQLite store: it never writes to a shared database.
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const url = opts.url ?? (opts.path === ':memory:' ? undefined : process.env.FRONTLINE_DATABASE_URL);
  if (opts.url && !isPostgresUrl(opts.url)) throw new Error(`openStore: url must start with postgres:// (got "${opts.url}")`);
  if (isPostgresUrl(url)) {
    const { openPostgresDb } = await import('./postgres.js');
    return new CoreStore(await openPostgresDb(url));
  }
  return new CoreStore(new SqliteDb(opts.path ?? './frontline.db'));
}
