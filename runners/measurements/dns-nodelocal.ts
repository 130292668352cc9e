/**
 * The NodeLocal DNSCache side of the DNS measurement: its pods (DaemonSet `node-local-dns` in kube-system,
 * hostNetwork, container `node-cache`), its own CoreDNS metrics (:9253 on the node's IP), and a SIGKILL of the
 * cache on one node, the cache's own failure mode: the DaemonSet pod's container is restarted by the node agent
 * as a kubelet would, and the lookups meanwhile fail unless something else answers them.
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import type { LabState } from '../../infra/lab/state.ts';
import { netnsPids } from '../../infra/lab/netns.ts';
import type { ClusterTarget } from '../cluster/target.ts';
import { kubeSystemPods, scrapePods, type CoreDnsScrape } from './coredns-metrics.ts';
import { comm } from './coredns-disruption.ts';

export const nodeLocalDaemonSet = 'node-local-dns';
export const nodeLocalContainer = 'node-cache';
/** node-cache's `prometheus :9253` in the upstream Corefile template. */
export const nodeLocalMetricsPort = 9253;

export const isNodeLocalCache = (p: V1Pod): boolean =>
  (p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' && o.name === nodeLocalDaemonSet);

/** Every node's cache's samples, by node name (a replaced pod on the same node continues its series). */
export async function scrapeNodeLocal(kc: KubeConfig, target: ClusterTarget): Promise<CoreDnsScrape> {
  const pods = await kubeSystemPods(kc, isNodeLocalCache);
  if (!pods.length) throw new Error(`no running pod of the DaemonSet kube-system/${nodeLocalDaemonSet}`);
  // hostNetwork: the pod's IP is its node's; the host IP stands in if the status has no pod IP yet.
  const withIp = pods.map((p) => ({
    ...p,
    status: { ...p.status, podIP: p.status?.podIP ?? p.status?.hostIP },
  }));
  return scrapePods(target, withIp, nodeLocalMetricsPort, (p) => p.spec!.nodeName!);
}

export interface CacheKill {
  readonly pod: string;
  readonly node: string;
  /** The processes killed: the cache's coredns and any of the container's processes above it. */
  readonly pids: readonly number[];
  readonly atMs: number;
  /** The container's restarts as the API reported them before the kill, and at the window's end. */
  readonly restartsBefore: number;
  restartsAfter?: number;
}

export function cacheRestarts(pod: V1Pod | undefined): number {
  return pod?.status?.containerStatuses?.find((c) => c.name === nodeLocalContainer)?.restartCount ?? 0;
}

/** The cache pod on a node, or undefined. */
export async function cachePodOn(kc: KubeConfig, node: string): Promise<V1Pod | undefined> {
  return (await kubeSystemPods(kc, isNodeLocalCache)).find((p) => p.spec?.nodeName === node);
}

/**
 * SIGKILLs the node-local cache on `node`: hostNetwork, so its coredns is the one in the node's own network
 * namespace (the cluster's CoreDNS pods each have their own). The container's process may be a setup process
 * with coredns under it: every ancestor of coredns up to the node agent (exclusive) goes too, so the
 * container dies as node-cache (one process) would.
 */
export async function killNodeLocalCache(kc: KubeConfig, state: LabState, node: string): Promise<CacheKill> {
  const info = state.realNodes?.find((n) => n.name === node);
  if (!info) throw new Error(`no real node ${node} in lab ${state.spec.name}`);
  const pod = await cachePodOn(kc, node);
  if (!pod) throw new Error(`no running ${nodeLocalDaemonSet} pod on ${node}`);
  const inNode = new Set(await netnsPids(info.netns));
  const agent = state.processes.find((p) => p.name === `node-agent-${info.index}`)?.pid;
  const cache = [...inNode].find((p) => /^(coredns|node-cache)$/.test(comm(p)));
  if (!cache) throw new Error(`no coredns process in ${info.netns} (the node-local cache of ${node})`);
  const pids = [cache];
  const isAgent = (p: number) => p === agent || /node-agent\/main\.ts|nsenter/.test(cmdline(p));
  for (let p = parentOf(cache); p && inNode.has(p) && !isAgent(p); p = parentOf(p)) pids.unshift(p);
  for (const p of pids) process.kill(p, 'SIGKILL');
  return {
    pod: pod.metadata!.name!,
    node,
    pids,
    atMs: Date.now(),
    restartsBefore: cacheRestarts(pod),
  };
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces or parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}
