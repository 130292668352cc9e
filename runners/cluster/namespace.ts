import { CoreV1Api, type KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import { waitForDefaultServiceAccount } from '../churn/workload.ts';
import { runLabel } from '../run-label.ts';
import { sleep } from '../../infra/lab/processes.ts';

/** The namespace a kubeconfig run owns: everything it creates lives here, and goes with it. */
export function runNamespace(runId: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: `scalelab-${runId}`, labels: { [runLabel]: runId } },
  };
}

/** Creates the namespace and waits for its `default` ServiceAccount, without which pods are refused. */
export async function createRunNamespace(kc: KubeConfig, runId: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = (await core.createNamespace({ body: runNamespace(runId) })).metadata!.name!;
  await waitForDefaultServiceAccount(kc, name);
  return name;
}

/**
 * Deletes the run's namespace (foreground: its objects first) and waits until the API no longer has it, so the
 * run ends with nothing of its own left in the cluster. Throws after `timeoutMs` naming what is still there.
 */
export async function deleteRunNamespace(kc: KubeConfig, name: string, timeoutMs = 300_000): Promise<number> {
  const core = kc.makeApiClient(CoreV1Api);
  const t0 = performance.now();
  await core.deleteNamespace({ name, propagationPolicy: 'Foreground' }).catch((err: unknown) => {
    if ((err as { code?: number }).code !== 404) throw err;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ns = await core.readNamespace({ name }).catch((err: unknown) => {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    });
    if (!ns) return Math.round(performance.now() - t0) / 1000;
    if (Date.now() > deadline) {
      const why = ns.status?.conditions?.map((c) => `${c.type}: ${c.message}`).join('; ');
      throw new Error(
        `namespace ${name} still there after ${timeoutMs / 1000} s (${why ?? ns.status?.phase})`,
      );
    }
    await sleep(500);
  }
}
