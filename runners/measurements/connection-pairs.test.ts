import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileReport } from '../traffic/load-profile.ts';
import { vipMinusDirectOf, withoutSamples } from './connection-pairs.ts';

const report = (samples?: Record<string, number[]>) =>
  ({ summary: {}, thresholds: [], seconds: 1, ...(samples ? { samples } : {}) }) as unknown as ProfileReport;

test('the per-pair differences give their median and its interval; the same-pod share beside them', () => {
  const diffs = Array.from({ length: 20 }, (_, i) => (i - 5) / 100); // −0.05 … 0.14
  const r = vipMinusDirectOf(
    report({ vip_minus_direct_connecting: diffs, vip_reached_direct_pod: [1, 0, 0, 1] }),
    '10.0.0.5:8080',
  );
  assert.deepEqual(r, {
    pairs: 20,
    medianMs: 0.045,
    lowMs: 0,
    highMs: 0.09,
    confidence: 0.9586,
    directTarget: '10.0.0.5:8080',
    sameBackendShare: 0.5,
  });
});

test('too few pairs for an interval read as nulls, not as a claim', () => {
  const r = vipMinusDirectOf(report({ vip_minus_direct_connecting: [0.1, 0.2] }), 'p');
  assert.deepEqual([r.pairs, r.medianMs, r.lowMs, r.highMs, r.sameBackendShare], [2, null, null, null, null]);
  assert.equal(vipMinusDirectOf(report(), 'p').pairs, 0);
  assert.equal('samples' in withoutSamples(report({ x: [1] })), false);
});
