import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { binPath } from '../build/build.ts';
import { kubeProxyArgs, kubeProxyConfigFile } from '../components/kube-proxy.ts';
import { corednsObjects } from '../addons/coredns.ts';
import { applyObjects } from '../addons/apply.ts';
import { installDirectRoutes } from '../podnet/direct.ts';
import { flannelArgs, writeFlannelNetConf } from '../podnet/flannel.ts';
import { labAsn, nodeConfig, reflectorConfig, startBird, waitForBgpConvergence } from '../podnet/bgp.ts';
import { flannelSubnetFile } from '../node-agent/pod-network.ts';
import { createKubeletServingCert } from './pki.ts';
import { labAddresses as A } from './addresses.ts';
import { labNetns } from './netns.ts';
import { createRealNodeNetns, realNodeInfo, sysctl, type RealNodeInfo } from './real-nodes.ts';
import type { StartedProcess } from './processes.ts';
import type { LabState } from './state.ts';
import { waitFor } from './wait.ts';
import { labHttpGet } from './lab-connect.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface DataplaneHooks {
  readonly state: LabState;
  readonly kc: KubeConfig;
  readonly kubeconfigs: { admin: string; kubeProxy: string };
  /** Starts a daemon (inside netns, or the lab's namespace), records it in the lab state, watches it. */
  start(
    name: string,
    argv: string[],
    opts?: { netns?: string; netOnly?: boolean; env?: NodeJS.ProcessEnv },
  ): StartedProcess;
  /** Records a daemon started elsewhere (bird) in the lab state and watches it. */
  adopt(p: StartedProcess, kind: string): void;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  readonly signal: AbortSignal;
  readonly watched: readonly StartedProcess[];
}

/**
 * Real dataplane nodes: namespaces on the fabric, a node agent each, the pod network (direct routes, flannel's
 * vxlan, or BGP with bird), kube-proxy in the chosen mode, and CoreDNS on them behind kube-dns.
 */
export async function bringUpDataplane(h: DataplaneHooks): Promise<void> {
  const { spec, stateDir } = h.state;
  const nodes = Array.from({ length: spec.realNodes }, (_, i) => realNodeInfo(spec.name, i + 1));
  if (nodes.length === 0) return;
  const wait = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
    waitFor(what, check, { timeoutMs, signal: h.signal, watch: h.watched, intervalMs: 250 });
  h.state.realNodes = nodes;

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
          spec.dns === 'nodelocal' ? A.nodeLocalDns : A.kubeDnsService,
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
  await h.step(`pod network ${spec.podNetwork}`, () => podNetwork(h, withCidr, wait));
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
  await h.step(
    `kube-proxy (${spec.proxyMode}${spec.proxyMode === 'iptables' ? `, ${spec.iptablesBackend} backend` : ''})`,
    async () => {
      for (const n of nodes) startKubeProxy(h, n);
      await wait('kube-proxy healthz on every real node', async () => {
        for (const n of nodes) await labHttpGet(h.state.gatewaySocket, `http://${n.ip}:10256/healthz`);
        return true;
      });
    },
  );
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
}

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

async function podNetwork(
  h: DataplaneHooks,
  nodes: readonly (RealNodeInfo & { podCidr: string })[],
  wait: (what: string, check: () => Promise<boolean>, timeoutMs?: number) => Promise<void>,
) {
  const { spec, stateDir } = h.state;
  if (spec.podNetwork === 'direct') return installDirectRoutes(spec.name, nodes);
  if (spec.podNetwork === 'vxlan') {
    const netConfPath = writeFlannelNetConf(stateDir);
    for (const n of nodes) {
      const subnetFile = flannelSubnetFile(stateDir, n.name);
      h.start(
        `flannel-${n.index}`,
        [binPath('flannel'), ...flannelArgs({ kubeconfig: h.kubeconfigs.admin, netConfPath, subnetFile })],
        {
          netns: n.netns,
          env: { ...process.env, NODE_NAME: n.name },
        },
      );
    }
    return wait('flannel subnet files', async () =>
      nodes.every((n) => existsSync(flannelSubnetFile(stateDir, n.name))),
    );
  }
  // bgp: a route reflector in the lab namespace, one bird per node announcing its podCIDR.
  const dir = join(stateDir, 'bird');
  const birds = [
    startBird({
      netns: labNetns(spec.name),
      dir,
      name: 'reflector',
      config: reflectorConfig({ routerId: A.controlPlane, asn: labAsn, nodes }),
    }),
    ...nodes.map((n) =>
      startBird({
        netns: n.netns,
        dir,
        name: n.name,
        config: nodeConfig({ routerId: n.ip, asn: labAsn, reflectorIp: A.controlPlane, podCidr: n.podCidr }),
      }),
    ),
  ];
  for (const b of birds) h.adopt(b, 'bird');
  await waitForBgpConvergence({
    nodes,
    alsoRouting: [labNetns(spec.name)],
    timeoutMs: 60_000,
    signal: h.signal,
    watch: birds,
  });
}

/** kube-proxy in the node's namespace; the legacy iptables backend comes first on its PATH when chosen. */
function startKubeProxy(h: DataplaneHooks, n: RealNodeInfo) {
  const { spec, stateDir } = h.state;
  const dir = join(stateDir, 'nodes', n.name);
  const cfg = {
    kubeconfig: h.kubeconfigs.kubeProxy,
    configPath: join(dir, 'kube-proxy.yaml'),
    nodeName: n.name,
    mode: spec.proxyMode,
    clusterCidr: A.podCidr,
    minSyncPeriodSeconds: 1,
    syncPeriodSeconds: 30,
  };
  writeFileSync(cfg.configPath, kubeProxyConfigFile(cfg));
  h.state.configFiles[`kube-proxy-${n.index}`] = cfg.configPath;
  const path =
    spec.iptablesBackend === 'legacy'
      ? `${legacyIptablesDir(stateDir)}:${process.env.PATH}`
      : process.env.PATH;
  h.start(`kube-proxy-${n.index}`, [binPath('kube-proxy', spec.kubernetesVersion), ...kubeProxyArgs(cfg)], {
    netns: n.netns,
    env: { ...process.env, PATH: path },
  });
}

/** A directory whose iptables* are the legacy (x_tables) binaries: kube-proxy runs whatever `iptables` is on PATH. */
function legacyIptablesDir(stateDir: string): string {
  const dir = join(stateDir, 'iptables-legacy');
  mkdirSync(dir, { recursive: true });
  for (const tool of [
    'iptables',
    'iptables-save',
    'iptables-restore',
    'ip6tables',
    'ip6tables-save',
    'ip6tables-restore',
  ]) {
    const target = `/usr/sbin/${tool.replace(/^(ip6?tables)/, '$1-legacy')}`;
    try {
      symlinkSync(target, join(dir, tool));
    } catch {
      /* already linked */
    }
  }
  return dir;
}
