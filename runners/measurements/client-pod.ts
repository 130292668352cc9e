/**
 * Client pods on real nodes: scalelab's agent (the target's agent image) run as a pod, its output read through
 * the target (the node agent's log file in a lab, pods/log through a kubeconfig). Used by the probes; load
 * runs as Jobs (runners/cluster/agent-job.ts).
 */
import { setHeaderOptions, PatchStrategy, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import { runLabel } from '../run-label.ts';
import type { ClusterTarget } from '../cluster/target.ts';

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A pod that runs `agent <args>` once (restartPolicy Never) on `node`, in the target's namespace. */
export function agentPod(
  target: ClusterTarget,
  name: string,
  node: string,
  args: string[],
  runId: string,
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: target.namespace, labels: { [runLabel]: runId } },
    spec: {
      nodeName: node,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      containers: [{ name: 'agent', image: target.agentImage, args }],
    },
  };
}

/** Polls `fn` every 250 ms until it returns a value; errors count as "not yet". */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    signal.throwIfAborted();
    await sleep(250);
  }
}
