import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from './load.ts';
import { peakServices } from './peak-services.ts';

test('cost-growth: the background plus every Service its phases create', () => {
  const { scenario } = loadScenario('scenarios/cost-growth.yaml');
  assert.equal(peakServices(scenario), 100 + 900 + 4000 + 5000);
});

test('a headroom search over the create rate: every step creates rate × 15 s more, in the same lab', () => {
  const { scenario } = loadScenario('scenarios/headroom.yaml');
  // Steps 20, 35, … 140 per second.
  assert.equal(peakServices(scenario), 100 + (20 + 35 + 50 + 65 + 80 + 95 + 110 + 125 + 140) * 15);
});
