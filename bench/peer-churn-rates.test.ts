import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ceiling,
  combined,
  completionRate,
  keepRaising,
  median,
  perSecond,
  ratio,
  throttleReasons,
} from './peer-churn-rates.ts';

test('rates, ratios and medians', () => {
  assert.equal(perSecond(2000, 8), 250);
  assert.equal(perSecond(1, 3), 0.3);
  assert.equal(perSecond(5, 0), 0);
  assert.equal(ratio(180, 200), 0.9);
  assert.equal(ratio(1, 0), null);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('pods and Services together: all objects over all seconds, not the mean of two rates', () => {
  const c = combined([
    { count: 2000, seconds: 10 },
    { count: 2000, seconds: 30 },
  ]);
  assert.deepEqual(c, { objects: 4000, seconds: 40, perSecond: 100 });
});

test('the completion rate ignores the latency of the answers, not a server falling behind', () => {
  // 11 answers 100 ms apart, each 2 s after its start: 10/s, as offered.
  assert.equal(completionRate(Array.from({ length: 11 }, (_, i) => 2000 + i * 100)), 10);
  // The same 11 requests answered over 4 s: the server fell behind.
  assert.equal(completionRate(Array.from({ length: 11 }, (_, i) => 2000 + i * 400)), 2.5);
  assert.equal(completionRate([5]), 0);
});

test('a step saturates on 429s or falling behind; a POST p99 over 1 s only breaks the SLO', () => {
  const ok = { offeredQps: 200, achievedQps: 195, postP99Ms: 400, status429: 0 };
  assert.deepEqual(throttleReasons(ok), { saturated: false, reasons: [] });
  assert.deepEqual(throttleReasons({ ...ok, status429: 3 }), {
    saturated: true,
    reasons: ['3 requests answered 429'],
  });
  assert.deepEqual(throttleReasons({ ...ok, achievedQps: 170 }), {
    saturated: true,
    reasons: ['achieved 170/s of 200/s offered'],
  });
  assert.deepEqual(throttleReasons({ ...ok, postP99Ms: 1200 }), {
    saturated: false,
    reasons: ['POST p99 1200 ms > 1000 ms'],
  });
  assert.deepEqual(throttleReasons({ ...ok, postP99Ms: null }).reasons, []);
});

test('the ceiling: the most achieved, the most within the SLO, and the knee', () => {
  const step = (offeredQps: number, achievedQps: number, postP99Ms: number) => {
    const s = { offeredQps, achievedQps, postP99Ms, status429: 0 };
    return { ...s, ...throttleReasons(s) };
  };
  const steps = [step(50, 50, 30), step(100, 99, 200), step(200, 195, 2500), step(400, 260, 4000)];
  assert.deepEqual(ceiling(steps), {
    maxAchievedQps: 260,
    withinSloQps: 99,
    kneeOfferedQps: 200,
    saturated: true,
  });
  assert.deepEqual(ceiling(steps.slice(0, 2)), {
    maxAchievedQps: 99,
    withinSloQps: 99,
    kneeOfferedQps: null,
    saturated: false,
  });
});

test('keep raising the offer until a saturated step no longer raises the best achieved rate by 10%', () => {
  const s = (achievedQps: number, saturated: boolean) => ({ achievedQps, saturated });
  assert.equal(keepRaising([]), true);
  assert.equal(keepRaising([s(50, false), s(99, false)]), true);
  // A dip at 100/s (noise), recovered at 200/s: go on.
  assert.equal(keepRaising([s(50, false), s(78, true)]), true);
  assert.equal(keepRaising([s(50, false), s(78, true), s(170, true)]), true);
  // 400/s offered gets no more than 200/s did: that is the ceiling.
  assert.equal(keepRaising([s(50, false), s(78, true), s(170, true), s(180, true)]), false);
});
