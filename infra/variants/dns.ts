/**
 * The DNS axis: what answers pods' lookups. The cluster's CoreDNS (kube-dns) runs in every lab; a value adds
 * what sits between pods and it (a node-local cache) and chooses the nameserver pods are given. Each value is one
 * file in dns/; this object is the one list the schema, `lab up` and `plan` read.
 */
import type { ServiceProxyValue } from './service-proxy.ts';
import type { VariantContext, VariantNode, VariantValue } from './variant.ts';
import { valueNames } from './variant.ts';
import { coredns } from './dns/coredns.ts';
import { nodelocal } from './dns/nodelocal.ts';

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

export const dnsValues = { coredns, nodelocal } satisfies Record<string, DnsValue>;
export type DnsName = keyof typeof dnsValues;
export const dnsNames = valueNames(dnsValues);
