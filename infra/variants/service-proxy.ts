/**
 * The service proxy axis: what turns a Service's ClusterIP into its endpoints on a real node. Each value is one
 * file in service-proxy/; this object is the one list the schema, `lab up` and `plan` read. Three are kube-proxy
 * modes (service-proxy/kube-proxy-node.ts starts it); cilium, the eBPF replacement, starts its own per-node
 * agent from its own file.
 */
import type { RealNodeInfo } from '../lab/real-nodes.ts';
import type { VariantContext, VariantValue } from './variant.ts';
import { valueNames } from './variant.ts';
import { iptables, iptablesBackends, type IptablesBackend } from './service-proxy/iptables.ts';
import { nftables } from './service-proxy/nftables.ts';
import { ipvs } from './service-proxy/ipvs.ts';
import { cilium } from './service-proxy/cilium.ts';

export { iptablesBackends, type IptablesBackend };

/** Settings of the lab a proxy value reads: the iptables backend (an iptables setting), the Kubernetes pin. */
export interface ProxySettings {
  readonly iptablesBackend: IptablesBackend;
  /** The pinned Kubernetes version whose kube-proxy runs; absent: the default pin. */
  readonly kubernetesVersion?: string;
}

export interface ServiceProxyValue<Name extends string = string> extends VariantValue<Name> {
  /**
   * How a node-local DNS cache can sit in front of kube-dns on a node running this proxy: `transparent` (the
   * cache binds the kube-dns ClusterIP too and NOTRACK rules make the packets skip the proxy's DNAT; pods keep
   * the ClusterIP) or `link-local` (the proxy owns the ClusterIP on the node, as ipvs binds it to kube-ipvs0;
   * pods are given 169.254.20.10).
   */
  readonly localDns: 'transparent' | 'link-local';
  /** Starts the proxy on these nodes (only these: a lab may one day mix values) and waits until each serves. */
  bringUp(ctx: VariantContext, nodes: readonly RealNodeInfo[], s: ProxySettings): Promise<void>;
  /** What ran, e.g. "kube-proxy v1.36.3, iptables mode, nft backend". */
  label(s: ProxySettings): string;
}

export const serviceProxies = { iptables, nftables, ipvs, cilium } satisfies Record<
  string,
  ServiceProxyValue
>;
export type ServiceProxyName = keyof typeof serviceProxies;
export const serviceProxyNames = valueNames(serviceProxies);
