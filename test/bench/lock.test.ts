import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockBenchOut } from '../../bench/lib/lock.js';

test('bench lock: one holder at a time; a lock left by a dead process is taken over', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-lock-'));
  const file = path.join(dir, 'bench.lock');
  try {
    const release = await lockBenchOut(() => {}, 5000, dir);
    assert.equal(readFileSync(file, 'utf8'), String(process.pid));
    const said: string[] = [];
    await assert.rejects(lockBenchOut((s) => said.push(s), 100, dir), /another bench run/);
    assert.match(said[0]!, /waiting for another bench run/);
    release();
    assert.equal(existsSync(file), false);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid whose process has exited
    writeFileSync(file, String(dead));
    const again = await lockBenchOut(() => {}, 5000, dir);
    assert.equal(readFileSync(file, 'utf8'), String(process.pid));
    again();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
