/**
 * What the DNS measurement does to CoreDNS: a rolling restart as `kubectl rollout restart` makes it, a
 * SIGKILL of one CoreDNS process (the node agent restarts it with backoff, as a kubelet would), and every
 * CoreDNS process stopped (SIGSTOP) for a fixed time, then continued: an outage of every replica whose
 * effect does not depend on timing.
 */
import { readFileSync } from 'node:fs';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { netnsPids } from '../../infra/lab/netns.ts';
import { sandboxNetns } from '../../infra/node-agent/sandbox.ts';
import { mergePatch, until } from './client-pod.ts';

const ns = 'kube-system';
const selector = 'k8s-app=kube-dns';

/** Patches the pod template's restartedAt annotation and waits until only new, ready pods are left. */
export async function rolloutRestartCoreDns(kc: KubeConfig, signal: AbortSignal): Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const patched = await apps.patchNamespacedDeployment(
    {
      name: 'coredns',
      namespace: ns,
      body: {
        spec: {
          template: {
            metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } },
          },
        },
      },
    },
    mergePatch,
  );
  const generation = patched.metadata!.generation!;
  await until(
    'the CoreDNS rollout to finish',
    async () => {
      const d = await apps.readNamespacedDeployment({ name: 'coredns', namespace: ns });
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      const rolled =
        (s.observedGeneration ?? 0) >= generation &&
        s.updatedReplicas === want &&
        s.availableReplicas === want &&
        s.replicas === want;
      if (!rolled) return undefined;
      // The old pods are gone only when their objects are: terminating ones still hold their endpoints' slot.
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
      return pods.items.length === want ? true : undefined;
    },
    180_000,
    signal,
  );
}

export interface Kill {
  readonly pod: string;
  readonly node: string;
  readonly pid: number;
  readonly atMs: number;
}

/** SIGKILLs the coredns process of the first ready CoreDNS pod, found in the pod's network namespace. */
export async function killCoreDns(kc: KubeConfig, lab: string): Promise<Kill> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: ns, labelSelector: selector });
  const ready = pods.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const pod = ready[0];
  if (!pod) throw new Error('no ready CoreDNS pod to kill');
  const netns = sandboxNetns(lab, pod.metadata!.uid!);
  const pid = (await netnsPids(netns)).find((p) => comm(p) === 'coredns');
  if (!pid) throw new Error(`no coredns process in ${netns}`);
  process.kill(pid, 'SIGKILL');
  return { pod: pod.metadata!.name!, node: pod.spec!.nodeName!, pid, atMs: Date.now() };
}

/** Every CoreDNS process stopped: the pods, their processes and when. */
export interface Outage {
  readonly pods: readonly string[];
  readonly pids: readonly number[];
  readonly atMs: number;
  /** When they were continued (SIGCONT); absent while they are still stopped. */
  toMs?: number;
}

/**
 * SIGSTOPs the coredns process of every CoreDNS pod. Every running pod must have its process first (one
 * restarting after a kill would come up during the outage and answer): waits up to 60 s for that.
 */
export async function stopEveryCoreDns(kc: KubeConfig, lab: string, signal: AbortSignal): Promise<Outage> {
  const core = kc.makeApiClient(CoreV1Api);
  const found = await until(
    'every CoreDNS pod to have a running coredns process',
    async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns, labelSelector: selector })).items.filter(
        (p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running',
      );
      const pids = await Promise.all(
        pods.map(async (p) =>
          (await netnsPids(sandboxNetns(lab, p.metadata!.uid!))).find((x) => comm(x) === 'coredns'),
        ),
      );
      return pods.length && pids.every((x) => x !== undefined)
        ? { pods: pods.map((p) => p.metadata!.name!), pids: pids as number[] }
        : undefined;
    },
    60_000,
    signal,
  );
  for (const pid of found.pids) process.kill(pid, 'SIGSTOP');
  return { ...found, atMs: Date.now() };
}

/** SIGCONT to every process an outage stopped; one that has gone since is no error. */
export function continueCoreDns(o: Outage): void {
  for (const pid of o.pids)
    try {
      if (comm(pid) === 'coredns') process.kill(pid, 'SIGCONT');
    } catch {
      // gone (the lab was taken down): nothing to continue
    }
  o.toMs = Date.now();
}

export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
