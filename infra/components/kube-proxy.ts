/**
 * kube-proxy's own `mode` values that scalelab runs: the program's settings, not the variant list (that is
 * infra/variants/service-proxy.ts, whose kube-proxy values each pass one of these).
 */
export type ProxyMode = 'iptables' | 'nftables' | 'ipvs';

export interface KubeProxyConfig {
  readonly kubeconfig: string;
  readonly configPath: string;
  readonly nodeName: string;
  readonly mode: ProxyMode;
  readonly clusterCidr: string;
  /** kube-proxy batches changes for at least this long; it adds directly to network programming latency. */
  readonly minSyncPeriodSeconds: number;
  readonly syncPeriodSeconds: number;
}

export function kubeProxyArgs(c: KubeProxyConfig): string[] {
  return [`--config=${c.configPath}`, '--v=2'];
}

/**
 * KubeProxyConfiguration for a real node. conntrack.maxPerCore 0 leaves nf_conntrack_max alone (a namespace
 * cannot set it; kind and local-up-cluster do the same); metrics and healthz listen on the node's fabric address
 * so the harness can scrape them through the lab gateway.
 */
export function kubeProxyConfigFile(c: KubeProxyConfig): string {
  const period = `minSyncPeriod: ${c.minSyncPeriodSeconds}s\n  syncPeriod: ${c.syncPeriodSeconds}s`;
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${c.kubeconfig}
  qps: 50
  burst: 100
hostnameOverride: ${c.nodeName}
mode: ${c.mode}
clusterCIDR: ${c.clusterCidr}
detectLocalMode: NodeCIDR
metricsBindAddress: 0.0.0.0:10249
healthzBindAddress: 0.0.0.0:10256
conntrack:
  maxPerCore: 0
  min: 0
  tcpBeLiberal: ${c.mode === 'nftables'}
iptables:
  ${period}
nftables:
  ${period}
ipvs:
  ${period}
`;
}
