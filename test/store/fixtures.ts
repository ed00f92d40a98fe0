/** Builders of coded events and documents for store, merge and ingest tests (our own wording). */
import type { CodedEvent, SourceDocument } from '../../src/model/index.js';

let counter = 0;

/** A coded event with sensible defaults; override what the test is about. */
export function codedEvent(over: Partial<CodedEvent> = {}): CodedEvent {
  counter++;
  const document_id = over.document_id ?? `doc-${counter}`;
  return {
    event_id_cnty: `SYR${String(counter).padStart(6, '0')}`,
    event_date: '2024-07-22',
    time_precision: 1,
    disorder_type: 'Political violence',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Air/drone strike',
    actor1: 'Military Forces of Syria',
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
    longitude: 36.7239,
    geo_precision: 1,
    geo_note: null,
    source: 'Test Outlet',
    notes: 'A drone struck positions near the town.',
    fatalities: 0,
    fatalities_approximate: false,
    injuries: 0,
    weapons: ['drone'],
    targets: [],
    confidence: 0.8,
    document_id,
    evidence: [],
    ...over,
  } as CodedEvent;
}

export function sourceDoc(id: string, text: string, over: Partial<SourceDocument> = {}): SourceDocument {
  return { id, text, published: '2024-07-23', source: 'Test Outlet', url: null, title: null, ...over };
}
