/**
 * `iptables`: kube-proxy's iptables mode, with either iptables backend: `nft` (Debian's default, iptables-nft)
 * or `legacy` (x_tables, through iptables-legacy first on kube-proxy's PATH).
 */
import type { ServiceProxyValue } from '../service-proxy-value.ts';
import { bringUpKubeProxy, kubeProxyVersion } from './kube-proxy-node.ts';

export const iptables: ServiceProxyValue<'iptables'> = {
  name: 'iptables',
  help: 'iptables',
  unsupported: () => undefined,
  localDns: 'transparent',
  bringUp: (ctx, nodes, s) => bringUpKubeProxy(ctx, nodes, 'iptables', s),
  label: (s) => `${kubeProxyVersion(s)}, iptables mode, ${s.iptablesBackend} backend`,
};
