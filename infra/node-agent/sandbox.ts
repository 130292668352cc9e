import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { exec } from '../exec.ts';
import { cniAdd, cniCheck, cniDel, loopbackNetwork, type CniNetworkList, type CniResult } from './cni.ts';

/** A pod's network namespace, wired by the CNI plugins, and its directory of generated files. */
export interface Sandbox {
  readonly netns: string;
  readonly dir: string;
  readonly ip: string;
  /** Absent for a hostNetwork pod: no CNI ran. */
  readonly result?: CniResult;
  /** The pod runs in the node's namespace (hostNetwork), which the sandbox never creates or deletes. */
  readonly hostNetwork?: boolean;
}

export interface SandboxContext {
  readonly lab: string;
  /** The node's namespace: CNI plugins run there through `ip netns exec`, which also gives them its /sys. */
  readonly nodeNetns: string;
  readonly podsDir: string;
  readonly network: CniNetworkList;
  readonly dns: { nameserver: string; clusterDomain: string };
}

export function sandboxNetns(lab: string, uid: string): string {
  return `scalelab_${lab}_pod-${uid.slice(0, 13)}`;
}

/** Creates the namespace, runs CNI ADD (loopback, then the pod network on eth0), writes resolv.conf and hosts. */
export async function createSandbox(ctx: SandboxContext, pod: V1Pod): Promise<Sandbox> {
  const uid = pod.metadata!.uid!;
  const netns = sandboxNetns(ctx.lab, uid);
  const dir = join(ctx.podsDir, uid);
  mkdirSync(dir, { recursive: true });
  const added = await exec(['ip', 'netns', 'add', netns], { allowFailure: true });
  if (added.exitCode !== 0 && !/File exists/.test(added.stderr))
    throw new Error(`ip netns add ${netns}: ${added.stderr.trim()}`);

  const rt = runtimeOf(pod, netns);
  const cni = { execPrefix: ['ip', 'netns', 'exec', ctx.nodeNetns] };
  await cniAdd(loopbackNetwork(), { ...rt, ifName: 'lo' }, cni);
  const result = await cniAdd(ctx.network, rt, cni);
  const ip = result.ips?.[0]?.address.split('/')[0];
  if (!ip) throw new Error(`CNI ADD for pod ${pod.metadata!.name} returned no IP: ${JSON.stringify(result)}`);
  writeFileSync(join(dir, 'resolv.conf'), resolvConf(pod, ctx.dns));
  writeFileSync(
    join(dir, 'hosts'),
    `127.0.0.1\tlocalhost\n::1\tlocalhost\n${ip}\t${pod.spec?.hostname ?? pod.metadata!.name}\n`,
  );
  return { netns, dir, ip, result };
}

/**
 * A hostNetwork pod's sandbox, as a kubelet makes it: the node's own namespace (no pod namespace, no CNI),
 * the node's IP as the pod's, and the pod's own resolv.conf and hosts for its containers' /etc.
 */
export function hostNetworkSandbox(
  ctx: SandboxContext,
  pod: V1Pod,
  node: { name: string; ip: string },
): Sandbox {
  const dir = join(ctx.podsDir, pod.metadata!.uid!);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'resolv.conf'), resolvConf(pod, ctx.dns));
  writeFileSync(join(dir, 'hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost\n${node.ip}\t${node.name}\n`);
  return { netns: ctx.nodeNetns, dir, ip: node.ip, hostNetwork: true };
}

/** CNI CHECK on a running sandbox: throws a CniError when its wiring has drifted from what ADD returned. */
export async function checkSandbox(ctx: SandboxContext, pod: V1Pod, sandbox: Sandbox): Promise<void> {
  if (!sandbox.result) return;
  await cniCheck(ctx.network, runtimeOf(pod, sandbox.netns), sandbox.result, {
    execPrefix: ['ip', 'netns', 'exec', ctx.nodeNetns],
  });
}

/** CNI DEL, then the namespace and the files; safe to call twice or after a half-made sandbox. */
export async function destroySandbox(ctx: SandboxContext, pod: V1Pod, sandbox?: Sandbox): Promise<void> {
  const uid = pod.metadata!.uid!;
  if (pod.spec?.hostNetwork) {
    // The namespace is the node's: only the pod's files go.
    rmSync(join(ctx.podsDir, uid), { recursive: true, force: true });
    return;
  }
  const netns = sandbox?.netns ?? sandboxNetns(ctx.lab, uid);
  const rt = runtimeOf(pod, netns);
  await cniDel(ctx.network, rt, sandbox?.result, {
    execPrefix: ['ip', 'netns', 'exec', ctx.nodeNetns],
  }).catch(() => {});
  await exec(['ip', 'netns', 'delete', netns], { allowFailure: true });
  rmSync(join(ctx.podsDir, uid), { recursive: true, force: true });
}

function runtimeOf(pod: V1Pod, netns: string) {
  return {
    containerId: pod.metadata!.uid!,
    netnsPath: `/run/netns/${netns}`,
    ifName: 'eth0',
    // The bridge plugin refuses keys it does not know unless told to ignore them, as containerd does.
    args: {
      IgnoreUnknown: '1',
      K8S_POD_NAMESPACE: pod.metadata!.namespace!,
      K8S_POD_NAME: pod.metadata!.name!,
      K8S_POD_UID: pod.metadata!.uid!,
    },
  };
}

/** What the kubelet writes for dnsPolicy ClusterFirst (the default) and Default; ndots:5 as upstream. */
export function resolvConf(pod: V1Pod, dns: SandboxContext['dns']): string {
  // A hostNetwork pod with ClusterFirst gets the node's DNS, as the kubelet does; ClusterFirstWithHostNet not.
  const asked = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const policy = asked === 'ClusterFirst' && pod.spec?.hostNetwork ? 'Default' : asked;
  const custom = pod.spec?.dnsConfig;
  if (policy === 'Default') {
    // The lab has no upstream resolver: a pod with the node's DNS gets none rather than the host's.
    return '# dnsPolicy Default: the lab has no upstream DNS\n';
  }
  const ns = pod.metadata!.namespace!;
  const d = dns.clusterDomain;
  const search = [`${ns}.svc.${d}`, `svc.${d}`, d, ...(custom?.searches ?? [])];
  const servers =
    policy === 'None' ? (custom?.nameservers ?? []) : [dns.nameserver, ...(custom?.nameservers ?? [])];
  const options = new Map<string, string | undefined>([['ndots', '5']]);
  for (const o of custom?.options ?? []) options.set(o.name!, o.value);
  return [
    `search ${(policy === 'None' ? (custom?.searches ?? []) : search).join(' ')}`,
    ...servers.map((s) => `nameserver ${s}`),
    `options ${[...options].map(([k, v]) => (v === undefined ? k : `${k}:${v}`)).join(' ')}`,
    '',
  ].join('\n');
}
