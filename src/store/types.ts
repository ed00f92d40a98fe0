/**
 * The Store contract: the only way the CLI, server, alerts and dashboard reach stored data.
 * Two implementations (SQLite default, PostgreSQL+PostGIS via FRONTLINE_DATABASE_URL) pass one suite.
 */
import type {
  CodedEvent,
  EventFilter,
  EventListQuery,
  SourceDocument,
  StatsResponse,
  StoredEvent,
} from '../model/index.js';

export interface IngestResult {
  document_id: string;
  duplicate: boolean; // the same content was already stored: nothing added
  events: StoredEvent[]; // events created or updated (merged into) by this document
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Store the document (before extraction), then its extracted events in one transaction, merging duplicates. */
  ingest(doc: SourceDocument, extract: (doc: SourceDocument) => CodedEvent[]): Promise<IngestResult>;
  getEvent(id: string): Promise<(StoredEvent & { documents?: { id: string; text: string }[] }) | null>;
  listEvents(query: EventListQuery): Promise<{ events: StoredEvent[]; next_cursor: string | null }>;
  stats(filter: EventFilter): Promise<StatsResponse>;
  close(): Promise<void>;
}
