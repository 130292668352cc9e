import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { loadKubeconfig } from '../../infra/lab/kubeconfig.ts';
import { listNetns } from '../../infra/lab/netns.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { sandboxNetns } from '../../infra/node-agent/sandbox.ts';
import { scalelab } from './helpers.ts';

const lab = 'agent';

function pod(name: string, image: string, args: string[]): V1Pod {
  return {
    metadata: { name, labels: { 'scalelab.io/run': 'itest' } },
    spec: {
      nodeName: 'real-node-1',
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image, args }],
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('the node agent', { timeout: 300_000 }, () => {
  let state: LabState;
  let kc: KubeConfig;
  let core: CoreV1Api;
  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    const up = await scalelab(['lab', 'up', '--name', lab, '--real-nodes', '1']);
    assert.equal(up.code, 0, up.stderr.slice(-3000));
    state = readLabState(lab)!;
    kc = loadKubeconfig(state);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('refuses an image it cannot run, with ErrImagePull and an event, never a stand-in', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: pod('nginx', 'docker.io/library/nginx:1.27', []),
    });
    const reason = await until('ErrImagePull', async () => {
      const p = await core.readNamespacedPod({ name: 'nginx', namespace: 'default' });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull' ? p : undefined;
    });
    assert.equal(reason.status?.phase, 'Pending');
    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=nginx',
    });
    assert.ok(
      events.items.some(
        (e) =>
          e.reason === 'Failed' && /nginx:1\.27.*cannot run on a scalelab real node/.test(e.message ?? ''),
      ),
      JSON.stringify(events.items.map((e) => e.message)),
    );
  });

  test('restarts a crashed process with backoff, counting restarts', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: pod('crasher', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['no-such-subcommand']),
    });
    const p = await until('two restarts', async () => {
      const p = await core.readNamespacedPod({ name: 'crasher', namespace: 'default' });
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
    });
    const s = p.status!.containerStatuses![0]!;
    assert.equal(s.ready, false);
    assert.ok(s.lastState?.terminated, 'the last exit is reported');
  });

  test('restartPolicy Never: a process that exits 0 leaves the pod Succeeded, not restarted', async () => {
    const body = pod('once', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['--version']);
    body.spec!.restartPolicy = 'Never';
    await core.createNamespacedPod({ namespace: 'default', body });
    const p = await until('Succeeded', async () => {
      const p = await core.readNamespacedPod({ name: 'once', namespace: 'default' });
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    const s = p.status!.containerStatuses![0]!;
    assert.equal(s.restartCount, 0);
    assert.equal(s.state?.terminated?.exitCode, 0);
  });

  test('a deleted pod loses its processes, network namespace and files, and leaves the API', async () => {
    const created = await core.createNamespacedPod({
      namespace: 'default',
      body: pod('short', 'registry.k8s.io/e2e-test-images/agnhost:2.53', ['pause']),
    });
    const uid = created.metadata!.uid!;
    await until('Running', async () => {
      const p = await core.readNamespacedPod({ name: 'short', namespace: 'default' });
      return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
    });
    const netns = sandboxNetns(lab, uid);
    assert.ok((await listNetns()).includes(netns));
    await core.deleteNamespacedPod({ name: 'short', namespace: 'default' });
    await until('pod gone from the API', async () =>
      core.readNamespacedPod({ name: 'short', namespace: 'default' }).then(
        () => undefined,
        () => true,
      ),
    );
    await until('namespace gone', async () => ((await listNetns()).includes(netns) ? undefined : true));
    assert.equal(existsSync(`${state.stateDir}/nodes/real-node-1/pods/${uid}`), false);
  });
});
