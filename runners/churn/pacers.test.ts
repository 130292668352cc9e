import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedule, seededRandom, targetQps } from './pacers.ts';

test('qps spaces actions evenly', () => {
  assert.deepEqual(schedule({ type: 'qps', qps: 4 }, 5, Math.random), [0, 0.25, 0.5, 0.75, 1]);
});

test('burst starts `size` actions at once every interval', () => {
  assert.deepEqual(schedule({ type: 'burst', size: 2, intervalSeconds: 3 }, 5, Math.random), [0, 0, 3, 3, 6]);
});

test('steps run each rate for its seconds, the last one until done', () => {
  const at = schedule(
    {
      type: 'steps',
      steps: [
        { qps: 1, seconds: 2 },
        { qps: 10, seconds: 1 },
      ],
    },
    5,
    Math.random,
  );
  assert.deepEqual(at, [0, 1, 2, 2.1, 2.2]);
});

test('poisson arrivals average the asked rate, and the seed replays them', () => {
  const a = schedule({ type: 'poisson', qps: 50 }, 5000, seededRandom(7));
  const b = schedule({ type: 'poisson', qps: 50 }, 5000, seededRandom(7));
  assert.deepEqual(a, b);
  const rate = (a.length - 1) / a.at(-1)!;
  assert.ok(rate > 47 && rate < 53, `rate ${rate}`);
  assert.equal(
    targetQps({
      type: 'steps',
      steps: [
        { qps: 10, seconds: 1 },
        { qps: 30, seconds: 1 },
      ],
    }),
    20,
  );
});
