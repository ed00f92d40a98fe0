/**
 * Shared setup of the server tests: the stores to run against (SQLite in memory always; PostgreSQL too
 * when FRONTLINE_DATABASE_URL is set), a coded-event builder for bulk-inserted fixtures,
 * the real extractor, and a run-unique token so that tests sharing one PostgreSQL database only see their own rows.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CodedEvent } from '../../src/model/index.js';
import { createExtractor, type Extractor } from '../../src/extract/index.js';
import { loadGeocoder } from '../../src/geo/index.js';
import { openStore } from '../../src/store/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/types.js';
import { buildServer, type ServerOptions } from '../../src/server/index.js';
import { freshPgUrl, pgUrl } from '../helpers/pg.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

export const BACKENDS: Backend[] = [
  // Explicit SQLite (openStore would pick PostgreSQL whenever FRONTLINE_DATABASE_URL is set).
  { name: 'sqlite', open: async () => new CoreStore(new SqliteDb(':memory:')) },
  // PostgreSQL: a fresh schema per store (dropped on close), so that events of other test files in the same
  // database never merge with this file's reports
  ...(pgUrl
    ? [{
        name: 'postgres' as const,
        open: async (): Promise<Store> => {
          const fresh = await freshPgUrl();
          const store = await openStore({ url: fresh.url });
          const close = store.close.bind(store);
          store.close = async () => {
            await close();
            await fresh.drop();
          };
          return store;
        },
      }]
    : []),
];

/** A token unique to this test run: put it in notes or text and filter with q= to see only this run's rows. */
export const runToken = (prefix = 'zq') => `${prefix}${randomBytes(5).toString('hex')}`;

let extractor: Extractor | undefined;
/** The real extractor (src/extract + src/geo), built once per test process: loading the gazetteer takes seconds. */
export function testExtractor(): Extractor {
  extractor ??= createExtractor(loadGeocoder());
  return extractor;
}

/** An extractor that must not be called (routes that do not ingest). */
export const noExtractor: Extractor = {
  extract() {
    throw new Error('extractor not expected in this test');
  },
};

export async function makeApp(store: Store, opts: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ store, extractor: opts.extractor ?? noExtractor, webRoot: '/nonexistent-web-root', ...opts });
}

/** A complete, valid coded event; override what the test is about. */
export function codedEvent(over: Partial<CodedEvent> & { event_id_cnty: string }): CodedEvent {
  return {
    event_date: '2024-07-22',
    time_precision: 1,
    disorder_type: 'Political violence',
    event_type: 'Battles',
    sub_event_type: 'Armed clash',
    actor1: 'Military Forces of Syria (2024-)',
    assoc_actor_1: null,
    inter1: 1,
    actor2: 'Hayat Tahrir al-Sham',
    assoc_actor_2: null,
    inter2: 2,
    interaction: 12,
    civilian_targeting: null,
    iso: 760,
    country: 'Syria',
    admin1: 'Idlib',
    admin2: 'Idlib',
    admin3: null,
    location: 'Sarmin',
    latitude: 35.9037,
    longitude: 36.7256,
    geo_precision: 1,
    geo_note: null,
    source: 'Test Wire',
    notes: 'Fixture event.',
    fatalities: 0,
    fatalities_approximate: false,
    injuries: 0,
    weapons: [],
    targets: [],
    confidence: 0.8,
    document_id: `${over.event_id_cnty}-doc`,
    evidence: [],
    ...over,
  };
}
