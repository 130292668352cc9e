import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from './load.ts';
import { stepPhases, stepValues, watchedSlos } from './headroom-plan.ts';
import type { HeadroomSpec } from './schema.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const spec = (h: Partial<HeadroomSpec>): HeadroomSpec => ({
  vary: 'churnRate',
  start: 10,
  max: 80,
  stepSeconds: 30,
  growQps: 50,
  ...h,
});

describe('stepValues', () => {
  const cases: [string, Partial<HeadroomSpec>, number[]][] = [
    ['doubling up to max, max included', { factor: 2 }, [10, 20, 40, 80]],
    ['doubling stops below max when it would pass it', { factor: 2, max: 70 }, [10, 20, 40]],
    ['adding a step', { step: 25, max: 100 }, [10, 35, 60, 85]],
    ['start equal to max is one step', { factor: 2, max: 10 }, [10]],
    ['rates to 0.01 per second', { start: 1, factor: 1.5, max: 4 }, [1, 1.5, 2.25, 3.38]],
    [
      'Service counts are whole',
      { vary: 'services', start: 100, factor: 1.5, max: 400 },
      [100, 150, 225, 338],
    ],
  ];
  for (const [name, h, want] of cases) test(name, () => assert.deepEqual(stepValues(spec(h)), want));
});

test('the shipped headroom.yaml plans its steps and watches both SLOs', () => {
  const { scenario } = loadScenario(join(here, 'headroom.yaml'));
  const h = scenario.headroom!;
  assert.deepEqual(stepValues(h), [20, 35, 50, 65, 80, 95, 110, 125, 140]);
  assert.deepEqual(watchedSlos(scenario, h), ['apiMutatingP99Ms', 'networkProgrammingP99Ms']);
  const [phase] = stepPhases(scenario, h, 50);
  assert.deepEqual(phase!.churn[0]!.pace, { type: 'qps', qps: 50 });
  assert.equal(phase!.churn[0]!.count, 50 * h.stepSeconds);
});

test('a poisson pace stays poisson at the step rate; services steps run the phases as written', () => {
  const text = [
    'name: hr',
    'cluster: { fakeNodes: 10 }',
    'variants: {}',
    'background: { services: 10 }',
    'phases: [{ name: p, churn: [{ kind: endpoints, count: 7, pace: { type: poisson, qps: 1 } }] }]',
    'measurements: [{ name: controlPlane }]',
    'slos: { apiMutatingP99Ms: 1000, ruleSyncP99Ms: 500 }',
    'headroom: { vary: churnRate, start: 5, step: 5, max: 20, stepSeconds: 10 }',
  ].join('\n');
  const { scenario } = loadScenario('hr.yaml', text);
  const h = scenario.headroom!;
  assert.deepEqual(watchedSlos(scenario, h), ['ruleSyncP99Ms', 'apiMutatingP99Ms']);
  const c = stepPhases(scenario, h, 15)[0]!.churn[0]!;
  assert.deepEqual([c.pace, c.count], [{ type: 'poisson', qps: 15 }, 150]);
  const services = { ...h, vary: 'services' as const };
  assert.equal(stepPhases(scenario, services, 40), scenario.phases);
});
