import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseChurnProbe, parseProbeLine } from './endpoint-churn-traffic.ts';

test('probe lines read as replies or errors', () => {
  assert.deepEqual(parseProbeLine('1700000000000 conn-target-a'), {
    t: 1700000000000,
    host: 'conn-target-a',
  });
  assert.deepEqual(parseProbeLine('1700000000001 - connect ECONNREFUSED 10.0.0.1:80'), {
    t: 1700000000001,
    error: 'connect ECONNREFUSED 10.0.0.1:80',
  });
  assert.equal(parseProbeLine('garbage'), undefined);
});

test('replies from a pod after it was marked count as removed-backend hits; errors make a window', () => {
  const lines = [
    '1000 old-a', // before the window
    '2000 old-a', // before old-a was marked
    '2600 old-a', // 100 ms after
    '2650 - connect ECONNREFUSED',
    '2700 old-a', // 200 ms after
    '2750 - connect ECONNREFUSED',
    '2900 new-b',
    '3000 new-b',
  ];
  const r = analyseChurnProbe(lines, new Map([['old-a', 2500]]), 1500, 3500);
  assert.equal(r.requests, 7);
  assert.equal(r.errors, 2);
  assert.equal(r.removedBackendHits, 2);
  assert.equal(r.lastRemovedBackendHitMs, 200);
  assert.equal(r.errorWindowMs, 100);
  assert.equal(r.firstErrors.length, 2);
});
