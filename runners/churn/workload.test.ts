import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backgroundPods, groupCount } from './workload.ts';

test('background pods: one group per Service up to 2,000 pods unless the scenario asks for more', () => {
  assert.equal(groupCount(200, 5), 200);
  assert.equal(backgroundPods({ services: 200, endpointsPerService: 5 }), 1000);
  // Past 2,000 pods Services share groups, each still with its 5 endpoints.
  assert.equal(groupCount(10_000, 5), 400);
  assert.equal(backgroundPods({ services: 10_000, endpointsPerService: 5 }), 2000);
  // The scale scenario: 50,000 pods, a group of 5 for each of 10,000 Services.
  assert.equal(groupCount(10_000, 5, 50_000), 10_000);
  assert.equal(backgroundPods({ services: 10_000, endpointsPerService: 5, pods: 50_000 }), 50_000);
  assert.equal(backgroundPods({ services: 0, endpointsPerService: 5 }), 0);
});
