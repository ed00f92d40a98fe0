/**
 * One behaviour suite for every Store implementation. sqlite.test.ts runs it on SQLite (always),
 * postgres.test.ts on PostgreSQL + PostGIS when FRONTLINE_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventListQuerySchema, StatsResponseSchema, StoredEventSchema, type CodedEvent, type EventListQuery } from '../../src/model/index.js';
import { StoreInputError, type EventChange, type Store } from '../../src/store/index.js';
import { codedEvent, sourceDoc } from './fixtures.js';

export type OpenFresh = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

const q = (over: Record<string, unknown> = {}): EventListQuery => EventListQuerySchema.parse(over);

async function all(store: Store, over: Record<string, unknown> = {}) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents(q({ ...over, ...(cursor ? { cursor } : {}) }));
    out.push(...page.events);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/** Ingest one document whose extractor returns the given events (document_id filled in). */
async function ingestWith(store: Store, id: string, text: string, events: Partial<CodedEvent>[], docOver = {}) {
  return store.ingest(sourceDoc(id, text, docOver), (d) => events.map((e) => codedEvent({ ...e, document_id: d.id })));
}

export function storeSuite(name: string, openFresh: OpenFresh) {
  describe(`Store behaviour: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const fresh = async () => {
      if (store) await cleanup();
      ({ store, cleanup } = await openFresh());
      return store;
    };
    after(async () => {
      if (store) await cleanup();
    });

    it('stores a document and its events, with sources and full document text', async () => {
      await fresh();
      const r = await ingestWith(store, 'doc-a', 'Drones hit a depot in Sarmin on Monday.', [{ event_id_cnty: 'SYR1', notes: 'drone strike on a depot' }], {
        url: 'https://example.org/a', title: 'Depot hit', source: 'Outlet A',
      });
      assert.equal(r.duplicate, false);
      assert.equal(r.document_id, 'doc-a');
      assert.equal(r.events.length, 1);
      const ev = await store.getEvent('SYR1');
      assert.ok(ev);
      StoredEventSchema.parse(ev);
      assert.equal(ev.review_status, 'unreviewed');
      assert.deepEqual(ev.sources, [{ document_id: 'doc-a', source: 'Outlet A', url: 'https://example.org/a', title: 'Depot hit', published: '2024-07-23' }]);
      assert.equal(ev.documents.length, 1);
      assert.equal(ev.documents[0]!.text, 'Drones hit a depot in Sarmin on Monday.');
      assert.equal(await store.getEvent('nope'), null);
    });

    it('re-ingesting the same content adds nothing and does not call the extractor', async () => {
      let calls = 0;
      const r = await store.ingest(sourceDoc('doc-a-again', 'Drones hit a depot in Sarmin on Monday.\r\n'), () => {
        calls++;
        return [codedEvent()];
      });
      assert.equal(r.duplicate, true);
      assert.equal(r.document_id, 'doc-a');
      assert.equal(calls, 0);
      assert.equal((await all(store)).length, 1);
    });

    it('keeps a different text sent under an existing document id as its own document', async () => {
      const r = await ingestWith(store, 'doc-a', 'A wholly different report about Binnish.', [{ location: 'Binnish', latitude: 35.95, longitude: 36.71, event_date: '2024-05-01' }]);
      assert.equal(r.duplicate, false);
      assert.notEqual(r.document_id, 'doc-a');
      assert.ok(r.document_id.startsWith('doc-a'));
      assert.equal(r.events[0]!.document_id, r.document_id);
    });

    it('merges a second outlet’s report of the same event: sources accumulate, fatalities are the max, never the sum', async () => {
      await fresh();
      await ingestWith(store, 'o1', 'Outlet one: two killed by drone in Sarmin.', [{ event_id_cnty: 'E1', fatalities: 2, targets: ['checkpoint'] }], { source: 'Outlet One' });
      const r = await ingestWith(store, 'o2', 'Outlet two: three dead after drone attack near Sarmin.',
        [{ event_id_cnty: 'E2', fatalities: 3, latitude: 35.91, longitude: 36.73, event_date: '2024-07-23', targets: ['checkpoint', 'vehicle'] }], { source: 'Outlet Two' });
      assert.equal(r.events.length, 1);
      const e = r.events[0]!;
      assert.equal(e.event_id_cnty, 'E1');
      assert.deepEqual(e.sources.map((s) => s.source), ['Outlet One', 'Outlet Two']);
      assert.equal(e.fatalities, 3);
      assert.deepEqual(e.targets, ['checkpoint', 'vehicle']);
      assert.equal((await all(store)).length, 1);
      const third = await ingestWith(store, 'o3', 'Outlet three repeats: two killed in Sarmin.', [{ fatalities: 2 }], { source: 'Outlet Three' });
      assert.equal(third.events[0]!.fatalities, 3, 'a lower later figure does not replace the maximum');
      assert.equal(third.events[0]!.sources.length, 3);
      const detail = await store.getEvent('E1');
      assert.equal(detail!.documents.length, 3);
      assert.deepEqual(detail!.merges.map((m) => m.document_id), ['o2', 'o3']);
    });

    it('keeps apart strikes on different targets in the same place and day, and events days apart', async () => {
      await fresh();
      const nayrab = { location: 'Nayrab', latitude: 35.8691, longitude: 36.7183, admin1: 'Idlib' };
      await ingestWith(store, 'n1', 'Report one on Nayrab.', [
        { ...nayrab, event_id_cnty: 'N-TR', actor2: 'Military Forces of Turkey', targets: ['military outpost'] },
        { ...nayrab, event_id_cnty: 'N-HTS', actor2: 'Hayat Tahrir al-Sham' },
      ]);
      assert.equal((await all(store)).length, 2, 'two events of one report are never merged together');
      const r = await ingestWith(store, 'n2', 'Report two on Nayrab.', [
        { ...nayrab, actor2: 'Military Forces of Turkey', targets: ['outpost'] },
        { ...nayrab, actor2: 'Hayat Tahrir al-Sham' },
        { ...nayrab, event_date: '2024-07-25', actor2: 'Hayat Tahrir al-Sham' },
      ]);
      const ids = r.events.map((e) => e.event_id_cnty).sort();
      assert.equal(ids.length, 3);
      assert.ok(ids.includes('N-TR') && ids.includes('N-HTS'));
      const tr = await store.getEvent('N-TR');
      assert.deepEqual(tr!.sources.map((s) => s.document_id), ['n1', 'n2']);
      assert.equal((await all(store)).length, 3);
    });

    it('stats from the aggregates equal stats over the events after ingest, merge, edit, reject, unmerge and bulk insert', async () => {
      await fresh();
      // min_fatalities: 0 matches every event but makes the store read the events themselves
      const filters: Record<string, unknown>[] = [
        {}, { country: 'syria' }, { admin1: 'IDLIB' }, { event_type: 'Battles' }, { sub_event_type: 'Armed clash' },
        { from: '2024-07-23' }, { to: '2024-07-31' }, { from: '2024-06-15', to: '2024-08-10' }, { from: '2024-07-01', to: '2024-07-31' },
        { from: '2024-07-24', to: '2024-07-24', country: 'Syria' }, { review_status: 'rejected' }, { review_status: 'edited' },
        { event_type: 'Battles', from: '2024-07-10' }, { country: 'SYRIA', to: '2024-07-25' }, { from: '2024-06-01', to: '2024-07-31' },
        { from: '2024-06-15', to: '2024-08-10', event_type: 'Explosions/Remote violence' }, { from: '2024-06-30', to: '2024-08-01', country: 'Syria' },
        { admin1: 'idlib', from: '2024-06-15' }, { sub_event_type: 'Armed clash', to: '2024-07-31' }, { admin1: 'Aleppo', to: '2024-08-20' },
      ];
      const check = async (when: string) => {
        for (const f of filters) {
          assert.deepEqual(await store.stats(f as never), await store.stats({ ...f, min_fatalities: 0 } as never), `${when}: ${JSON.stringify(f)}`);
        }
      };
      await ingestWith(store, 'a1', 'First outlet on Sarmin and Taftanaz.', [
        { event_id_cnty: 'A1', fatalities: 2 },
        { event_id_cnty: 'A2', event_type: 'Battles', sub_event_type: 'Armed clash', location: 'Taftanaz', latitude: 35.99, longitude: 36.78, actor2: 'Hayat Tahrir al-Sham', fatalities: 4 },
        { event_id_cnty: 'A3', event_date: null, location: 'Aden', country: 'Yemen', admin1: null, latitude: 12.78, longitude: 45.03 },
      ]);
      await ingestWith(store, 'a2', 'Second outlet: Sarmin toll rises.', [{ fatalities: 6, event_date: '2024-07-23' }]);
      await check('after merge');
      await store.review('A2', { action: 'edit', reviewer: 'amal', fields: { fatalities: 9, admin1: 'Aleppo', event_date: '2024-08-01' } });
      await store.review('A3', { action: 'reject', reviewer: 'amal' });
      await check('after review');
      await store.unmerge('A1', 'a2');
      await store.bulkInsert([codedEvent({ event_id_cnty: 'B1', event_date: '2024-06-30', fatalities: 1 }), codedEvent({ event_id_cnty: 'B2', admin1: null, actor2: null })]);
      await check('after unmerge and bulk insert');
      assert.equal((await store.stats({})).total, 5);
      assert.equal((await store.stats({ review_status: 'rejected' })).total, 1);
    });

    it('gives an event whose coded id is taken a derived id', async () => {
      await fresh();
      await ingestWith(store, 'i1', 'First report.', [{ event_id_cnty: 'DUP' }]);
      const r = await ingestWith(store, 'i2', 'Second report, elsewhere.', [{ event_id_cnty: 'DUP', location: 'Binnish', latitude: 35.95, longitude: 36.71, event_date: '2024-01-02' }]);
      assert.equal(r.events[0]!.event_id_cnty, 'DUP-2');
      assert.equal((await store.getEvent('DUP-2'))!.location, 'Binnish');
      assert.equal(await store.bulkInsert([codedEvent({ event_id_cnty: 'DUP' }), codedEvent({ event_id_cnty: 'DUP' }), codedEvent({ event_id_cnty: 'NEW' })]), 3);
      assert.deepEqual((await all(store, { sort: 'date_asc' })).map((e) => e.event_id_cnty).sort(), ['DUP', 'DUP-2', 'DUP-3', 'DUP-4', 'NEW']);
    });

    it('unmerges a document’s contribution into its own event and records it', async () => {
      await fresh();
      await ingestWith(store, 'u1', 'First report of the shelling of Harbal.', [{ event_id_cnty: 'U1', fatalities: 1, notes: 'shelling of Harbal' }], { source: 'Outlet One' });
      await ingestWith(store, 'u2', 'Second report of the shelling of Harbal, four dead.', [{ event_id_cnty: 'U2', fatalities: 4 }], { source: 'Outlet Two' });
      assert.equal((await all(store)).length, 1);
      assert.equal(await store.unmerge('missing', 'u2'), null);
      assert.equal(await store.unmerge('U1', 'not-a-source'), null);
      const split = await store.unmerge('U1', 'u2');
      assert.ok(split);
      assert.equal(split.length, 2);
      const [a, b] = split;
      assert.equal(a!.event_id_cnty, 'U1');
      assert.equal(a!.fatalities, 1);
      assert.deepEqual(a!.sources.map((s) => s.document_id), ['u1']);
      assert.equal(b!.event_id_cnty, 'U2');
      assert.equal(b!.fatalities, 4);
      assert.deepEqual(b!.sources.map((s) => s.document_id), ['u2']);
      assert.equal((await all(store)).length, 2);
      const detail = await store.getEvent('U1');
      assert.ok(detail!.merges[0]!.undone_at);
      await assert.rejects(store.unmerge('U1', 'u1'), StoreInputError);
    });

    it('review: confirm, edit (edits win and are shown), reject (hidden unless asked for), all logged', async () => {
      await fresh();
      await ingestWith(store, 'r1', 'A report on Kharbashah.', [{ event_id_cnty: 'R1', location: 'Kharbashah', fatalities: 1 }]);
      assert.equal(await store.review('nope', { action: 'confirm', reviewer: 'amal' }), null);
      const c = await store.review('R1', { action: 'confirm', reviewer: 'amal', note: 'checked against a second source' });
      assert.equal(c!.review_status, 'confirmed');
      const e = await store.review('R1', { action: 'edit', reviewer: 'ben', fields: { fatalities: 5, location: 'Kharbashieh' } });
      assert.equal(e!.review_status, 'edited');
      assert.equal(e!.fatalities, 5);
      assert.equal(e!.location, 'Kharbashieh');
      await assert.rejects(store.review('R1', { action: 'edit', reviewer: 'ben', fields: { fatalities: -1 } }), StoreInputError);
      await assert.rejects(store.review('R1', { action: 'edit', reviewer: 'ben', fields: { document_id: 'x' } as never }), StoreInputError);
      await assert.rejects(store.review('R1', { action: 'confirm', reviewer: '' }), StoreInputError);
      // a later report merging in does not undo the analyst's edit
      const m = await ingestWith(store, 'r2', 'Another report on Kharbashah.', [{ location: 'Kharbashah', fatalities: 9 }]);
      assert.equal(m.events[0]!.event_id_cnty, 'R1');
      assert.equal(m.events[0]!.fatalities, 5);
      assert.equal(m.events[0]!.sources.length, 2);
      const d = await store.getEvent('R1');
      assert.deepEqual(d!.edited_fields.sort(), ['fatalities', 'location']);
      assert.equal(d!.actor2, 'Hayat Tahrir al-Sham');
      assert.deepEqual(d!.reviews.map((r) => [r.action, r.reviewer]), [['confirm', 'amal'], ['edit', 'ben']]);
      assert.equal(d!.reviews[0]!.note, 'checked against a second source');
      assert.deepEqual(d!.reviews[1]!.fields, { fatalities: 5, location: 'Kharbashieh' });
      assert.equal((await all(store, { min_fatalities: 5 })).length, 1, 'filters read reviewed values');
      assert.equal((await all(store, { actor: 'tahrir' })).length, 1);
      await store.review('R1', { action: 'edit', reviewer: 'ben', fields: { actor2: 'Local Defence Militia' } });
      assert.equal((await all(store, { actor: 'local defence' })).length, 1, 'the actor index follows an edited actor');
      assert.equal((await all(store, { actor: 'tahrir' })).length, 0);
      const rj = await store.review('R1', { action: 'reject', reviewer: 'amal' });
      assert.equal(rj!.review_status, 'rejected');
      assert.equal((await all(store)).length, 0);
      assert.equal((await all(store, { review_status: 'rejected' })).length, 1);
      assert.equal((await store.stats({})).total, 0);
    });

    it('publishes created and updated events to subscribers after commit', async () => {
      await fresh();
      const seen: EventChange[] = [];
      const unsubscribe = store.subscribe((c) => seen.push(c));
      await ingestWith(store, 's1', 'Report S1 on Sarmin.', [{ event_id_cnty: 'S1' }]);
      await ingestWith(store, 's2', 'Report S2 on Sarmin.', [{}]);
      await store.review('S1', { action: 'confirm', reviewer: 'amal' });
      unsubscribe();
      await ingestWith(store, 's3', 'Report S3 on Binnish.', [{ location: 'Binnish', latitude: 35.95, longitude: 36.71, event_date: '2024-01-01' }]);
      assert.deepEqual(seen.map((c) => [c.kind, c.event.event_id_cnty, c.event.sources.length]), [
        ['created', 'S1', 1],
        ['updated', 'S1', 2],
        ['updated', 'S1', 2],
      ]);
      const fromGet = await store.getEvent('S1');
      assert.equal(fromGet!.review_status, 'confirmed');
    });

    it('stores the document even when extraction fails, and a later run extracts it', async () => {
      await fresh();
      await assert.rejects(store.ingest(sourceDoc('f1', 'A report the extractor chokes on.'), () => {
        throw new Error('boom');
      }), /boom/);
      assert.equal((await all(store)).length, 0);
      const r = await ingestWith(store, 'f1', 'A report the extractor chokes on.', [{ event_id_cnty: 'F1' }]);
      assert.equal(r.duplicate, false);
      assert.equal(r.document_id, 'f1');
      assert.equal(r.events.length, 1);
      await assert.rejects(store.ingest(sourceDoc('f2', 'x', { published: 'yesterday' }), () => []), StoreInputError);
    });

    it('ingestMany gives the same documents, events, merges and results as ingesting one by one', async () => {
      // a batch with merges across its documents, the same content twice, a document whose extraction
      // fails, an invalid document, and a report of an event stored by an earlier batch
      const docs = [
        sourceDoc('m1', 'First outlet: two killed by drone in Sarmin.', { source: 'Outlet One' }),
        sourceDoc('m2', 'Second outlet: three dead after a drone attack near Sarmin.', { source: 'Outlet Two' }),
        sourceDoc('m3', 'First outlet: two killed by drone in Sarmin.\r\n'),
        sourceDoc('m4', 'A report the extractor chokes on.'),
        sourceDoc('m5', 'x', { published: 'yesterday' }),
        sourceDoc('m6', 'Shelling of Binnish and a third account of Sarmin.', { source: 'Outlet Three' }),
        sourceDoc('m7', 'Later: Binnish toll rises to five.', { source: 'Outlet Four' }),
      ];
      const coded: Record<string, Partial<CodedEvent>[]> = {
        m1: [{ event_id_cnty: 'M1', fatalities: 2, targets: ['checkpoint'] }],
        m2: [{ event_id_cnty: 'M2', fatalities: 3, notes: 'drone attack near Sarmin' }],
        m6: [{ event_id_cnty: 'M6', location: 'Binnish', latitude: 35.95, longitude: 36.71, fatalities: 1 }, { event_id_cnty: 'M6b', fatalities: 4 }],
        m7: [{ event_id_cnty: 'M7', location: 'Binnish', latitude: 35.95, longitude: 36.71, fatalities: 5 }],
      };
      let calls: string[] = [];
      const extract = (d: { id?: string }) => {
        calls.push(d.id!);
        if (d.id === 'm4') throw new Error('boom');
        return (coded[d.id!] ?? []).map((e) => codedEvent({ ...e, document_id: d.id! }));
      };
      const earlier = sourceDoc('m0', 'An earlier report of the Binnish shelling.');
      const earlierEvents = [{ event_id_cnty: 'M0', location: 'Binnish', latitude: 35.95, longitude: 36.71, fatalities: 0 }];
      const snapshot = async (s: Store) => {
        const events = await all(s, { sort: 'date_asc' });
        const out = [];
        for (const e of events.sort((a, b) => a.event_id_cnty.localeCompare(b.event_id_cnty))) {
          const d = (await s.getEvent(e.event_id_cnty))!;
          out.push({
            ...e, created_at: undefined, updated_at: undefined,
            documents: d.documents.map((x) => x.id),
            merges: d.merges.map((m) => ({ ...m, at: undefined })),
          });
        }
        return out;
      };
      const changes: string[] = [];
      // one by one (a second fresh store)
      const other = await openFresh();
      let oneByOne: unknown[];
      let oneByOneSnap: unknown;
      let oneByOneCalls: string[];
      try {
        await ingestWith(other.store, 'm0', earlier.text, earlierEvents);
        other.store.subscribe((c) => changes.push(`${c.kind} ${c.event.event_id_cnty} ${c.event.sources.length}`));
        oneByOne = [];
        for (const d of docs) {
          try {
            oneByOne.push(await other.store.ingest(d, extract));
          } catch (err) {
            oneByOne.push(err);
          }
        }
        oneByOneCalls = calls;
        oneByOneSnap = await snapshot(other.store);
      } finally {
        await other.cleanup();
      }
      const oneByOneChanges = changes.splice(0);
      calls = [];
      await fresh();
      await ingestWith(store, 'm0', earlier.text, earlierEvents);
      store.subscribe((c) => changes.push(`${c.kind} ${c.event.event_id_cnty} ${c.event.sources.length}`));
      const batch = await store.ingestMany(docs, extract);
      assert.equal(batch.length, docs.length);
      const strip = (r: unknown) => (r instanceof Error ? `${r.name}: ${r.message}` : { ...(r as object), events: (r as { events: { event_id_cnty: string }[] }).events.map((e) => e.event_id_cnty) });
      assert.deepEqual(batch.map(strip), oneByOne.map(strip));
      assert.ok(batch[4] instanceof StoreInputError);
      assert.match(String(batch[3]), /boom/);
      assert.deepEqual(batch[2], { document_id: 'm1', duplicate: true, events: [] });
      assert.deepEqual(calls, oneByOneCalls, 'the same documents are extracted, once each');
      assert.deepEqual(changes, oneByOneChanges);
      const snap = await snapshot(store);
      assert.deepEqual(snap, oneByOneSnap);
      assert.ok((snap as { merges: unknown[] }[]).some((e) => e.merges.length >= 2), 'the batch merges');
      // the document whose extraction failed is stored, pending: a later batch extracts it
      const again = await store.ingestMany([docs[3]!, docs[0]!], (d) => [codedEvent({ document_id: d.id!, event_id_cnty: 'M4', location: 'Atarib', latitude: 36.1364, longitude: 36.83 })]);
      assert.deepEqual(again.map(strip), [{ document_id: 'm4', duplicate: false, events: ['M4'] }, { document_id: 'm1', duplicate: true, events: [] }]);
    });

    describe('listEvents filters, sorting and pagination', () => {
      before(async () => {
        await fresh();
        const base = { admin1: 'Idlib', country: 'Syria' };
        const events: CodedEvent[] = [
          codedEvent({ ...base, event_id_cnty: 'L1', event_date: '2024-07-01', location: 'Sarmin', latitude: 35.9037, longitude: 36.7239, fatalities: 0, notes: 'drone strike on a fuel depot', actor1: 'Military Forces of Syria', actor2: 'Hayat Tahrir al-Sham' }),
          codedEvent({ ...base, event_id_cnty: 'L2', event_date: '2024-07-02', location: 'Nayrab', latitude: 35.8691, longitude: 36.7183, fatalities: 4, notes: 'shelling of the market', event_type: 'Explosions/Remote violence', sub_event_type: 'Shelling/artillery/missile attack', actor1: 'Military Forces of Turkey', actor2: 'Military Forces of Syria', assoc_actor_1: 'Syrian National Army; Local Militia' }),
          codedEvent({ country: 'Syria', admin1: 'Aleppo', event_id_cnty: 'L3', event_date: '2024-07-03', location: 'Harbal', latitude: 36.4307, longitude: 37.1669, fatalities: 10, notes: 'armed clash at a checkpoint', event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Syrian Democratic Forces', actor2: 'Military Forces of Turkey' }),
          codedEvent({ country: 'Syria', admin1: 'Hama', event_id_cnty: 'L4', event_date: '2024-07-03', location: 'Ghab Plain', latitude: 35.65, longitude: 36.35, geo_precision: 2, fatalities: 2, notes: 'exchange of fire in the plain', event_type: 'Battles', sub_event_type: 'Armed clash', actor1: 'Military Forces of Syria', actor2: 'Islamist militants' }),
          codedEvent({ country: 'Yemen', admin1: 'Taizz', iso: 887, event_id_cnty: 'L5', event_date: '2024-07-04', location: 'Taizz', latitude: 13.58, longitude: 44.02, fatalities: 1, notes: 'protest over salaries', event_type: 'Protests', sub_event_type: 'Peaceful protest', actor1: 'Protesters (Yemen)', actor2: null }),
          codedEvent({ country: 'Syria', admin1: null, event_id_cnty: 'L6', event_date: null, time_precision: 3, location: 'Syria', latitude: null, longitude: null, geo_precision: 3, fatalities: 0, notes: 'undated campaign summary', event_type: 'Strategic developments', sub_event_type: 'Other', actor1: 'Military Forces of Syria', actor2: null }),
        ];
        assert.equal(await store.bulkInsert(events), 6);
        // one ingested event whose source text (not its notes) holds a rare word
        await ingestWith(store, 'L7doc', 'Witnesses described a zeppelin-shaped balloon over Binnish before the strike.', [
          { event_id_cnty: 'L7', event_date: '2024-06-15', location: 'Binnish', latitude: 35.95, longitude: 36.71, fatalities: 0, notes: 'strike near Binnish', actor2: null },
        ]);
      });

      const ids = async (over: Record<string, unknown>) => (await all(store, over)).map((e) => e.event_id_cnty);

      it('lists everything newest first by default, undated last', async () => {
        assert.deepEqual(await ids({}), ['L5', 'L4', 'L3', 'L2', 'L1', 'L7', 'L6']);
      });
      it('from / to', async () => {
        assert.deepEqual(await ids({ from: '2024-07-02', to: '2024-07-03' }), ['L4', 'L3', 'L2']);
        assert.deepEqual(await ids({ to: '2024-07-01' }), ['L1', 'L7']);
      });
      it('country and admin1, case-insensitively', async () => {
        assert.deepEqual(await ids({ country: 'yemen' }), ['L5']);
        assert.deepEqual((await ids({ country: 'Syria', admin1: 'IDLIB' })).sort(), ['L1', 'L2', 'L7']);
      });
      it('event_type and sub_event_type', async () => {
        assert.deepEqual(await ids({ event_type: 'Battles' }), ['L4', 'L3']);
        assert.deepEqual(await ids({ sub_event_type: 'Shelling/artillery/missile attack' }), ['L2']);
      });
      it('actor matches actor1, actor2 and associated actors, case-insensitively', async () => {
        assert.deepEqual(await ids({ actor: 'military forces of turkey' }), ['L3', 'L2']);
        assert.deepEqual(await ids({ actor: 'LOCAL MILITIA' }), ['L2']);
        assert.deepEqual(await ids({ actor: 'hayat tahrir' }), ['L1']);
        assert.deepEqual(await ids({ actor: '100%_' }), []);
      });
      it('q searches notes and the source document text', async () => {
        assert.deepEqual(await ids({ q: 'checkpoint' }), ['L3']);
        assert.deepEqual(await ids({ q: 'zeppelin' }), ['L7']);
        assert.deepEqual(await ids({ q: 'fuel depot' }), ['L1']);
        assert.deepEqual(await ids({ q: 'salar*' }), ['L5']);
        assert.deepEqual(await ids({ q: '"); DROP TABLE events; --' }), []);
        assert.deepEqual(await ids({ q: '!!!' }), []);
      });
      it('bbox and near (+km, default 25 km)', async () => {
        assert.deepEqual((await ids({ bbox: '36.6,35.8,36.8,36.0' })).sort(), ['L1', 'L2', 'L7']);
        assert.deepEqual((await ids({ near: '35.9037,36.7239', km: '1' })), ['L1']);
        assert.deepEqual((await ids({ near: '35.9037,36.7239', km: '6' })).sort(), ['L1', 'L2', 'L7']);
        assert.deepEqual((await ids({ near: '35.9037,36.7239' })).sort(), ['L1', 'L2', 'L7'], 'default 25 km reaches neither Harbal nor the Ghab');
        assert.deepEqual((await ids({ near: '35.9037,36.7239', km: '60' })).sort(), ['L1', 'L2', 'L4', 'L7']);
      });
      /** Each query gives the same, non-empty ids with the store's own plan choice and with row-by-row forced (probeLimit 0). */
      const samePlans = async (tunable: Store & { probeLimit?: number }, queries: Record<string, unknown>[]): Promise<void> => {
        const saved = tunable.probeLimit!;
        try {
          for (const query of queries) {
            tunable.probeLimit = saved;
            const indexed = await ids(query);
            tunable.probeLimit = 0;
            assert.deepEqual(await ids(query), indexed, JSON.stringify(query));
            assert.ok(indexed.length > 0, JSON.stringify(query));
          }
        } finally {
          tunable.probeLimit = saved;
        }
      };
      it('actor, bbox and near give the same results whichever plan the store picks', async () => {
        const tunable = store as Store & { probeLimit?: number };
        assert.equal(typeof tunable.probeLimit, 'number');
        const queries = [
          { actor: 'military forces of syria' }, { actor: 'turkey', from: '2024-07-02' }, { bbox: '36.6,35.8,36.8,36.0' },
          { bbox: '-180,-90,180,90', sort: 'date_asc' }, { near: '35.9037,36.7239', km: '6' }, { near: '35.9037,36.7239', km: '60', country: 'syria' },
        ];
        await samePlans(tunable, queries);
      });
      it('q gives the same results, pages and order whichever plan the store picks (text index or row by row)', async () => {
        const tunable = store as Store & { probeLimit?: number };
        const queries = [
          { q: 'checkpoint' }, { q: 'zeppelin' }, { q: 'fuel depot' }, { q: 'salar*' }, { q: 'fuel depot', country: 'syria' },
          { q: 'strike', limit: 1 }, { q: 'strike', limit: 1, sort: 'date_asc' }, { q: 'strike', sort: 'fatalities_desc', limit: 1 },
          { q: 'strike', country: 'Syria', limit: 1 },
        ];
        await samePlans(tunable, queries);
        const saved = tunable.probeLimit!;
        try {
          tunable.probeLimit = 0;
          assert.deepEqual(await ids({ q: 'no-such-word' }), []);
        } finally {
          tunable.probeLimit = saved;
        }
      });
      it('min_fatalities, review_status and combined filters', async () => {
        assert.deepEqual(await ids({ min_fatalities: '2' }), ['L4', 'L3', 'L2']);
        assert.deepEqual(await ids({ review_status: 'unreviewed', country: 'Syria', event_type: 'Battles', min_fatalities: 5, from: '2024-07-01' }), ['L3']);
        assert.deepEqual(await ids({ review_status: 'confirmed' }), []);
      });
      it('sorts by date ascending and by fatalities', async () => {
        assert.deepEqual(await ids({ sort: 'date_asc' }), ['L6', 'L7', 'L1', 'L2', 'L3', 'L4', 'L5']);
        assert.deepEqual((await ids({ sort: 'fatalities_desc' })).slice(0, 4), ['L3', 'L2', 'L4', 'L5']);
      });
      it('cursor pagination visits every event once for each sort, and rejects a bad cursor', async () => {
        for (const sort of ['date_desc', 'date_asc', 'fatalities_desc']) {
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await store.listEvents(q({ sort, limit: 2, ...(cursor ? { cursor } : {}) }));
            assert.ok(page.events.length <= 2);
            seen.push(...page.events.map((e) => e.event_id_cnty));
            cursor = page.next_cursor ?? undefined;
            pages++;
          } while (cursor);
          assert.equal(pages, 4, sort);
          assert.deepEqual([...seen].sort(), ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'], sort);
        }
        const first = await store.listEvents(q({ limit: 2 }));
        await assert.rejects(store.listEvents(q({ cursor: 'garbage' })), StoreInputError);
        await assert.rejects(store.listEvents(q({ sort: 'date_asc', cursor: first.next_cursor! })), StoreInputError);
      });
      it('stats counts by day, type, actor and admin1 with the same filters', async () => {
        const s = StatsResponseSchema.parse(await store.stats({}));
        assert.equal(s.total, 7);
        assert.deepEqual(s.by_type.find((t) => t.event_type === 'Battles'), { event_type: 'Battles', count: 2, fatalities: 12 });
        assert.deepEqual(s.by_day.filter((d) => d.day === '2024-07-03'), [{ day: '2024-07-03', event_type: 'Battles', count: 2 }]);
        assert.equal(s.by_day.some((d) => d.day === ''), false);
        assert.equal(s.by_actor[0]!.actor, 'Military Forces of Syria');
        assert.equal(s.by_actor[0]!.count, 5);
        assert.deepEqual(s.by_admin1[0], { country: 'Syria', admin1: 'Idlib', count: 3 });
        const y = await store.stats({ country: 'Yemen' });
        assert.equal(y.total, 1);
        assert.deepEqual(y.by_admin1, [{ country: 'Yemen', admin1: 'Taizz', count: 1 }]);
      });
    });
  });
}
