import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { corednsObjects } from '../addons/coredns.ts';
import { applyObjects } from '../addons/apply.ts';
import { flannelSubnetFile } from '../podnet/flannel.ts';
import { podNetworks } from '../variants/pod-network.ts';
import { serviceProxies } from '../variants/service-proxy.ts';
import { dnsValues } from '../variants/dns.ts';
import type { DataplaneHooks, VariantContext } from '../variants/variant.ts';
import { createKubeletServingCert } from './pki.ts';
import { labNetns } from './netns.ts';
import { createRealNodeNetns, realNodeInfo, sysctl, type RealNodeInfo } from './real-nodes.ts';
import { valuesOfNode, type LabState } from './state.ts';
import { waitFor } from './wait.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Real dataplane nodes: namespaces on the fabric, a node agent each, then what the lab's variant values add
 * (infra/variants/: the pod network, the service proxy, the DNS value), with CoreDNS on them behind kube-dns.
 * The service proxy and DNS value are each node's (`valuesOfNode`): each value is brought up once, on the
 * nodes that take it; CoreDNS is the cluster's, shared by all.
 */
export async function bringUpDataplane(h: DataplaneHooks): Promise<void> {
  const { spec, stateDir } = h.state;
  const nodes = Array.from({ length: spec.realNodes }, (_, i) => realNodeInfo(spec.name, i + 1));
  if (nodes.length === 0) return;
  const wait = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
    waitFor(what, check, { timeoutMs, signal: h.signal, watch: h.watched, intervalMs: 250 });
  h.state.realNodes = nodes;
  const ctx: VariantContext = { ...h, wait };
  const podNetwork = podNetworks[spec.podNetwork];
  const proxySettings = { iptablesBackend: spec.iptablesBackend, kubernetesVersion: spec.kubernetesVersion };
  const valuesOf = (n: RealNodeInfo) => {
    const v = valuesOfNode(spec, n.index);
    return { proxy: serviceProxies[v.proxyMode], dns: dnsValues[v.dns] };
  };
  const proxyLabel = (n: RealNodeInfo) => valuesOf(n).proxy.label(proxySettings);
  const dnsLabel = (n: RealNodeInfo) => valuesOf(n).dns.label();
  h.state.variantLabels = {
    podNetwork: podNetwork.label(),
    serviceProxy: distinct(nodes.map(proxyLabel)).join(' + '),
    dns: distinct(nodes.map(dnsLabel)).join(' + '),
  };
  h.state.nodeLabels = Object.fromEntries(
    nodes.map((n) => [n.name, { serviceProxy: proxyLabel(n), dns: dnsLabel(n) }]),
  );
  // A step per value, on its nodes only; a value every node takes keeps its plain label as the step name.
  const onNodes = (label: string, group: readonly RealNodeInfo[]) =>
    group.length === nodes.length ? label : `${label} on ${group.map((n) => n.name).join(', ')}`;

  await h.step('real node namespaces', async () => {
    await sysctl(labNetns(spec.name), { 'net.ipv4.ip_forward': '1' });
    for (const n of nodes) {
      await createRealNodeNetns(spec.name, n);
      h.state.netns.push(n.netns);
    }
  });
  await h.step('node agents', async () => {
    for (const n of nodes) {
      const dir = join(stateDir, 'nodes', n.name);
      mkdirSync(dir, { recursive: true });
      const serving = await createKubeletServingCert(join(stateDir, 'pki'), n.name, n.ip);
      h.start(
        `node-agent-${n.index}`,
        [
          process.execPath,
          '--import',
          'tsx',
          join(repoRoot, 'infra/node-agent/main.ts'),
          '--lab',
          spec.name,
          '--node',
          n.name,
          '--ip',
          n.ip,
          '--zone',
          ['lab-a', 'lab-b', 'lab-c'][(n.index - 1) % 3]!,
          '--kubeconfig',
          h.kubeconfigs.admin,
          '--state-dir',
          dir,
          '--pod-network',
          spec.podNetwork,
          '--dns-ip',
          valuesOf(n).dns.podNameserver(valuesOf(n).proxy),
          '--netns',
          n.netns,
          '--flannel-subnet-file',
          flannelSubnetFile(stateDir, n.name),
          '--tls-cert',
          serving.cert,
          '--tls-key',
          serving.key,
          '--client-ca',
          join(stateDir, 'pki', 'ca.crt'),
        ],
        { netns: n.netns, netOnly: true },
      );
    }
    await wait('real nodes registered with a podCIDR', async () =>
      (await podCidrs(h.kc, nodes)).every(Boolean),
    );
  });
  const withCidr = (await podCidrs(h.kc, nodes)).map((podCidr, i) => ({ ...nodes[i]!, podCidr: podCidr! }));
  await h.step(`pod network ${spec.podNetwork}`, () => podNetwork.bringUp(ctx, withCidr));
  await h.step('real nodes Ready', () =>
    wait('real nodes Ready', async () => {
      const core = h.kc.makeApiClient(CoreV1Api);
      const list = await core.listNode({ labelSelector: 'scalelab.io/real-node=true' });
      return (
        list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .length === nodes.length
      );
    }),
  );
  for (const group of groupBy(nodes, (n) => valuesOf(n).proxy)) {
    const proxy = valuesOf(group[0]!).proxy;
    await h.step(onNodes(proxy.label(proxySettings), group), () => proxy.bringUp(ctx, group, proxySettings));
  }
  await h.step('CoreDNS', async () => {
    await applyObjects(h.kc, corednsObjects(Math.min(2, nodes.length)));
    const apps = h.kc.makeApiClient(AppsV1Api);
    await wait(
      'CoreDNS ready',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'coredns', namespace: 'kube-system' });
        return (d.status?.readyReplicas ?? 0) === d.spec?.replicas;
      },
      120_000,
    );
  });
  for (const group of groupBy(withCidr, (n) => valuesOf(n).dns)) {
    const dns = valuesOf(group[0]!).dns;
    const afterCoreDns = dns.afterCoreDns?.bind(dns);
    if (afterCoreDns)
      await h.step(onNodes(dns.label(), group), () =>
        afterCoreDns(
          ctx,
          group.map((node) => ({ node, proxy: valuesOf(node).proxy })),
        ),
      );
  }
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
