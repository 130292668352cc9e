import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import type { ClusterTarget, TargetNode } from './target.ts';
import { apiGet } from './api-get.ts';

/**
 * An existing cluster through its kubeconfig alone: kube-proxy's metrics through the node proxy
 * (/api/v1/nodes/<node>:10249/proxy/metrics), pods' metrics through the pod proxy, pod output through pods/log.
 */
export async function kubeconfigTarget(
  kc: KubeConfig,
  namespace: string,
  agentImage: string,
  options: ClusterTarget['options'],
): Promise<ClusterTarget> {
  return {
    namespace,
    agentImage,
    options,
    nodes: await workerNodes(kc),
    kubeProxyMetrics: (node) => apiGet(kc, `/api/v1/nodes/${node.name}:10249/proxy/metrics`),
    podMetrics: (pod, port) =>
      apiGet(
        kc,
        `/api/v1/namespaces/${pod.metadata!.namespace}/pods/${pod.metadata!.name}:${port}/proxy/metrics`,
      ),
    async containerLog(pod, container, fromByte = 0) {
      const { name, namespace: ns } = pod.metadata!;
      const all = await apiGet(kc, `/api/v1/namespaces/${ns}/pods/${name}/log?container=${container}`).catch(
        (err: unknown) => {
          // Not started yet: the API answers 400 ("waiting to start") until the container runs.
          if (/HTTP 400/.test(String(err))) return '';
          throw err;
        },
      );
      return fromByte ? Buffer.from(all).subarray(fromByte).toString() : all;
    },
  };
}

/**
 * The nodes a run can pin client pods and targets to: Ready, schedulable, without NoSchedule or NoExecute
 * taints (which also leaves out kwok's fake nodes and tainted control-plane nodes), by name.
 */
export async function workerNodes(kc: KubeConfig): Promise<TargetNode[]> {
  const nodes = await kc.makeApiClient(CoreV1Api).listNode();
  return nodes.items
    .filter(usable)
    .map((n) => ({
      name: n.metadata!.name!,
      ip: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function usable(n: V1Node): boolean {
  const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  const tainted = n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return Boolean(ready) && !n.spec?.unschedulable && !tainted;
}
