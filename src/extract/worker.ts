/**
 * One extraction worker of the pool (pool.ts): loads the geocoder and the extractor once, then answers
 * each request with the document's events, or with the extractor's error for that document.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CodedEvent, SourceDocument } from '../model/index.js';
import { loadGeocoder } from '../geo/index.js';
import { createExtractor } from './index.js';

export interface WorkerRequest {
  id: number;
  doc: SourceDocument;
}

export type WorkerReply =
  | { ready: true }
  | { id: number; ok: true; events: CodedEvent[] }
  | { id: number; ok: false; error: string; name?: string };

if (parentPort) {
  const port = parentPort;
  const extractor = createExtractor(loadGeocoder(), { maxChars: (workerData as { maxChars?: number } | null)?.maxChars });
  port.postMessage({ ready: true } satisfies WorkerReply);
  port.on('message', (req: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id: req.id, ok: true, events: extractor.extract(req.doc) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id: req.id, ok: false, error: e.message, name: e.name };
    }
    port.postMessage(reply);
  });
}
