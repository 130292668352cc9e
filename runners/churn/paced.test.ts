import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpStatus, runPaced } from './paced.ts';

const quiet = { step: 'test', log: () => {}, signal: new AbortController().signal };
const tick = () => new Promise((r) => setTimeout(r, 5));

test('never more than maxInFlight actions at once, and every action runs', async () => {
  let now = 0;
  let peak = 0;
  const seen: number[] = [];
  const r = await runPaced(
    new Array(20).fill(0),
    async (i) => {
      peak = Math.max(peak, ++now);
      await tick();
      now--;
      seen.push(i);
    },
    { ...quiet, maxInFlight: 3 },
  );
  assert.equal(peak, 3);
  assert.equal(r.done, 20);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test('errors are counted by HTTP status, and the first ones kept', async () => {
  const r = await runPaced(
    new Array(6).fill(0),
    async (i) => {
      if (i % 2) throw Object.assign(new Error(`HTTP-Code: 429\nbody`), { code: 429 });
      if (i === 4) throw new Error('socket hang up');
    },
    quiet,
  );
  assert.equal(r.done, 2);
  assert.equal(r.errors, 4);
  assert.deepEqual(r.errorsByStatus, { '429': 3, other: 1 });
  assert.equal(r.firstErrors[0], 'HTTP-Code: 429');
});

test('actions start at their time', async () => {
  const started: number[] = [];
  const t0 = performance.now();
  await runPaced([0, 0.05], async () => void started.push(performance.now() - t0), quiet);
  assert.ok(started[1]! >= 45, `second start at ${started[1]} ms`);
});

test('httpStatus reads client-node’s ApiException code, and nothing else', () => {
  assert.equal(httpStatus({ code: 409 }), '409');
  assert.equal(httpStatus({ code: 'ECONNRESET' }), 'other');
  assert.equal(httpStatus(null), 'other');
});
