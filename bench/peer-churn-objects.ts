/**
 * The objects both tools create, so the comparison measures the clients and not the objects: kwok pods as the
 * churn driver makes them, and Services as runners/churn/workload.ts's createService makes them. Both live in
 * `default` (createService's namespace), numbered from 1 (kube-burner's {{.Replica}}).
 */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { kwokPodSpec } from '../runners/churn/workload.ts';
import { runLabel } from '../runners/run-label.ts';

export const namespace = 'default';

export function podName(runId: string, index: number): string {
  return `churn-${runId}-${index}`;
}

/** A pod for the kwok nodes, as the `pods` churn makes it; grace 0 makes a default DELETE immediate too. */
export function peerPod(runId: string, index: number | string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `churn-${runId}-${index}`,
      namespace,
      labels: { [runLabel]: runId, churn: 'pods' },
    },
    // kube-burner deletes with default options; the churn driver with gracePeriodSeconds 0. With the pod's
    // own grace at 0 both deletes remove the pod at once (no kwok round trip), so they cost the same.
    spec: { ...kwokPodSpec(['pause']), terminationGracePeriodSeconds: 0 },
  };
}

/** What createService(kc, runId, index, 1) sends: a Service selecting the (empty) group g0. */
export function peerService(runId: string, index: number | string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${index}`, namespace, labels: { [runLabel]: runId } },
    spec: {
      selector: { [runLabel]: runId, group: 'g0' },
      ports: [{ port: 80, targetPort: 8080 }],
    },
  };
}
