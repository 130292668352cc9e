import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kneeOf, stepOutcome } from './headroom-knee.ts';
import type { HeadroomResult, HeadroomStep } from './results/schema.ts';

/** A step with one API SLO (threshold 1,000 ms) at the given figure; null is "no figure". */
function step(value: number, apiP99Ms: number | null, invalid?: string): HeadroomStep {
  return {
    value,
    slos: [
      {
        name: 'apiMutatingP99Ms',
        thresholdMs: 1000,
        valueMs: apiP99Ms,
        passed: apiP99Ms === null ? null : apiP99Ms <= 1000,
      },
    ],
    validity: invalid ? { valid: false, reasons: [invalid] } : { valid: true, reasons: [] },
    summaries: {},
    seconds: 20,
  };
}

const search = (...steps: HeadroomStep[]): HeadroomResult => ({
  vary: 'churnRate',
  unit: 'changes per second',
  max: 200,
  slos: ['apiMutatingP99Ms'],
  steps,
});

describe('stepOutcome', () => {
  test('pass, broke, no figure', () => {
    assert.equal(stepOutcome(step(25, 300)), 'pass');
    assert.equal(stepOutcome(step(25, 1300)), 'broke');
    assert.equal(stepOutcome(step(25, null)), 'not-judged');
  });
  test('an invalid step is never a break, even with a figure over the threshold', () =>
    assert.equal(stepOutcome(step(25, 5000, 'the harness itself used 0.95 cores')), 'not-judged'));
});

describe('kneeOf', () => {
  test('the knee lies between the last passing and the first failing value', () => {
    const k = kneeOf(search(step(25, 200), step(50, 700), step(100, 1355)));
    assert.equal(k.stop, 'slo-broke');
    assert.deepEqual([k.lastPassing, k.firstFailing], [50, 100]);
    assert.equal(k.broken[0]!.name, 'apiMutatingP99Ms');
    assert.equal(
      k.summary,
      'apiMutatingP99Ms broke (1,355 ms > 1,000 ms) at 100 changes per second; held at 50 changes per second',
    );
  });
  test('every step passed: no knee below max', () => {
    const k = kneeOf(search(step(25, 200), step(50, 300), step(100, 400), step(200, 900)));
    assert.deepEqual([k.stop, k.lastPassing, k.firstFailing], ['max-reached', 200, null]);
    assert.match(k.summary, /^no knee below max/);
  });
  test('the first step already broke: nothing held', () => {
    const k = kneeOf(search(step(25, 2000)));
    assert.deepEqual([k.stop, k.lastPassing, k.firstFailing], ['slo-broke', null, 25]);
    assert.match(k.summary, /no step passed$/);
  });
  test('an invalid step stops the search without a knee', () => {
    const k = kneeOf(search(step(25, 200), step(50, 3000, 'fake nodes fell behind')));
    assert.deepEqual([k.stop, k.lastPassing, k.firstFailing, k.broken.length], ['not-judged', 25, 50, 0]);
    assert.match(k.summary, /invalid \(fake nodes fell behind\)/);
  });
  test('a failed variant keeps what held before it failed', () => {
    const k = kneeOf(search(step(25, 200)), true);
    assert.deepEqual([k.stop, k.lastPassing, k.firstFailing], ['failed', 25, null]);
    assert.equal(kneeOf(search(), true).summary, 'the variant failed before the first step; no step passed');
  });
});
