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

export async function load(url: string, connections: number, durationS: number): Promise<LoadResult> {
  const times: number[] = [];
  let bad = 0;
  const res = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: durationS, pipelining: 1, timeout: 30 }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) times.push(ms);
      else bad++;
    });
  });
  return {
    p50: median(times),
    p95: quantile(times, 0.95),
    requests: times.length,
    rps: times.length / durationS,
    errors: bad + res.errors + res.timeouts,
  };
}
