/**
 * The names of each variant axis' values, in the order help and messages list them: a leaf every part can
 * import (the lab state, the scenario schema, the values). Each axis module (pod-network.ts, service-proxy.ts,
 * dns.ts) maps every name here to its value's file, and the compiler holds the two lists equal.
 */
/** How pods get addresses and how traffic between nodes' podCIDRs is routed. */
export const podNetworkNames = ['direct', 'vxlan', 'bgp'] as const;
export type PodNetworkName = (typeof podNetworkNames)[number];

/** What turns a Service's ClusterIP into its endpoints on a node: three kube-proxy modes and cilium. */
export const serviceProxyNames = ['iptables', 'nftables', 'ipvs', 'cilium'] as const;
export type ServiceProxyName = (typeof serviceProxyNames)[number];

/**
 * A real node's service proxy: a value above, or `none`, which is no variant's value: a node that only holds
 * other nodes' traffic targets (side by side's shared target node) serves no ClusterIP of its own.
 */
export type NodeProxyName = ServiceProxyName | 'none';

/** The iptables backends, an iptables setting: iptables-nft or iptables-legacy; other modes run once, not per backend. */
export const iptablesBackends = ['nft', 'legacy'] as const;
export type IptablesBackend = (typeof iptablesBackends)[number];

/** What answers pods' lookups: the cluster's CoreDNS alone, or a node-local cache in front of it. */
export const dnsNames = ['coredns', 'nodelocal'] as const;
export type DnsName = (typeof dnsNames)[number];
