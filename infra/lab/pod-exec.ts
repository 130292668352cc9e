import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { exec, type ExecResult } from '../exec.ts';
import { sandboxNetns } from '../node-agent/sandbox.ts';
import { sandboxScript } from '../node-agent/sandbox-script.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { sleep } from './processes.ts';
import type { LabState } from './state.ts';
import { UserError } from '../../runners/errors.ts';
import { cgroupJoinLine } from '../cilium/node-cgroup.ts';

/**
 * Runs argv in a throwaway pod's namespace on real node N, with that pod's resolv.conf and hosts: the pod
 * is a real Pod object (agnhost pause) that the node agent wires like any other, deleted afterwards.
 */
export async function execInThrowawayPod(
  state: LabState,
  nodeIndex: number,
  argv: readonly string[],
  opts: { namespace?: string; stdio?: 'capture' | 'inherit'; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const node = state.realNodes?.find((n) => n.index === nodeIndex);
  if (!node)
    throw new UserError(
      `lab "${state.spec.name}" has no real node ${nodeIndex}`,
      `it has ${state.realNodes?.length ?? 0} real nodes`,
    );
  const kc = loadKubeconfig(state);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = opts.namespace ?? 'default';
  const name = `scalelab-exec-${randomBytes(4).toString('hex')}`;
  let pod = await core.createNamespacedPod({ namespace, body: pausePod(name, namespace, node.name) });
  try {
    pod = await untilRunning(core, pod, { name, namespace, nodeName: node.name }, opts.timeoutMs ?? 60_000);
    const full = sandboxArgv(state, node.name, pod, argv);
    if (opts.stdio === 'inherit') {
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync(full[0]!, full.slice(1), { stdio: 'inherit' });
      return { stdout: '', stderr: '', exitCode: r.status ?? 1 };
    }
    return await exec(full, { allowFailure: true });
  } finally {
    await core.deleteNamespacedPod({ name, namespace }).catch(() => {});
  }
}

/** An agnhost pause pod on `nodeName`, labelled as the harness's, gone at once when deleted. */
function pausePod(name: string, namespace: string, nodeName: string): V1Pod {
  return {
    metadata: { name, namespace, labels: { 'scalelab.io/exec': 'true' } },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      containers: [{ name: 'pause', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['pause'] }],
    },
  };
}

/** The pod as read once it runs and has an IP; an error naming its container's state after `timeoutMs`. */
async function untilRunning(
  core: CoreV1Api,
  created: V1Pod,
  where: { name: string; namespace: string; nodeName: string },
  timeoutMs: number,
): Promise<V1Pod> {
  const { name, namespace, nodeName } = where;
  let pod = created;
  const deadline = Date.now() + timeoutMs;
  while (!(pod.status?.phase === 'Running' && pod.status.podIP)) {
    if (Date.now() > deadline)
      throw new Error(
        `pod ${namespace}/${name} on ${nodeName} did not start: ${JSON.stringify(pod.status?.containerStatuses?.[0]?.state)}`,
      );
    await sleep(200);
    pod = await core.readNamespacedPod({ name, namespace });
  }
  return pod;
}

/** argv run in the pod's network namespace, with its resolv.conf and hosts mounted over the node's. */
function sandboxArgv(state: LabState, nodeName: string, pod: V1Pod, argv: readonly string[]): string[] {
  const podDir = join(state.stateDir, 'nodes', nodeName, 'pods', pod.metadata!.uid!);
  // On a cilium node the process must be in the node's cgroup, as the node agent's pod processes are.
  const joinCgroup = cgroupJoinLine(state.spec.name, nodeName);
  const script = sandboxScript({
    // Overlay layers of its own: the pod's container may be mounting its overlays from podDir at this moment,
    // and two overlays sharing an upper or work directory fail (seen: EPERM on /etc/hosts in CI).
    podDir: join(podDir, 'exec', `${process.pid}-${Date.now()}`),
    mounts: [
      { source: join(podDir, 'resolv.conf'), target: '/etc/resolv.conf' },
      { source: join(podDir, 'hosts'), target: '/etc/hosts' },
    ],
    argv: joinCgroup ? ['sh', '-c', `${joinCgroup} && exec "$@"`, 'sh', ...argv] : argv,
  });
  return ['ip', 'netns', 'exec', sandboxNetns(state.spec.name, pod.metadata!.uid!), 'sh', '-c', script];
}
