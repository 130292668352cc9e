/**
 * One condition of the DNS measurement, run after the phases while the client keeps looking names up: what it
 * does to the DNS servers, and the window its lookups are attributed to. Also which conditions a target or a
 * DNS mode cannot run, with the reason the results carry.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from '../../infra/lab/state.ts';
import { sleep, sleepUnlessAborted } from '../../infra/lab/processes.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import type { Window } from './dns-conditions.ts';
import {
  continueCoreDns,
  killCoreDns,
  rolloutRestartCoreDns,
  stopEveryCoreDns,
  type Kill,
  type Outage,
} from './coredns-disruption.ts';
import { cachePodOn, cacheRestarts, killNodeLocalCache, type CacheKill } from './dns-nodelocal.ts';

export type DnsConditionName =
  'steady' | 'coredns-rollout' | 'coredns-killed' | 'coredns-down' | 'nodelocal-killed';

/** What each disruptive condition did, with its times (epoch ms): the results' `events`. */
export interface DnsEvents {
  rollout?: { fromMs: number; toMs: number };
  kill?: Kill;
  outage?: Outage;
  cacheKill?: CacheKill;
}

/** Why a condition cannot run here (the reason is quoted in `skipped`), or undefined. */
export function conditionUnavailable(
  c: DnsConditionName,
  o: { dnsMode: string; lab: boolean; writesOutsideNamespace: boolean },
): string | undefined {
  if (c === 'nodelocal-killed' && o.dnsMode !== 'nodelocal')
    return 'skipped: the nodelocal-killed condition kills the node-local cache; this variant runs CoreDNS alone (dns: coredns)';
  // A kill or a stop needs the node's process table; a rollout writes to kube-system.
  if ((c === 'coredns-killed' || c === 'coredns-down' || c === 'nodelocal-killed') && !o.lab)
    return apiOnlyReason(`the ${c} condition (signals to a DNS server's process)`);
  if (c === 'coredns-rollout' && !o.writesOutsideNamespace)
    return "skipped: the coredns-rollout condition restarts CoreDNS in kube-system, outside the run's namespace; pass --allow-cluster-writes";
  return undefined;
}

/**
 * Runs the condition and returns its window: from its start (for a kill or a stop, from the signal) for at
 * least `seconds` (a rollout until it finishes).
 */
export async function runCondition(
  name: DnsConditionName,
  o: {
    kc: KubeConfig;
    lab: LabState | undefined;
    clientNode: string;
    seconds: number;
    signal: AbortSignal;
    events: DnsEvents;
  },
): Promise<Window> {
  const { kc, lab, events, signal } = o;
  let from = Date.now();
  const hold = () => sleepUnlessAborted(Math.max(0, from + o.seconds * 1000 - Date.now()), signal);
  if (name === 'coredns-rollout') {
    await rolloutRestartCoreDns(kc, signal);
    events.rollout = { fromMs: from, toMs: Date.now() };
  }
  if (name === 'coredns-killed') from = (events.kill = await killCoreDns(kc, lab!.spec.name)).atMs;
  if (name === 'nodelocal-killed')
    from = (events.cacheKill = await killNodeLocalCache(kc, lab!, o.clientNode)).atMs;
  if (name === 'coredns-down') {
    const outage = (events.outage = await stopEveryCoreDns(kc, lab!.spec.name, signal));
    from = outage.atMs;
    // Continued whatever happens: an abort must not leave the lab's DNS stopped.
    await hold().finally(() => continueCoreDns(outage));
  } else await hold();
  const window = { name, fromMs: from, toMs: Date.now() };
  if (name === 'nodelocal-killed') await awaitRestart(kc, o.clientNode, events.cacheKill!, signal);
  return window;
}

/** The restarted container as the API reports it (up to 30 s after the window: status lags a little). */
async function awaitRestart(kc: KubeConfig, node: string, k: CacheKill, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    k.restartsAfter = cacheRestarts(await cachePodOn(kc, node).catch(() => undefined));
    if (k.restartsAfter > k.restartsBefore || Date.now() > deadline || signal.aborted) return;
    await sleep(500);
  }
}
