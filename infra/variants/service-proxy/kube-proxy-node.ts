/**
 * kube-proxy on real nodes, shared by the values that are kube-proxy modes (iptables, nftables, ipvs): the
 * config file, the daemon in the node's namespace, the legacy iptables binaries first on its PATH when chosen,
 * and the wait for its /healthz through the lab gateway.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath } from '../../build/build.ts';
import { kubeProxyArgs, kubeProxyConfigFile, type ProxyMode } from '../../components/kube-proxy.ts';
import { labAddresses as A } from '../../lab/addresses.ts';
import { labHttpGet } from '../../lab/lab-connect.ts';
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
