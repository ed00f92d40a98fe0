/** Where the benchmarks keep generated data (bench/out/, gitignored) and the repository root. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = path.join(REPO, 'bench', 'out');
export const TMP = path.join(OUT, 'tmp');

export function outDirs(): void {
  mkdirSync(TMP, { recursive: true });
}
