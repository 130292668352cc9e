/**
 * The DNS axis: what answers pods' lookups. The cluster's CoreDNS (kube-dns) runs in every lab; a value adds
 * what sits between pods and it (a node-local cache) and chooses the nameserver pods are given. Each value is one
 * file in dns/, named in dns-value.ts; this object is the one list `lab up` and `plan` read.
 */
import type { DnsValue } from './dns-value.ts';
import type { DnsName } from './names.ts';
import { coredns } from './dns/coredns.ts';
import { nodelocal } from './dns/nodelocal.ts';

export const dnsValues: { readonly [K in DnsName]: DnsValue<K> } = { coredns, nodelocal };
