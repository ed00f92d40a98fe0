import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ingestPaths, type IngestExtractor } from '../../src/ingest/index.js';
import { createExtractor } from '../../src/extract/index.js';
import { createExtractorPool, type ExtractorPool } from '../../src/extract/pool.js';
import { loadGeocoder } from '../../src/geo/index.js';
import type { StoredEvent } from '../../src/model/index.js';
import { CoreStore } from '../../src/store/core.js';
import { SqliteDb } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/index.js';
import { generatedDoc, generatedExtractor } from './generated.js';

/** Every stored event, without the wall-clock fields, in a fixed order. */
async function storedEvents(store: Store): Promise<Omit<StoredEvent, 'created_at' | 'updated_at'>[]> {
  const { events } = await store.listEvents({ sort: 'date_desc', limit: 1000 });
  return events.map(({ created_at: _c, updated_at: _u, ...rest }) => rest).sort((a, b) => a.event_id_cnty.localeCompare(b.event_id_cnty));
}

/** Ingest the file into a fresh store; `changes` lists the store's change feed in order. */
async function ingestInto(file: string, extractor: IngestExtractor) {
  const store = new CoreStore(new SqliteDb(':memory:'));
  const changes: string[] = [];
  const unsubscribe = store.subscribe((c) => changes.push(`${c.kind} ${c.event.event_id_cnty} ${c.event.sources.length}`));
  const summary = await ingestPaths(store, [file], extractor);
  unsubscribe();
  return { store, summary, changes };
}

describe('ingest with an asynchronous extractor', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontline-async-ingest-'));
    // 2000 reports (32 batches), several about the same strikes: merging depends on the order
    writeFileSync(join(dir, 'gen.jsonl'), Array.from({ length: 2000 }, (_, k) => JSON.stringify(generatedDoc(k))).join('\n') + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores what the synchronous extractor stores, whatever order the extractions finish in', async () => {
    const sync = await ingestInto(join(dir, 'gen.jsonl'), generatedExtractor);
    let seed = 7;
    const shuffled: IngestExtractor = {
      // each document takes a pseudo-random 0–4 ms, the first of every other batch (of 64) 30 ms: the
      // next batch is extracted before it
      extract: (doc) => {
        const ms = Number(doc.id!.slice(4)) % 128 === 0 ? 30 : (seed = (seed * 48271) % 2147483647) % 5;
        return new Promise((resolve) => setTimeout(() => resolve(generatedExtractor.extract(doc)), ms));
      },
    };
    const async_ = await ingestInto(join(dir, 'gen.jsonl'), shuffled);
    assert.deepEqual(async_.summary, sync.summary);
    assert.ok(sync.summary.events_merged > 0, 'the reports merge');
    assert.deepEqual(await storedEvents(async_.store), await storedEvents(sync.store));
    // and in the same order: events are created and merged as the input orders them
    assert.deepEqual(async_.changes, sync.changes);
    await sync.store.close();
    await async_.store.close();
  });

  it('a document whose extraction fails is reported and the rest is stored', async () => {
    const failing: IngestExtractor = {
      extract: async (doc) => {
        if (doc.id === 'gen-5') throw new Error('worker said no');
        return generatedExtractor.extract(doc);
      },
    };
    const { store, summary } = await ingestInto(join(dir, 'gen.jsonl'), failing);
    assert.equal(summary.documents, 1999);
    assert.deepEqual(summary.errors, [{ path: join(dir, 'gen.jsonl'), line: 6, error: 'worker said no' }]);
    await store.close();
  });
});

describe('extractor pool', () => {
  let pool: ExtractorPool;
  let dir: string;
  before(() => {
    pool = createExtractorPool({ workers: 2 });
    dir = mkdtempSync(join(tmpdir(), 'frontline-pool-'));
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('extracts what the extractor in this thread extracts', async () => {
    const docs = readFileSync('data/samples/reports.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; published: string });
    const local = createExtractor(loadGeocoder());
    const got = await Promise.all(docs.map((d) => pool.extract(d)));
    assert.deepEqual(got, docs.map((d) => local.extract(d)));
    assert.ok(got.flat().length >= 8, 'the samples have events');
  });

  it('a document the extractor fails on rejects alone, with the extractor’s error', async () => {
    const doc = { id: 'good', text: 'Government forces shelled the town of Ariha in Idlib on Tuesday, killing two civilians.', published: '2024-03-06' };
    const [bad, good] = await Promise.allSettled([pool.extract({ id: 'bad', text: 42 as unknown as string }), pool.extract(doc)]);
    assert.equal(bad.status, 'rejected');
    assert.match(String((bad as PromiseRejectedResult).reason), /^TypeError: /);
    assert.equal(good.status, 'fulfilled');
    const events = (good as PromiseFulfilledResult<unknown[]>).value;
    assert.equal(events.length, 1);
    assert.deepEqual(events, createExtractor(loadGeocoder()).extract(doc));
  });

  it('ingests a file into the same events as the extractor in this thread', async () => {
    const file = join(dir, 'mixed.jsonl');
    const samples = readFileSync('data/samples/reports.jsonl', 'utf8').trim().split('\n');
    // the samples and generated dispatches, over two batches
    writeFileSync(file, [...samples, ...Array.from({ length: 80 }, (_, k) => JSON.stringify(generatedDoc(k)))].join('\n') + '\n');
    const local = await ingestInto(file, createExtractor(loadGeocoder()));
    const pooled = await ingestInto(file, pool);
    assert.deepEqual(pooled.summary, local.summary);
    assert.ok(local.summary.events_created > 20);
    assert.deepEqual(await storedEvents(pooled.store), await storedEvents(local.store));
    assert.deepEqual(pooled.changes, local.changes);
    await local.store.close();
    await pooled.store.close();
  });

  it('refuses work once closed', async () => {
    const p = createExtractorPool({ workers: 1 });
    await p.close();
    await assert.rejects(p.extract({ id: 'late', text: 'Shelling hit Ariha.' }), /closed/);
  });
});
