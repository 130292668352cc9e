import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backgroundNamespaces,
  backgroundPods,
  backgroundService,
  groupCount,
  groupNamespace,
  serviceNamespace,
} from './workload.ts';
import { lookupNames } from '../measurements/dns-objects.ts';

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

test('a spread background keeps each Service in the namespace of the group it selects', () => {
  assert.deepEqual(backgroundNamespaces('default', 1), ['default']);
  assert.deepEqual(backgroundNamespaces('default', 3), ['scalelab-bg-0', 'scalelab-bg-1', 'scalelab-bg-2']);
  assert.deepEqual(backgroundNamespaces('scalelab-r1', 2), ['scalelab-r1-bg-0', 'scalelab-r1-bg-1']);
  const bg = { namespaces: backgroundNamespaces('default', 50), groups: 10_000 };
  for (const j of [0, 7, 9_999, 10_000, 12_345]) {
    const selected = backgroundService('r', j, bg.groups).spec!.selector!.group!;
    assert.equal(serviceNamespace(bg, j), groupNamespace(bg, Number(selected.slice(1))));
  }
  // 10,000 groups over 50 namespaces: 200 Deployments (1,000 pods at 5 each) in every one.
  const perNamespace = new Map<string, number>();
  for (let g = 0; g < bg.groups; g++)
    perNamespace.set(groupNamespace(bg, g), (perNamespace.get(groupNamespace(bg, g)) ?? 0) + 1);
  assert.deepEqual(new Set(perNamespace.values()), new Set([200]));
});

test('DNS looks up the oldest background Services, qualified when they live in another namespace', () => {
  assert.deepEqual(lookupNames(['svc-10', 'svc-2', 'other', 'svc-1']), [
    'kubernetes.default',
    'kube-dns.kube-system',
    'svc-1',
    'svc-2',
    'svc-10',
  ]);
  const spread = Array.from({ length: 20 }, (_, j) => `svc-${19 - j}.scalelab-bg-${(19 - j) % 3}`);
  assert.deepEqual(lookupNames(spread).slice(2, 5), [
    'svc-0.scalelab-bg-0',
    'svc-1.scalelab-bg-1',
    'svc-2.scalelab-bg-2',
  ]);
  assert.equal(lookupNames(spread).length, 10);
});
