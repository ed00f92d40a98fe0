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

/** What the store runs on a stored document: the extractor, in this thread or in a pool of workers. */
export type ExtractFn = (doc: SourceDocument) => CodedEvent[] | Promise<CodedEvent[]>;

export interface IngestResult {
  document_id: string;
  duplicate: boolean; // the same content was already stored: nothing added
  events: StoredEvent[]; // events created or updated (merged into) by this document
}

/** A change to the stored events, as published to listeners (stream, alerts). */
export interface EventChange {
  kind: 'created' | 'updated' | 'deleted';
  event: StoredEvent;
}

export interface StoredDocument {
  id: string;
  text: string;
  title: string | null;
  url: string | null;
  source: string | null;
  published: string | null;
}

/** A review action by an analyst; kept with who and when. */
export type ReviewAction =
  | { action: 'confirm'; reviewer: string; note?: string }
  | { action: 'reject'; reviewer: string; note?: string }
  | { action: 'edit'; reviewer: string; fields: Partial<CodedEvent>; note?: string };

/** One entry of an event's review log. */
export interface ReviewRecord {
  action: 'confirm' | 'reject' | 'edit';
  reviewer: string;
  note: string | null;
  fields: Partial<CodedEvent> | null;
  at: string;
}

/** One entry of an event's merge log: a document's report was merged into the event. */
export interface MergeRecord {
  event_id: string;
  document_id: string;
  score: number;
  reason: string;
  at: string;
  undone_at: string | null;
}

/** What getEvent adds to a stored event: its documents and its history. */
export interface EventDetail extends StoredEvent {
  documents: StoredDocument[];
  /** Fields whose value comes from an analyst's edit rather than from extraction. */
  edited_fields: string[];
  reviews: ReviewRecord[];
  merges: MergeRecord[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Store the document (before extraction), then its extracted events in one transaction, merging duplicates. */
  ingest(doc: SourceDocument, extract: ExtractFn): Promise<IngestResult>;
  /**
   * `ingest` for a batch of documents, with the same guarantees and the same result as ingesting them
   * one by one in order, in fewer transactions. One result per document: its IngestResult, or the Error
   * `ingest` would have thrown for it. An asynchronous `extract` (a pool of extraction workers) is called
   * for all of the batch's new documents at once and awaited together.
   */
  ingestMany(docs: readonly SourceDocument[], extract: ExtractFn): Promise<(IngestResult | Error)[]>;
  /** An event with its sources, evidence, and the full text of its source documents. */
  getEvent(id: string): Promise<EventDetail | null>;
  listEvents(query: EventListQuery): Promise<{ events: StoredEvent[]; next_cursor: string | null }>;
  stats(filter: EventFilter): Promise<StatsResponse>;
  /** Apply a review action; returns the updated event, or null for an unknown id. */
  review(id: string, action: ReviewAction): Promise<StoredEvent | null>;
  /** Undo the merge of one document's contribution into an event: that document's event becomes its own event again. */
  unmerge(id: string, documentId: string): Promise<StoredEvent[] | null>;
  /** Listen to created/updated events (after commit). Returns an unsubscribe function. */
  subscribe(listener: (change: EventChange) => void): () => void;
  /**
   * Insert already-coded events as they are, without merging (bench generator, imports). Each event gets
   * one synthetic source document per distinct `document_id` (not stored as text). Returns the count inserted.
   * `events` is one batch, or batches (an iterable of arrays, e.g. a generator, so a large load need not be
   * in memory at once); either way everything is one transaction. With `rebuildIndexes` the secondary,
   * full-text and spatial indexes are dropped for the load and built once at its end (fast for a load larger
   * than what is stored; the default when the first batch has at least 1,000 events and outnumbers the stored
   * ones). The rows, search results and stats are the same either way.
   */
  bulkInsert(events: CodedEvent[] | Iterable<CodedEvent[]>, opts?: BulkInsertOptions): Promise<number>;
  close(): Promise<void>;
}

export interface BulkInsertOptions {
  /** Drop and rebuild the indexes around the load (see Store.bulkInsert); default: decided by size. */
  rebuildIndexes?: boolean;
}

