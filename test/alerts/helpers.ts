/** Shared fixtures for the alerts tests: a StoredEvent factory and temp watch databases. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent } from '../../src/model/index.js';
import { WatchRepository } from '../../src/alerts/index.js';

let seq = 0;

/** A plausible stored event; override what the test is about. */
export function makeEvent(over: Partial<StoredEvent> = {}): StoredEvent {
  seq++;
  const id = over.event_id_cnty ?? `TST${String(seq).padStart(5, '0')}`;
  return {
    event_id_cnty: id,
    event_date: '2024-07-23',
    time_precision: 1,
    disorder_type: 'Political violence',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Shelling/artillery/missile attack',
    actor1: 'Military Forces of Syria',
    assoc_actor_1: null,
    inter1: 1,
    actor2: null,
    assoc_actor_2: null,
    inter2: 0,
    interaction: 10,
    civilian_targeting: null,
    iso: 760,
    country: 'Syria',
    admin1: 'Idlib',
    admin2: null,
    admin3: null,
    location: 'Testville',
    latitude: 35.9,
    longitude: 36.6,
    geo_precision: 1,
    geo_note: null,
    source: 'Test Wire',
    notes: 'A test event written for the alerts tests.',
    fatalities: 0,
    fatalities_approximate: false,
    injuries: 0,
    weapons: [],
    targets: [],
    confidence: 0.8,
    document_id: `doc-${id}`,
    evidence: [],
    sources: [{ document_id: `doc-${id}`, source: 'Test Wire', url: 'https://example.org/report', title: 'A report', published: '2024-07-23' }],
    review_status: 'unreviewed',
    created_at: '2024-07-23T12:00:00.000Z',
    updated_at: '2024-07-23T12:00:00.000Z',
    ...over,
  };
}

/** A fresh watch database in a temp folder; call cleanup() at the end. */
export function tempRepo(): { repo: WatchRepository; dir: string; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'frontline-alerts-'));
  const path = join(dir, 'watch.db');
  const repo = new WatchRepository(path);
  return {
    repo,
    dir,
    path,
    cleanup: () => {
      repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Move a lon/lat point `km` kilometres due north (turf's spherical earth, R = 6371.0088 km). */
export function northOf([lon, lat]: [number, number], km: number): [number, number] {
  return [lon, lat + (km / 6371.0088) * (180 / Math.PI)];
}
