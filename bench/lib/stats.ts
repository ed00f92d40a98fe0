/** Small statistics and formatting helpers for the benchmarks. */
export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest-rank
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
export const median = (xs: number[]): number => quantile(xs, 0.5);

/** Milliseconds since `t` (from process.hrtime.bigint()). */
export const msSince = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

export function fmt(x: number | null | undefined, digits?: number): string {
  if (x == null || Number.isNaN(x)) return '—';
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });
}
