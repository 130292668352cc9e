/**
 * scalelab's traffic agent as an Indexed Job: `parallelism` workers, each a pod pinned to one node, each
 * printing one JSON report line that the harness reads through the target (pods/log in a cluster).
 */
import {
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1EnvVar,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import { runLabel } from '../run-label.ts';
import { until } from '../measurements/client-pod.ts';
import type { ClusterTarget } from './target.ts';

export interface AgentJobSpec {
  readonly name: string;
  readonly node: string;
  /** The agent's argv past its entrypoint, the same for every worker. */
  readonly args: readonly string[];
  readonly env?: readonly V1EnvVar[];
  /** Workers running at once; the Job completes when each index has succeeded once. @default 1 */
  readonly parallelism?: number;
}

/** The Job object; its workers see their index as JOB_COMPLETION_INDEX. */
export function agentJob(target: ClusterTarget, runId: string, spec: AgentJobSpec): V1Job {
  const n = spec.parallelism ?? 1;
  const labels = { [runLabel]: runId };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: spec.name, namespace: target.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: n,
      // A failed worker is a failed measurement, not something to retry: its figures would be partial.
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          nodeName: spec.node,
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'agent',
              image: target.agentImage,
              args: [...spec.args],
              ...(spec.env ? { env: [...spec.env] } : {}),
            },
          ],
        },
      },
    },
  };
}

/**
 * Runs the Job to completion and returns each worker's report (its first line starting with `{`), in index
 * order; deletes the Job and its pods afterwards, whatever happened.
 */
export async function runAgentJob<T>(
  kc: KubeConfig,
  target: ClusterTarget,
  job: V1Job,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T[]> {
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const name = job.metadata!.name!;
  const namespace = target.namespace;
  await batch.createNamespacedJob({ namespace, body: job });
  const workers = async () =>
    (
      await core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${name}` })
    ).items.sort((a, b) => index(a) - index(b));
  const tails = async () => {
    const out: string[] = [];
    for (const p of await workers()) out.push(`${p.metadata!.name}: ${(await logOf(p)).slice(-300)}`);
    return out.join('\n');
  };
  const logOf = (p: Parameters<ClusterTarget['containerLog']>[0]) =>
    target.containerLog(p, 'agent').catch((err: unknown) => `(log unreadable: ${err})`);
  try {
    let failed = false;
    await until(
      `job ${name} to complete`,
      async () => {
        const j = await batch.readNamespacedJob({ name, namespace });
        const has = (type: string) =>
          j.status?.conditions?.some((c) => c.type === type && c.status === 'True');
        if (has('Failed')) failed = true;
        return has('Complete') || failed ? true : undefined;
      },
      timeoutMs,
      signal,
    );
    if (failed) throw new Error(`job ${name} failed:\n${await tails()}`);
    const reports: T[] = [];
    for (const p of await workers()) {
      if (p.status?.phase !== 'Succeeded') continue;
      const text = await logOf(p);
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(`${p.metadata!.name} printed no report: ${text.slice(-300)}`);
      reports.push(JSON.parse(line) as T);
    }
    return reports;
  } finally {
    await deleteAgentJob(kc, target, name);
  }
}

/**
 * Creates a Job whose single worker runs until the Job is deleted (the DNS client) and returns the worker's
 * pod once it exists, to read its output as it goes.
 */
export async function startAgentJob(
  kc: KubeConfig,
  target: ClusterTarget,
  job: V1Job,
  signal: AbortSignal,
): Promise<V1Pod> {
  const name = job.metadata!.name!;
  await kc.makeApiClient(BatchV1Api).createNamespacedJob({ namespace: target.namespace, body: job });
  return until(
    `the pod of job ${name}`,
    async () =>
      (
        await kc.makeApiClient(CoreV1Api).listNamespacedPod({
          namespace: target.namespace,
          labelSelector: `batch.kubernetes.io/job-name=${name}`,
        })
      ).items.find((p) => p.spec?.nodeName && p.metadata?.uid),
    60_000,
    signal,
  );
}

/** Deletes a Job and (in the background, as kubectl does) its pods; a Job already gone is fine. */
export async function deleteAgentJob(kc: KubeConfig, target: ClusterTarget, name: string): Promise<void> {
  await kc
    .makeApiClient(BatchV1Api)
    .deleteNamespacedJob({
      name,
      namespace: target.namespace,
      propagationPolicy: 'Background',
      gracePeriodSeconds: 0,
    })
    .catch(() => {});
}

function index(p: { metadata?: { annotations?: Record<string, string> } }): number {
  return Number(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? 0);
}
