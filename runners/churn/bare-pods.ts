/**
 * The background as bare pods (background.bind: pods): each group's pods created already bound to a fake node,
 * as kwok's own benchmark creates them, with no Deployment or ReplicaSet for kube-controller-manager to sync and
 * no scheduler. The harness makes every pod itself (groups × endpointsPerService creates instead of one per
 * group), and endpoint churn deletes and recreates a group's pod where it would scale its Deployment.
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { paths, type ApiWrites } from '../../infra/api/api-writes.ts';
import { apiTable, tableColumn } from '../cluster/api-table.ts';
import { retry } from '../../infra/lab/fake-nodes.ts';
import { runLabel } from '../run-label.ts';
import { backgroundPodSpec, groupNamespace, groupNode, type Background, type BarePods } from './workload.ts';

/** A pod of group g named `name`: the labels the group's Services select, agnhost netexec, on `nodeName` if given. */
export function backgroundPod(runId: string, group: number, name: string, nodeName?: string): V1Pod {
  return {
    metadata: { name, labels: { [runLabel]: runId, group: `g${group}` } },
    spec: backgroundPodSpec(nodeName),
  };
}

export function barePodName(group: number, k: number): string {
  return `bg-g${group}-${k}`;
}

/**
 * The run's ready background pods, counted from the apiserver's table view (its READY column, "1/1"):
 * ~100 bytes a pod from the watch cache instead of the ~3 kB of a pod's JSON, 50,000 pods being 150 MB.
 */
export async function countReadyBarePods(kc: KubeConfig, runId: string): Promise<number> {
  // The run's pods that belong to a group: not a measurement's clients or targets, nor the `pods` churn's.
  const selector = encodeURIComponent(`${runLabel}=${runId},group`);
  const path = `/api/v1/pods?labelSelector=${selector}&resourceVersion=0&includeObject=None`;
  const table = await retry(() => apiTable(kc, path, 60_000), 'counting the background pods', 3);
  return tableColumn(table, 'Ready', 'pod').filter((cell) => {
    const [have, want] = String(cell).split('/');
    return have === want && want !== '0';
  }).length;
}

/**
 * Endpoint churn on bare pods: out deletes a group's newest pod (grace 0, so its endpoint goes at once, as a
 * scale-down's would), in creates a new one under a name never used (a deleted name may still be going).
 */
export function barePodFlip(
  api: ApiWrites,
  runId: string,
  bg: Background,
  state: BarePods,
): (group: number, out: boolean) => Promise<void> {
  return (group, out) => {
    const ns = groupNamespace(bg, group);
    if (out) {
      const name = state.newest.get(group) ?? barePodName(group, bg.endpointsPerService - 1);
      return api.remove(paths.pods(ns, name), { gracePeriodSeconds: 0 });
    }
    const name = `bg-g${group}-c${state.made++}`;
    state.newest.set(group, name);
    return api.create(paths.pods(ns), backgroundPod(runId, group, name, groupNode(bg, group)));
  };
}
