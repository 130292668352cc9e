import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { processUsage } from './processes.ts';

test("a process's CPU includes the children it waited for (kube-proxy's iptables-restore runs)", () => {
  const before = processUsage(process.pid)!.cpuSeconds;
  // A child that burns CPU while this process only waits for it: whatever the machine's load, the child's CPU
  // seconds are its own and land in this process's cutime/cstime once it is reaped.
  const child = spawnSync('sh', ['-c', 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done']);
  assert.equal(child.status, 0);
  const after = processUsage(process.pid)!.cpuSeconds;
  // 300,000 shell iterations took 0.35 CPU-s here (dash, 2026-12-06); a seventh of that is enough to show it.
  assert.ok(after - before >= 0.05, `grew by ${after - before} s`);
});
