/**
 * Stream latency: one client on GET /api/stream; each report POSTed to /api/documents in turn; the time
 * from sending the POST to receiving the first `created`/`updated` message carrying one of the events
 * that document produced (or, for a document merged into stored events, any message naming it).
 */
import http from 'node:http';
import type { SourceDocument } from '../../src/model/index.js';
import { median, quantile } from './stats.js';

export interface StreamFigures {
  p50: number;
  p95: number;
  postP50: number;
  samples: number;
  noEvent: number; // reports that produced no event (not counted)
}

export async function streamLatency(base: string, docs: SourceDocument[]): Promise<StreamFigures> {
  const u = new URL(base);
  const waiting = new Map<string, (t: number) => void>(); // document id -> resolver
  const req = http.get({ host: u.hostname, port: u.port, path: '/api/stream', headers: { accept: 'text/event-stream' } });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  let buf = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    const now = performance.now();
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const msg = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const ev = /^event: (.+)$/m.exec(msg)?.[1];
      const data = /^data: (.+)$/m.exec(msg)?.[1];
      if (!data || (ev !== 'created' && ev !== 'updated')) continue;
      for (const [docId, done] of waiting) {
        if (data.includes(JSON.stringify(docId))) {
          waiting.delete(docId);
          done(now);
        }
      }
    }
  });
  const lat: number[] = [];
  const post: number[] = [];
  let noEvent = 0;
  try {
    for (const d of docs) {
      const id = `${d.id}-stream-${Date.now()}`;
      const body = JSON.stringify({ ...d, id, text: `${d.text}\n\nFiled ${id}.` });
      const arrived = new Promise<number>((resolve) => waiting.set(id, resolve));
      const t0 = performance.now();
      const r = await fetch(`${base}/api/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const tPost = performance.now();
      const j = (await r.json()) as { events?: unknown[] };
      if (!r.ok) throw new Error(`POST /api/documents: HTTP ${r.status} ${JSON.stringify(j).slice(0, 200)}`);
      post.push(tPost - t0);
      if (!j.events?.length) {
        waiting.delete(id);
        noEvent++;
        continue;
      }
      const t1 = await Promise.race([arrived, new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 10_000))]);
      waiting.delete(id);
      lat.push(Number.isNaN(t1) ? 10_000 : t1 - t0);
    }
  } finally {
    req.destroy();
  }
  return { p50: median(lat), p95: quantile(lat, 0.95), postP50: median(post), samples: lat.length, noEvent };
}
