/**
 * HTTP load on loopback with autocannon: N concurrent keep-alive clients for a fixed time, every
 * response time recorded (autocannon's own summary has no p95), non-2xx responses counted as errors.
 */
import autocannon from 'autocannon';
import { median, quantile } from './stats.js';

export interface LoadResult {
  p50: number;
  p95: number;
  requests: number;
  rps: number;
  errors: number;
}

function once(url: string, connections: number, limit: { duration: number } | { amount: number }): Promise<{ times: number[]; bad: number }> {
  const times: number[] = [];
  let bad = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, pipelining: 1, timeout: 120, sampleInt: 100, ...limit }, (err, result) =>
      err ? reject(err) : resolve({ times, bad: bad + result.errors + result.timeouts }),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
      else bad++;
    });
  });
}

/**
 * `connections` clients for `durationS` seconds. When a query is so slow that fewer than `connections`
 * responses complete in that time (requests still in flight at the end are dropped by autocannon), the
 * run is repeated with a fixed amount instead (two requests per client), so slow queries are measured too.
 */
export async function load(url: string, connections: number, durationS: number): Promise<LoadResult> {
  const t = performance.now();
  let r = await once(url, connections, { duration: durationS });
  let secs = (performance.now() - t) / 1000;
  if (r.times.length < connections) {
    const t2 = performance.now();
    r = await once(url, connections, { amount: connections * 2 });
    secs = (performance.now() - t2) / 1000;
  }
  return {
    p50: median(r.times),
    p95: quantile(r.times, 0.95),
    requests: r.times.length,
    rps: r.times.length / Math.max(secs, durationS),
    errors: r.bad,
  };
}
