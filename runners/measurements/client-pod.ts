/**
 * Client pods on real nodes: scalelab's agent (image `scalelab.local/agent`) run as a pod, its stdout read
 * from the node agent's log file on the host. Used by the traffic measurements.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setHeaderOptions, PatchStrategy, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { LabState } from '../../infra/lab/state.ts';
import { runLabel } from '../churn/workload.ts';

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A pod that runs `agent <args>` once (restartPolicy Never) on `node`. */
export function agentPod(name: string, node: string, args: string[], runId: string): V1Pod {
  return {
    metadata: { name, labels: { [runLabel]: runId } },
    spec: {
      nodeName: node,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      containers: [{ name: 'agent', image: 'scalelab.local/agent:dev', args }],
    },
  };
}

/** Where the node agent writes a container's stdout and stderr. */
export function containerLogPath(state: LabState, pod: V1Pod, container = 'agent'): string {
  return join(state.stateDir, 'nodes', pod.spec!.nodeName!, 'pods', pod.metadata!.uid!, `${container}.log`);
}

export function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
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
    const v = await fn().catch((err: unknown) => {
      if (err instanceof ClientPodFailed) throw err;
      return undefined;
    });
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    signal.throwIfAborted();
    await sleep(250);
  }
}

class ClientPodFailed extends Error {}

/** Runs an agent pod to completion and returns the JSON line it printed, parsed. */
export async function runAgentToCompletion<T>(
  core: CoreV1Api,
  state: LabState,
  body: V1Pod,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T> {
  const name = body.metadata!.name!;
  const pod = await core.createNamespacedPod({ namespace: 'default', body });
  const log = containerLogPath(state, pod);
  try {
    await until(
      `client pod ${name} to finish`,
      async () => {
        const p = await core.readNamespacedPod({ name, namespace: 'default' });
        if (p.status?.phase === 'Failed')
          throw new ClientPodFailed(`client pod ${name} failed: ${readLog(log).slice(-300)}`);
        return p.status?.phase === 'Succeeded' ? true : undefined;
      },
      timeoutMs,
      signal,
    );
    const line = readLog(log)
      .split('\n')
      .find((l) => l.startsWith('{'));
    if (!line) throw new Error(`client pod ${name} printed no report: ${readLog(log).slice(-300)}`);
    return JSON.parse(line) as T;
  } finally {
    await core.deleteNamespacedPod({ name, namespace: 'default', gracePeriodSeconds: 0 }).catch(() => {});
  }
}
