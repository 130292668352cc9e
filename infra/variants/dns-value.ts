/**
 * What a DNS value is, apart from the list of values in dns.ts: the values' own files import it from here, so
 * neither imports the other.
 */
import type { ServiceProxyValue } from './service-proxy-value.ts';
import type { VariantContext, VariantNode, VariantValue } from './variant.ts';

/** A real node as a DNS value sees it: the node and the service proxy value running on it. */
export interface DnsNode {
  readonly node: VariantNode;
  readonly proxy: ServiceProxyValue;
}

export interface DnsValue<Name extends string = string> extends VariantValue<Name> {
  /**
   * The nameserver the node agent writes into pods' resolv.conf (its `--dns-ip`) on a node running `proxy`:
   * the kube-dns ClusterIP, or a node-local address when the proxy owns the ClusterIP (`proxy.localDns`).
   */
  podNameserver(proxy: ServiceProxyValue): string;
  /**
   * Once the cluster's CoreDNS is ready: the objects this value adds (created and waited for through ctx.kc)
   * and what it sets up on these nodes. Absent for plain CoreDNS.
   */
  afterCoreDns?(ctx: VariantContext, nodes: readonly DnsNode[]): Promise<void>;
  /** What ran, e.g. "CoreDNS v1.14.7". */
  label(): string;
}
