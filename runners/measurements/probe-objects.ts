/**
 * The objects of the network-programming probe (network-programming-latency.ts): a Service, its backends on
 * real node 2, and the client on real node 1 that opens a connection to the VIP every probeIntervalMs.
 * Pure builders, so `run --dry-run` prints exactly what the probe creates.
 */
import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import { netexecContainer } from '../churn/workload.ts';
import { runLabel } from '../run-label.ts';
import type { ClusterTarget } from '../cluster/target.ts';

export function probePod(
  target: ClusterTarget,
  runId: string,
  name: string,
  node: string,
  labels: Record<string, string>,
  container: V1Container,
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: target.namespace, labels: { [runLabel]: runId, ...labels } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      containers: [container],
    },
  };
}

/** A backend of the probe's Service: agnhost netexec, answering /hostname with its pod name. */
export function probeBackend(target: ClusterTarget, runId: string, name: string, node: string): V1Pod {
  return probePod(target, runId, name, node, { app: 'probe-target' }, netexecContainer);
}

export function probeService(target: ClusterTarget, runId: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'probe-target', namespace: target.namespace, labels: { [runLabel]: runId } },
    spec: { selector: { app: 'probe-target' }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

export function probeClient(
  target: ClusterTarget,
  runId: string,
  node: string,
  vip: string,
  intervalMs: number,
): V1Pod {
  const args = ['vip-probe', '--url', `http://${vip}/hostname`, '--interval-ms', String(intervalMs)];
  return probePod(target, runId, 'probe-client', node, {}, { name: 'probe', image: target.agentImage, args });
}

/** Everything the probe creates, in order; the VIP is known only once the Service exists. */
export function plannedProbeObjects(
  target: ClusterTarget,
  runId: string,
  params: { probeIntervalMs: number; samples: number },
  vip: string,
): object[] {
  const [client, server] = [target.nodes[0]?.name ?? '<node 1>', target.nodes[1]?.name ?? '<node 2>'];
  return [
    probeBackend(target, runId, 'probe-a', server),
    probeService(target, runId),
    probeClient(target, runId, client, vip, params.probeIntervalMs),
    ...Array.from({ length: params.samples }, (_, k) => probeBackend(target, runId, `probe-b-${k}`, server)),
  ];
}
