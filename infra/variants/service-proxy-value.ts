/**
 * What a service proxy value is, apart from the list of values in service-proxy.ts: the values' own files import it from here, so
 * neither imports the other.
 */
import type { RealNodeInfo } from '../lab/real-nodes.ts';
import type { IptablesBackend } from './names.ts';
import type { VariantContext, VariantValue } from './variant.ts';

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
