import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../scenarios/load.ts';
import { plannedObjects } from './dry-run.ts';
import { runLabel } from '../run-label.ts';

const fixture = fileURLToPath(
  new URL('../../test/integration/fixtures/kubeconfig-quick.yaml', import.meta.url),
);
const nodes = [
  { name: 'worker-a', ip: '10.0.0.1' },
  { name: 'worker-b', ip: '10.0.0.2' },
];
const opts = { kubeconfig: '-', agentImage: 'example.com/agent:1', workers: 3, allowClusterWrites: false };

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

test('every object of a run is labelled with its id and lives in its namespace, the namespace first', () => {
  const planned = plannedObjects(loadScenario(fixture).scenario, opts, 'abcd1234', nodes);
  const objects = planned.filter((x): x is Obj => typeof x === 'object');
  assert.equal(`${objects[0]!.kind}/${objects[0]!.metadata.name}`, 'Namespace/scalelab-abcd1234');
  for (const o of objects) {
    assert.equal(o.metadata.labels?.[runLabel], 'abcd1234', `${o.kind}/${o.metadata.name} labelled`);
    if (o.kind !== 'Namespace') assert.equal(o.metadata.namespace, 'scalelab-abcd1234');
  }
  const count = (kind: string) => objects.filter((o) => o.kind === kind).length;
  // 20 background + 20 churned Services, probe-target and conn-target.
  assert.equal(count('Service'), 42);
  assert.equal(count('Deployment'), 20 + 1);
  assert.deepEqual(
    objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name),
    [
      'conn-client-0',
      'conn-client-direct',
      'conn-client-rate',
      'conn-client-vegeta',
      'dns-client',
      'dns-perf',
    ],
  );
});

test('traffic Jobs carry the agent image, the workers as parallelism, and pods pinned to the first node', () => {
  const planned = plannedObjects(loadScenario(fixture).scenario, opts, 'abcd1234', nodes);
  const job = planned.find((x) => typeof x === 'object' && (x as Obj).metadata.name === 'conn-client-0') as {
    spec: {
      parallelism: number;
      completionMode: string;
      template: { spec: { nodeName: string; containers: { image: string; args: string[] }[] } };
    };
  };
  assert.equal(job.spec.parallelism, 3);
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.template.spec.nodeName, 'worker-a');
  const c = job.spec.template.spec.containers[0]!;
  assert.equal(c.image, 'example.com/agent:1');
  // 2 VUs over 3 workers: each runs 1 (shares are rounded up).
  assert.deepEqual(c.args.slice(c.args.indexOf('--vus'), c.args.indexOf('--vus') + 2), ['--vus', '1']);
  assert.ok(
    planned.includes(
      'dns: coredns-rollout skipped (it writes to kube-system; --allow-cluster-writes allows it)',
    ),
  );
});
