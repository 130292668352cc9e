/**
 * The service proxy axis: what turns a Service's ClusterIP into its endpoints on a real node. Each value is one
 * file in service-proxy/, named in service-proxy-value.ts; this object is the one list `lab up` and `plan` read.
 * Three are kube-proxy modes (service-proxy/kube-proxy-node.ts starts it); cilium, the eBPF replacement, starts
 * its own per-node agent from its own file.
 */
import type { ServiceProxyValue } from './service-proxy-value.ts';
import type { NodeProxyName, ServiceProxyName } from './names.ts';
import { iptables } from './service-proxy/iptables.ts';
import { nftables } from './service-proxy/nftables.ts';
import { ipvs } from './service-proxy/ipvs.ts';
import { cilium } from './service-proxy/cilium.ts';
import { noServiceProxy } from './service-proxy/none.ts';

export const serviceProxies: { readonly [K in ServiceProxyName]: ServiceProxyValue<K> } = {
  iptables,
  nftables,
  ipvs,
  cilium,
};

/** A real node's service proxy value: one of the above, or none (names.ts NodeProxyName). */
export function nodeServiceProxy(name: NodeProxyName): ServiceProxyValue {
  return name === 'none' ? noServiceProxy : serviceProxies[name];
}
