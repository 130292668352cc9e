/**
 * kube-proxy on real nodes, shared by the values that are kube-proxy modes (iptables, nftables, ipvs): the
 * config file, the daemon in the node's namespace, the legacy iptables binaries first on its PATH when chosen,
 * and the waits for its /healthz and its first sync through the lab gateway.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath } from '../../build/build.ts';
import { kubeProxyArgs, kubeProxyConfigFile, type ProxyMode } from '../../components/kube-proxy.ts';
import { labAddresses as A } from '../../lab/addresses.ts';
import { labHttpGet } from '../../lab/lab-connect.ts';
import { parsePrometheusText } from '../../../runners/measurements/prometheus.ts';
import type { RealNodeInfo } from '../../lab/real-nodes.ts';
import { kubernetesVersions } from '../../versions.ts';
import type { ProxySettings } from '../service-proxy-value.ts';
import type { VariantContext } from '../variant.ts';

export async function bringUpKubeProxy(
  ctx: VariantContext,
  nodes: readonly RealNodeInfo[],
  mode: ProxyMode,
  s: ProxySettings,
): Promise<void> {
  for (const n of nodes) startKubeProxy(ctx, n, mode, s);
  await ctx.wait('kube-proxy healthz on every real node', async () => {
    for (const n of nodes) await labHttpGet(ctx.state.gatewaySocket, `http://${n.ip}:10256/healthz`);
    return true;
  });
  // /healthz answers before the first sync; a node serves Services once its first sync has loaded the rules.
  // With the background already there that load is the whole rule set: on 2026-12-06, 5,000 Services on the
  // iptables-nft backend took kube-proxy 1 min 49 s to 1 min 57 s on each of two nodes at once.
  await ctx.wait(
    'kube-proxy: first sync of the rules on every real node',
    async () => {
      for (const n of nodes) if (!(await firstSyncDone(ctx, n))) return false;
      return true;
    },
    firstSyncTimeoutMs,
  );
}

/** Generous: a first sync's time grows faster than the rule set (above), and a stuck one still fails the step. */
const firstSyncTimeoutMs = 20 * 60_000;

/** Whether kube-proxy on n has finished a sync: its last-sync timestamp (the IPv4 one, if per family) is set. */
async function firstSyncDone(ctx: VariantContext, n: RealNodeInfo): Promise<boolean> {
  const text = await labHttpGet(ctx.state.gatewaySocket, `http://${n.ip}:10249/metrics`);
  return lastSyncTimestamps(text).some((t) => t > 0);
}

/** kube-proxy's kubeproxy_sync_proxy_rules_last_timestamp_seconds samples for IPv4 (or without a family). */
export function lastSyncTimestamps(metrics: string): number[] {
  const name = 'kubeproxy_sync_proxy_rules_last_timestamp_seconds';
  return parsePrometheusText(metrics)
    .filter((x) => x.name === name && (x.labels.ip_family ?? 'IPv4') === 'IPv4')
    .map((x) => x.value);
}

/** "kube-proxy v1.36.3" at the lab's pinned version. */
export function kubeProxyVersion(s: ProxySettings): string {
  return `kube-proxy ${s.kubernetesVersion ?? kubernetesVersions()[0]}`;
}

function startKubeProxy(ctx: VariantContext, n: RealNodeInfo, mode: ProxyMode, s: ProxySettings) {
  const { stateDir } = ctx.state;
  const dir = join(stateDir, 'nodes', n.name);
  mkdirSync(dir, { recursive: true });
  const cfg = {
    kubeconfig: ctx.kubeconfigs.kubeProxy,
    configPath: join(dir, 'kube-proxy.yaml'),
    nodeName: n.name,
    mode,
    clusterCidr: A.podCidr,
    minSyncPeriodSeconds: 1,
    syncPeriodSeconds: 30,
  };
  writeFileSync(cfg.configPath, kubeProxyConfigFile(cfg));
  ctx.state.configFiles[`kube-proxy-${n.index}`] = cfg.configPath;
  const path =
    s.iptablesBackend === 'legacy' ? `${legacyIptablesDir(stateDir)}:${process.env.PATH}` : process.env.PATH;
  ctx.start(`kube-proxy-${n.index}`, [binPath('kube-proxy', s.kubernetesVersion), ...kubeProxyArgs(cfg)], {
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
