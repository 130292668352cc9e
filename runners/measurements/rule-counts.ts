/** The size of a node's rule set, whatever the proxy keeps it in (iptables, nftables, a BPF service map). */
export interface RuleCounts {
  readonly rules: number;
  /** nftables: elements of named sets and maps plus anonymous ones inside rules; iptables: null. */
  readonly elements: number | null;
  readonly chains: number;
  /** KUBE-SVC-* (iptables), service-* (nftables) or frontends (cilium): one per service port with endpoints. */
  readonly serviceChains: number;
  /** KUBE-SEP-* (iptables), endpoint-* (nftables; only where an endpoint needs its own chain), backend slots (cilium). */
  readonly endpointChains: number;
}
