/**
 * `lab up --node-values iptables/coredns,nftables/nodelocal`: a service proxy and a DNS value for each real
 * node, node 1 first. A cluster configures kube-proxy per node and rolls node-local caches out node by node, so
 * one lab can hold variants side by side on separate real nodes. Pure: parsing and the mixing rules, no I/O.
 */
import {
  dnsNames,
  serviceProxyNames,
  type DnsName,
  type NodeProxyName,
  type ServiceProxyName,
} from '../variants/names.ts';
import { nodeServiceProxy } from '../variants/service-proxy.ts';
import type { NodeValues } from './state.ts';

const flag = '--node-values';
/** A node's proxy: a variant value, or none (a node that only holds other nodes' targets). */
const proxyChoices = `${serviceProxyNames.join(', ')}, none`;

/** Each node's values from the flag's text, or the problems (every one, each naming the flag and the node). */
export function parseNodeValues(
  text: string,
  realNodes: number,
): { values: NodeValues[]; problems: string[] } {
  const problems: string[] = [];
  const entries = text.split(',').map((e) => e.trim());
  if (entries.length !== realNodes)
    problems.push(
      `${flag}: expected one <proxy>/<dns> per real node (--real-nodes ${realNodes}), node 1 first; got ${entries.length} in "${text}"`,
    );
  const values: NodeValues[] = [];
  for (const [i, entry] of entries.entries()) {
    const node = `node ${i + 1}`;
    const [proxy, dns, ...rest] = entry.split('/');
    if (dns === undefined || rest.length) {
      problems.push(
        `${flag}: ${node}: expected <proxy>/<dns> such as nftables/nodelocal (proxy: ${proxyChoices}; dns: ${dnsNames.join(', ')}); got "${entry}"`,
      );
      continue;
    }
    const proxyOk = proxy === 'none' || serviceProxyNames.includes(proxy as ServiceProxyName);
    const dnsOk = dnsNames.includes(dns as DnsName);
    if (!proxyOk) problems.push(`${flag}: ${node}: proxy expected one of ${proxyChoices}; got "${proxy}"`);
    if (!dnsOk) problems.push(`${flag}: ${node}: dns expected one of ${dnsNames.join(', ')}; got "${dns}"`);
    if (proxy === 'none' && dns === 'nodelocal')
      problems.push(
        `${flag}: ${node}: none/nodelocal: a node-local cache reaches CoreDNS through the kube-dns ClusterIP, which a node with no service proxy does not serve; use none/coredns`,
      );
    else if (proxyOk && dnsOk) values.push({ proxyMode: proxy as NodeProxyName, dns: dns as DnsName });
  }
  if (values[0]?.proxyMode === 'none')
    problems.push(
      `${flag}: node 1: none: node 1 holds the measurements' clients, which reach Services through their node's proxy; give node 1 a proxy and none to a later node`,
    );
  if (!problems.length) problems.push(...mixingProblems(values));
  return { values, problems };
}

/**
 * What cannot share one lab. NodeLocal DNSCache has one ConfigMap for all its caches, so the nodes that take
 * it must run proxies that want the same cache mode (`ServiceProxyValue.localDns`: transparent for iptables
 * and nftables, link-local for ipvs and cilium); nodes with plain CoreDNS may run anything.
 *
 * cilium beside kube-proxy is allowed: its socket-level load balancer is attached to its own node's cgroup
 * (`scalelab_<lab>/real-node-N`, infra/cilium/node-cgroup.ts) and applies to that subtree only, while other
 * nodes' agents and pods stay outside it; each kube-proxy's rules live in its own node's namespace. Seen on a
 * cilium/coredns,iptables/coredns lab: `bpftool cgroup tree` lists cil_sock* on node 1's cgroup alone, node 2's
 * pods reach both nodes' ClusterIPs through node 2's DNAT (conntrack holds the VIP), node 1's through the
 * socket hooks (no conntrack entry for the VIP), both ways (test/integration/mixed-nodes.test.ts).
 */
export function mixingProblems(values: readonly NodeValues[]): string[] {
  const cached = values.map((v, i) => ({ node: i + 1, ...v })).filter((v) => v.dns === 'nodelocal');
  const modes = new Map<string, number[]>();
  for (const v of cached) {
    const mode = nodeServiceProxy(v.proxyMode).localDns;
    modes.set(mode, [...(modes.get(mode) ?? []), v.node]);
  }
  if (modes.size < 2) return [];
  const which = [...modes]
    .map(([mode, nodes]) => `${mode} on node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')}`)
    .join(', ');
  return [
    `${flag}: the nodes given nodelocal share one cache configuration, but their proxies need different cache modes (${which}); give nodelocal only to nodes whose proxies need the same mode`,
  ];
}
