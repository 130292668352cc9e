/**
 * What a kubeconfig run learns about the cluster instead of choosing it: the axes of the variant matrix that the
 * cluster decides, read where the API shows them, and one variant named after the cluster.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Variant } from '../../scenarios/plan.ts';
import { apiGet } from './api-get.ts';
import type { TargetNode } from './target.ts';

export interface ClusterFacts {
  /** The kubeconfig's current context: the variant id starts with it. */
  readonly context: string;
  readonly server: string;
  /** The apiserver's /version gitVersion. */
  readonly version: string;
  /** kube-proxy's mode, and where it was read ('/proxyMode of <node>' or the kube-proxy ConfigMap), or why not. */
  readonly proxyMode: string;
  readonly proxyModeSource: string;
  /** 'coredns' when kube-dns's pods run a CoreDNS image, else the image. */
  readonly dns: string;
  /** Nodes labelled type=kwok: the background's pods need them. */
  readonly kwokNodes: number;
}

export async function readClusterFacts(kc: KubeConfig, nodes: readonly TargetNode[]): Promise<ClusterFacts> {
  const core = kc.makeApiClient(CoreV1Api);
  const version = JSON.parse(await apiGet(kc, '/version')) as { gitVersion: string };
  const { mode, source } = await proxyMode(kc, nodes);
  const dnsPods = await core
    .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns', limit: 1 })
    .catch(() => undefined);
  const image = dnsPods?.items[0]?.spec?.containers[0]?.image ?? 'unknown';
  const kwok = await core.listNode({ labelSelector: 'type=kwok', limit: 1 });
  return {
    context: kc.getCurrentContext(),
    server: kc.getCurrentCluster()?.server ?? '',
    version: version.gitVersion,
    proxyMode: mode,
    proxyModeSource: source,
    dns: /coredns/.test(image) ? 'coredns' : image,
    kwokNodes: kwok.items.length + (kwok.metadata?.remainingItemCount ?? 0),
  };
}

/** kube-proxy's /proxyMode on the first node (through the node proxy), else the kubeadm ConfigMap. */
async function proxyMode(
  kc: KubeConfig,
  nodes: readonly TargetNode[],
): Promise<{ mode: string; source: string }> {
  const node = nodes[0];
  if (node) {
    const mode = await apiGet(kc, `/api/v1/nodes/${node.name}:10249/proxy/proxyMode`).catch(() => '');
    if (/^\w+$/.test(mode.trim()))
      return { mode: mode.trim(), source: `/proxyMode of kube-proxy on ${node.name}` };
  }
  const cm = await kc
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name: 'kube-proxy', namespace: 'kube-system' })
    .catch(() => undefined);
  const m = /^mode:\s*"?(\w*)"?/m.exec(cm?.data?.['config.conf'] ?? '');
  if (m)
    return { mode: m[1] || 'iptables', source: 'ConfigMap kube-system/kube-proxy (empty mode: iptables)' };
  return { mode: 'unknown', source: 'neither kube-proxy /proxyMode nor the kube-proxy ConfigMap answered' };
}

/**
 * The one variant a cluster is: its proxy mode as read; the pod network and iptables backend are not visible
 * through the API, so they are recorded as 'cluster'. Strings outside the lab's unions, on purpose: the
 * results reader takes any string, and a lab value here would claim something nobody chose.
 */
export function clusterVariant(f: ClusterFacts): { id: string; variant: Variant } {
  const variant = {
    podNetwork: 'cluster',
    proxyMode: f.proxyMode,
    iptablesBackend: 'cluster',
    dns: f.dns === 'coredns' ? 'coredns' : 'cluster',
    kubernetesVersion: f.version,
  } as unknown as Variant;
  const name = f.context.replace(/[^\w-]+/g, '-');
  return { id: `${name}.${f.proxyMode}.${variant.dns}`, variant };
}
