/** `ipvs`: kube-proxy's ipvs mode; needs IPVS in the kernel (CONFIG_IP_VS), which host-facts checks. */
import type { ServiceProxyValue } from '../service-proxy-value.ts';
import { bringUpKubeProxy, kubeProxyVersion } from './kube-proxy-node.ts';

export const ipvs: ServiceProxyValue<'ipvs'> = {
  name: 'ipvs',
  help: 'ipvs',
  unsupported: (host) => host.ipvsMissing,
  otherwise: 'use iptables or nftables on this machine',
  // kube-proxy binds every ClusterIP to kube-ipvs0, so a cache cannot take over kube-dns's address.
  localDns: 'link-local',
  bringUp: (ctx, nodes, s) => bringUpKubeProxy(ctx, nodes, 'ipvs', s),
  label: (s) => `${kubeProxyVersion(s)}, ipvs mode`,
};
