import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { corednsObjects } from '../addons/coredns.ts';
import { applyObjects } from '../addons/apply.ts';
import { podNetworks } from '../variants/pod-network.ts';
import { nodeServiceProxy } from '../variants/service-proxy.ts';
import type { ProxySettings, ServiceProxyValue } from '../variants/service-proxy-value.ts';
import { dnsValues } from '../variants/dns.ts';
import type { DnsValue } from '../variants/dns-value.ts';
import type { DataplaneHooks, VariantContext, Wait } from '../variants/variant.ts';
import { labNetns } from './netns.ts';
import { startNodeAgent } from './node-agents.ts';
import { createRealNodeNetns, realNodeInfo, sysctl, type RealNodeInfo } from './real-nodes.ts';
import { valuesOfNode } from './state.ts';
import { waitFor } from './wait.ts';

/** What the dataplane's steps share: the hooks with a wait, the real nodes, what each node takes. */
interface Dataplane {
  readonly ctx: VariantContext;
  readonly nodes: readonly RealNodeInfo[];
  readonly proxySettings: ProxySettings;
  /** The node's service proxy and DNS value (`valuesOfNode`): the same objects for nodes that share them. */
  valuesOf(n: RealNodeInfo): { readonly proxy: ServiceProxyValue; readonly dns: DnsValue };
}

/**
 * Real dataplane nodes: namespaces on the fabric, a node agent each, then what the lab's variant values add
 * (infra/variants/: the pod network, the service proxy, the DNS value), with CoreDNS on them behind kube-dns.
 * The service proxy and DNS value are each node's (`valuesOfNode`): each value is brought up once, on the
 * nodes that take it; CoreDNS is the cluster's, shared by all.
 */
export async function bringUpDataplane(h: DataplaneHooks): Promise<void> {
  const { spec } = h.state;
  const nodes = Array.from({ length: spec.realNodes }, (_, i) => realNodeInfo(spec.name, i + 1));
  if (nodes.length === 0) return;
  const wait: Wait = (what, check, timeoutMs = 60_000) =>
    waitFor(what, check, { timeoutMs, signal: h.signal, watch: h.watched, intervalMs: 250 });
  h.state.realNodes = nodes;
  const d: Dataplane = {
    ctx: { ...h, wait },
    nodes,
    proxySettings: { iptablesBackend: spec.iptablesBackend, kubernetesVersion: spec.kubernetesVersion },
    valuesOf(n) {
      const v = valuesOfNode(spec, n.index);
      return { proxy: nodeServiceProxy(v.proxyMode), dns: dnsValues[v.dns] };
    },
  };
  recordLabels(d);

  await h.step('real node namespaces', () => createNodeNamespaces(d));
  await h.step('node agents', () => startNodeAgents(d));
  const withCidr = (await podCidrs(h.kc, nodes)).map((podCidr, i) => ({ ...nodes[i]!, podCidr: podCidr! }));
  await h.step(`pod network ${spec.podNetwork}`, () => podNetworks[spec.podNetwork].bringUp(d.ctx, withCidr));
  await h.step('real nodes Ready', () => waitNodesReady(d));
  for (const group of groupBy(nodes, (n) => d.valuesOf(n).proxy)) {
    const proxy = d.valuesOf(group[0]!).proxy;
    await h.step(onNodes(d, proxy.label(d.proxySettings), group), () =>
      proxy.bringUp(d.ctx, group, d.proxySettings),
    );
  }
  await h.step('CoreDNS', () => startCoreDns(d));
  for (const group of groupBy(withCidr, (n) => d.valuesOf(n).dns)) {
    const dns = d.valuesOf(group[0]!).dns;
    const afterCoreDns = dns.afterCoreDns?.bind(dns);
    if (afterCoreDns)
      await h.step(onNodes(d, dns.label(), group), () =>
        afterCoreDns(
          d.ctx,
          group.map((node) => ({ node, proxy: d.valuesOf(node).proxy })),
        ),
      );
  }
}

/** The lab's variant labels, joined over the nodes, and each node's own, into the lab state. */
function recordLabels(d: Dataplane): void {
  const { state } = d.ctx;
  const proxyLabel = (n: RealNodeInfo) => d.valuesOf(n).proxy.label(d.proxySettings);
  const dnsLabel = (n: RealNodeInfo) => d.valuesOf(n).dns.label();
  state.variantLabels = {
    podNetwork: podNetworks[state.spec.podNetwork].label(),
    serviceProxy: distinct(d.nodes.map(proxyLabel)).join(' + '),
    dns: distinct(d.nodes.map(dnsLabel)).join(' + '),
  };
  state.nodeLabels = Object.fromEntries(
    d.nodes.map((n) => [n.name, { serviceProxy: proxyLabel(n), dns: dnsLabel(n) }]),
  );
}

/** A step per value, on its nodes only; a value every node takes keeps its plain label as the step name. */
function onNodes(d: Dataplane, label: string, group: readonly RealNodeInfo[]): string {
  return group.length === d.nodes.length ? label : `${label} on ${group.map((n) => n.name).join(', ')}`;
}

async function createNodeNamespaces(d: Dataplane): Promise<void> {
  const { state } = d.ctx;
  await sysctl(labNetns(state.spec.name), { 'net.ipv4.ip_forward': '1' });
  for (const n of d.nodes) {
    await createRealNodeNetns(state.spec.name, n);
    state.netns.push(n.netns);
  }
}

/** An agent per node, one after another, then until kcm has given every node its podCIDR. */
async function startNodeAgents(d: Dataplane): Promise<void> {
  for (const n of d.nodes) {
    const { proxy, dns } = d.valuesOf(n);
    await startNodeAgent(d.ctx, n, dns.podNameserver(proxy));
  }
  await d.ctx.wait('real nodes registered with a podCIDR', async () =>
    (await podCidrs(d.ctx.kc, d.nodes)).every(Boolean),
  );
}

function waitNodesReady(d: Dataplane): Promise<void> {
  return d.ctx.wait('real nodes Ready', async () => {
    const core = d.ctx.kc.makeApiClient(CoreV1Api);
    const list = await core.listNode({ labelSelector: 'scalelab.io/real-node=true' });
    return (
      list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        .length === d.nodes.length
    );
  });
}

/**
 * The cluster's CoreDNS (two replicas, or one on a one-node lab), until every replica is ready; on the nodes
 * with no service proxy where the lab has some (infra/addons/coredns.ts says why).
 */
async function startCoreDns(d: Dataplane): Promise<void> {
  const { kc, wait } = d.ctx;
  const withoutProxy = d.nodes.some((n) => d.valuesOf(n).proxy.name === 'none');
  await applyObjects(kc, corednsObjects(Math.min(2, d.nodes.length), withoutProxy));
  const apps = kc.makeApiClient(AppsV1Api);
  await wait(
    'CoreDNS ready',
    async () => {
      const dep = await apps.readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' });
      return (dep.status?.readyReplicas ?? 0) === dep.spec?.replicas;
    },
    120_000,
  );
}

/** The items grouped by key, groups in the order their first item comes, items in their order. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

const distinct = (xs: readonly string[]) => [...new Set(xs)];

async function podCidrs(kc: KubeConfig, nodes: readonly RealNodeInfo[]): Promise<(string | undefined)[]> {
  const core = kc.makeApiClient(CoreV1Api);
  return Promise.all(
    nodes.map((n) =>
      core.readNode({ name: n.name }).then(
        (x) => x.spec?.podCIDR,
        () => undefined,
      ),
    ),
  );
}
