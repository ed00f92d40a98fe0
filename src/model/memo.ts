/**
 * A pure function of one string, with its results kept per argument up to `limit` of them (then all are
 * forgotten at once, so memory stays bounded in a long-running server). The results are shared: read
 * them, never change them.
 */
export function memoize<V>(fn: (s: string) => V, limit: number): (s: string) => V {
  const memo = new Map<string, V>();
  return (s: string): V => {
    let v = memo.get(s);
    if (v === undefined) {
      v = fn(s);
      if (memo.size >= limit) memo.clear();
      memo.set(s, v);
    }
    return v;
  };
}
