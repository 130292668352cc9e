import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etcdArgs } from './etcd.ts';
import { controllerManagerArgs } from './kube-controller-manager.ts';
import { kwokArgs } from './kwok.ts';
import { fakeNodeIp, realNodeIp } from '../lab/addresses.ts';
import { fakeNodeObject } from '../lab/fake-nodes.ts';

test('etcd listens only where it is told and skips fsync', () => {
  const a = etcdArgs({
    name: 'lab',
    dataDir: '/d',
    clientAddress: '127.0.0.1:2379',
    peerPort: 2380,
    quotaBackendBytes: 1,
  });
  assert.ok(a.includes('--listen-client-urls=http://127.0.0.1:2379'));
  assert.ok(a.includes('--listen-peer-urls=http://127.0.0.1:2380'));
  assert.ok(a.includes('--unsafe-no-fsync'));
});

test('kcm allocates node CIDRs and its grace period outlasts the fake nodes lease', () => {
  const a = controllerManagerArgs({
    kubeconfig: 'k',
    podCidr: '100.64.0.0/10',
    nodeCidrMaskSize: 24,
    serviceCidr: '198.19.0.0/16',
    caCert: 'c',
    saKey: 's',
    apiQps: 500,
    apiBurst: 1000,
    nodeMonitorGracePeriodSeconds: 300,
  });
  for (const f of [
    '--allocate-node-cidrs=true',
    '--cluster-cidr=100.64.0.0/10',
    '--node-cidr-mask-size=24',
    '--node-monitor-grace-period=300s',
    '--use-service-account-credentials=true',
  ]) {
    assert.ok(a.includes(f), f);
  }
});

test('kwok manages only annotated nodes', () => {
  const a = kwokArgs({
    kubeconfig: 'k',
    configPath: 'c',
    serverAddress: '127.0.0.1:10247',
    nodeLeaseDurationSeconds: 240,
    parallelism: 16,
  });
  assert.ok(a.includes('--manage-all-nodes=false'));
  assert.ok(a.includes('--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake'));
});

test('node addresses stay inside the fabric and never collide', () => {
  assert.equal(fakeNodeIp(0), '198.18.64.1');
  assert.equal(fakeNodeIp(255), '198.18.65.0');
  assert.equal(fakeNodeIp(15_999), '198.18.126.128');
  assert.equal(realNodeIp(2), '198.18.1.2');
  const seen = new Set(Array.from({ length: 16_000 }, (_, i) => fakeNodeIp(i)));
  assert.equal(seen.size, 16_000);
});

test('a fake node is annotated for kwok, tainted, zoned and sized like a real one', () => {
  const n = fakeNodeObject(4);
  assert.equal(n.metadata?.annotations?.['kwok.x-k8s.io/node'], 'fake');
  assert.equal(n.metadata?.labels?.['topology.kubernetes.io/zone'], 'lab-b');
  assert.equal(n.status?.capacity?.pods, '110');
  assert.deepEqual(n.spec?.taints?.[0], { key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' });
});
