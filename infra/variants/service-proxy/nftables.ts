/** `nftables`: kube-proxy's nftables mode (its own `kube-proxy` nft tables, no iptables). */
import type { ServiceProxyValue } from '../service-proxy-value.ts';
import { bringUpKubeProxy, kubeProxyVersion } from './kube-proxy-node.ts';

export const nftables: ServiceProxyValue<'nftables'> = {
  name: 'nftables',
  help: 'nftables',
  unsupported: () => undefined,
  // No upstream statement for node-cache with nftables mode; an iptables raw NOTRACK is seen before nft's nat
  // DNAT, so the transparent setup applies (to be proved by the nodelocal value's tests).
  localDns: 'transparent',
  bringUp: (ctx, nodes, s) => bringUpKubeProxy(ctx, nodes, 'nftables', s),
  label: (s) => `${kubeProxyVersion(s)}, nftables mode`,
};
