/**
 * What the connection-latency measurement (connection-latency.ts) connects to: two agnhost pods on real node 2
 * behind a ClusterIP (connection-objects.ts), created before the phases and deleted at stop.
 */
import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { MeasurementContext } from './measurement.ts';
import { until } from './client-pod.ts';
import { connTarget, connTargetDeployment, connTargetService } from './connection-objects.ts';

/** The API clients the target is made, watched and deleted with. */
export interface TargetApis {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
}

/** Where the target answers: its ClusterIP once the Service exists, one pod's IP once both pods are ready. */
export interface TargetAddresses {
  vip?: string;
  podIp?: string;
}

/** Creates the target and waits for it; `at` is filled in as it goes, so a stop after a failure cleans up. */
export async function createTarget(
  ctx: MeasurementContext,
  { core, apps }: TargetApis,
  at: TargetAddresses,
): Promise<void> {
  const namespace = ctx.target.namespace;
  if (ctx.target.nodes.length < 2) throw new Error('connection latency needs two real nodes');
  await apps.createNamespacedDeployment({ namespace, body: connTargetDeployment(ctx.target, ctx.runId) });
  const svc = await core.createNamespacedService({
    namespace,
    body: connTargetService(ctx.target, ctx.runId),
  });
  at.vip = svc.spec!.clusterIP!;
  at.podIp = await readyPodIp(ctx, { core, apps });
  // Give kube-proxy its minimum sync period so the VIP has both endpoints before the clock starts.
  await sleep(2000);
}

/** Once both pods are ready, the IP of one that is not going away. */
function readyPodIp(ctx: MeasurementContext, { core, apps }: TargetApis): Promise<string> {
  const namespace = ctx.target.namespace;
  return until(
    `${connTarget} ready`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name: connTarget, namespace });
      if ((d.status?.readyReplicas ?? 0) < 2 || d.status?.replicas !== 2) return undefined;
      const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${connTarget}` });
      return pods.items.find((p) => p.status?.podIP && !p.metadata?.deletionTimestamp)?.status?.podIP;
    },
    120_000,
    ctx.signal,
  );
}

/** Deletes the Deployment and the Service; a failed delete is not among the measurement's errors. */
export async function deleteTarget(ctx: MeasurementContext, { core, apps }: TargetApis): Promise<void> {
  const namespace = ctx.target.namespace;
  await apps.deleteNamespacedDeployment({ name: connTarget, namespace }).catch(() => {});
  await core.deleteNamespacedService({ name: connTarget, namespace }).catch(() => {});
}
