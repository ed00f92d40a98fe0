/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time and inclusive time per function,
 * top N, so a slow path can be named precisely.   npx tsx bench/lib/profile-summary.ts FILE [N]
 */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
const [file, nArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [N]');
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const incl = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  total += n.hitCount;
  self.set(key(n), (self.get(key(n)) ?? 0) + n.hitCount);
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + n.hitCount);
  }
}
const N = Number(nArg ?? 25);
const show = (title: string, m: Map<string, number>) => {
  console.log(`${title} (of ${total} samples)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, N)) console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show('self', self);
show('inclusive', incl);
