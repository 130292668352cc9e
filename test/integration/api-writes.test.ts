/**
 * The churn driver's writes (infra/api/api-writes.ts) against a real lab apiserver, over HTTP/2 and over
 * HTTP/1.1: each kind of write lands as the API shows it, errors carry the apiserver's status, and a burst
 * wider than the apiserver's stream limit on one HTTP/2 connection all lands. Needs root (it brings a lab up);
 * the lab goes down whatever happened.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ApiError, openApiWrites, paths } from '../../infra/api/api-writes.ts';
import { backgroundDeployment, churnPod } from '../../runners/churn/workload.ts';
import { runLabel } from '../../runners/run-label.ts';
import { scalelab } from './helpers.ts';

const lab = 'itwrites';
const namespace = 'default';

describe('the churn driver’s API writes', { timeout: 600_000 }, () => {
  const kc = new KubeConfig();
  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    const up = await scalelab(['lab', 'up', '--fake-nodes', '10', '--name', lab]);
    assert.equal(up.code, 0, `lab up failed:\n${up.stderr}`);
    kc.loadFromFile((await scalelab(['lab', 'kubeconfig', '--name', lab])).stdout.trim());
  });
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  for (const http2 of [true, false]) {
    const transport = http2 ? 'HTTP/2' : 'HTTP/1.1';
    test(`${transport}: create, merge-patch, delete; a conflict and a missing object carry their status`, async () => {
      const core = kc.makeApiClient(CoreV1Api);
      const apps = kc.makeApiClient(AppsV1Api);
      const runId = http2 ? 'h2' : 'h1';
      const api = await openApiWrites(kc, 4, { http2 });
      try {
        assert.equal(api.transport, transport);
        const pod = churnPod(runId, 0);
        await api.create(paths.pods(namespace), pod);
        assert.equal(
          (await core.readNamespacedPod({ name: pod.metadata!.name!, namespace })).metadata?.labels?.[
            runLabel
          ],
          runId,
        );
        await assert.rejects(api.create(paths.pods(namespace), pod), (err: unknown) => {
          assert.ok(err instanceof ApiError);
          assert.equal(err.code, 409);
          assert.match(err.message, /already exists/);
          return true;
        });

        await api.create(paths.deployments(namespace), backgroundDeployment(runId, 1, 2, 0));
        await api.mergePatch(paths.deploymentScale(namespace, 'bg-g1'), { spec: { replicas: 1 } });
        await api.mergePatch(paths.deployments(namespace, 'bg-g1'), {
          spec: { template: { metadata: { annotations: { 'scalelab.io/rollout': 'r1' } } } },
        });
        const d = await apps.readNamespacedDeployment({ name: 'bg-g1', namespace });
        assert.equal(d.spec?.replicas, 1);
        assert.equal(d.spec?.template.metadata?.annotations?.['scalelab.io/rollout'], 'r1');

        await api.remove(paths.deployments(namespace, 'bg-g1'));
        await api.remove(paths.pods(namespace, pod.metadata!.name!), { gracePeriodSeconds: 0 });
        // Grace 0 removes a pod at once: the next read must not find it.
        await assert.rejects(core.readNamespacedPod({ name: pod.metadata!.name!, namespace }));
        await assert.rejects(api.remove(paths.pods(namespace, 'no-such-pod')), (err: unknown) => {
          assert.ok(err instanceof ApiError);
          assert.equal(err.code, 404);
          return true;
        });
      } finally {
        api.close();
      }
    });
  }

  test('HTTP/2: 600 creates at once on one connection all land (more than the apiserver’s stream limit)', async () => {
    const api = await openApiWrites(kc, 4);
    const core = kc.makeApiClient(CoreV1Api);
    try {
      const n = 600;
      const made = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => api.create(paths.pods(namespace), churnPod('wide', i))),
      );
      assert.deepEqual(
        made.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
        [],
      );
      const listed = await core.listNamespacedPod({ namespace, labelSelector: `${runLabel}=wide` });
      assert.equal(listed.items.length, n);
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          api.remove(paths.pods(namespace, churnPod('wide', i).metadata!.name!), { gracePeriodSeconds: 0 }),
        ),
      );
      const left = await core.listNamespacedPod({ namespace, labelSelector: `${runLabel}=wide` });
      assert.equal(left.items.length, 0);
    } finally {
      api.close();
    }
  });

  test('after close, the next write opens a new connection', async () => {
    const api = await openApiWrites(kc, 4);
    try {
      await api.create(paths.services(namespace), {
        metadata: { name: 'reopen-1' },
        spec: { ports: [{ port: 80 }] },
      });
      api.close();
      await api.remove(paths.services(namespace, 'reopen-1'));
    } finally {
      api.close();
    }
  });
});
