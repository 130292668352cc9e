import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backgroundNamespaces,
  backgroundPods,
  backgroundService,
  groupCount,
  groupNamespace,
  serviceNamespace,
  type Background,
} from './workload.ts';
import { backgroundPod, barePodFlip, barePodName } from './bare-pods.ts';
import type { ApiWrites } from '../../infra/api/api-writes.ts';
import type { V1Pod } from '@kubernetes/client-node';
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

test('a bare background pod carries the labels its group’s Services select, bound where told, kwok’s toleration kept', () => {
  const pod = backgroundPod('r1', 7, barePodName(7, 2), 'kwok-node-7');
  assert.equal(pod.metadata?.name, 'bg-g7-2');
  assert.deepEqual(pod.metadata?.labels, backgroundService('r1', 7, 10).spec?.selector);
  assert.equal(pod.spec?.nodeName, 'kwok-node-7');
  assert.equal(pod.spec?.nodeSelector, undefined);
  assert.ok(pod.spec?.tolerations?.some((t) => t.key === 'kwok.x-k8s.io/node'));
  // Unbound (through a kubeconfig), it keeps the kwok node selector for the scheduler.
  assert.deepEqual(backgroundPod('r1', 7, 'x').spec?.nodeSelector, { type: 'kwok' });
});

test('endpoint churn on bare pods: out deletes the group’s newest pod at once, in makes a fresh one on its node', async () => {
  const writes: string[] = [];
  const api: ApiWrites = {
    transport: 'HTTP/2',
    create: async (path, body) =>
      void writes.push(
        `create ${path} ${(body as V1Pod).metadata?.name} on ${(body as V1Pod).spec?.nodeName}`,
      ),
    mergePatch: async () => assert.fail('bare pods have nothing to patch'),
    remove: async (path, options) => void writes.push(`delete ${path} ${JSON.stringify(options)}`),
    close: () => {},
  };
  const bg: Background = {
    namespace: 'default',
    namespaces: ['default'],
    groups: 4,
    endpointsPerService: 5,
    services: 4,
    barePods: { newest: new Map(), made: 0 },
    bindToFakeNodes: 3,
  };
  await barePodFlip(api, 'r1', bg, bg.barePods!)(3, true);
  await barePodFlip(api, 'r1', bg, bg.barePods!)(3, false);
  // The next churn (a round later) goes on from what the last one left.
  const next = barePodFlip(api, 'r1', bg, bg.barePods!);
  await next(3, true);
  await next(3, false);
  assert.deepEqual(writes, [
    'delete /api/v1/namespaces/default/pods/bg-g3-4 {"gracePeriodSeconds":0}',
    'create /api/v1/namespaces/default/pods bg-g3-c0 on kwok-node-0',
    'delete /api/v1/namespaces/default/pods/bg-g3-c0 {"gracePeriodSeconds":0}',
    'create /api/v1/namespaces/default/pods bg-g3-c1 on kwok-node-0',
  ]);
});
