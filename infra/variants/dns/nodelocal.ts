/**
 * `nodelocal`: NodeLocal DNSCache. node-cache itself (module k8s.io/dns) is not served by this machine's Go
 * module proxy, so its setup is reproduced by scalelab around upstream CoreDNS (infra/node-cache/,
 * infra/addons/nodelocaldns.ts): the upstream DaemonSet, ConfigMap and kube-dns-upstream Service, a cache on
 * each node given this value (labelled, as a node-by-node rollout does; pods elsewhere ask kube-dns). Transparent where the service proxy leaves the kube-dns ClusterIP to the cache (pods keep
 * it), link-local where the proxy owns it (ipvs: pods are given 169.254.20.10).
 */
import { labAddresses as A } from '../../lab/addresses.ts';
import { pin } from '../../versions.ts';
import { bringUpNodeLocalDns } from '../../addons/nodelocaldns.ts';
import type { DnsValue } from '../dns-value.ts';

export const nodelocal: DnsValue<'nodelocal'> = {
  name: 'nodelocal',
  help: 'nodelocal (node-cache setup reproduced around CoreDNS)',
  unsupported: () => undefined,
  podNameserver: (proxy) => (proxy.localDns === 'transparent' ? A.kubeDnsService : A.nodeLocalDns),
  afterCoreDns: async (ctx, nodes) => {
    const modes = new Set(nodes.map((n) => n.proxy.localDns));
    // One ConfigMap serves every node's cache: nodes whose proxies need different modes cannot share it.
    if (modes.size > 1)
      throw new Error(
        `--dns nodelocal: the real nodes' service proxies need different cache modes (${[...modes].join(', ')})`,
      );
    await bringUpNodeLocalDns(ctx.kc, {
      mode: [...modes][0] ?? 'transparent',
      signal: ctx.signal,
      nodes: nodes.map((n) => n.node.name),
    });
  },
  label: () =>
    `NodeLocal DNSCache (node-cache's setup reproduced by scalelab, CoreDNS ${pin('coredns').version})`,
};
