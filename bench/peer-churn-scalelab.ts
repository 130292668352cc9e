/**
 * One phase of the peer comparison done by scalelab's churn driver: its pacer (a burst of `count`, i.e. no
 * pacing), its runner (a cap on changes in flight, the driver's defaultMaxInFlight unless asked otherwise,
 * errors counted) and its client set-up (reuseConnections); Services through workload.ts's createService, pods
 * and deletes as the driver's churns make them.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { closeConnections, reuseConnections } from '../runners/churn/connections.ts';
import { runPaced, type PacedResult } from '../runners/churn/paced.ts';
import { schedule } from '../runners/churn/pacers.ts';
import { createService } from '../runners/churn/workload.ts';
import type { Log } from '../runners/events.ts';
import type { PeerPhase } from './peer-churn-kube-burner-config.ts';
import { namespace, peerPod, podName } from './peer-churn-objects.ts';

export interface ScalelabClient {
  readonly maxInFlight: number;
  /** false: a new connection per request, as client-node does by itself (the driver before reuseConnections). */
  readonly reuse: boolean;
}

export async function runScalelabPhase(
  kc: KubeConfig,
  phase: PeerPhase,
  { maxInFlight, reuse }: ScalelabClient,
  log: Log,
  signal: AbortSignal,
): Promise<PacedResult> {
  const shared = reuse ? reuseConnections(kc, maxInFlight) : kc;
  const core = shared.makeApiClient(CoreV1Api);
  const { runId } = phase;
  // Objects are numbered from 1, as kube-burner's {{.Replica}} numbers them.
  const acts: Record<`${PeerPhase['action']} ${PeerPhase['kind']}`, (i: number) => Promise<unknown>> = {
    'create pods': (i) => core.createNamespacedPod({ namespace, body: peerPod(runId, i + 1) }),
    'create services': (i) => createService(shared, runId, { namespaces: [namespace], groups: 1 }, i + 1),
    'delete pods': (i) =>
      core.deleteNamespacedPod({ name: podName(runId, i + 1), namespace, gracePeriodSeconds: 0 }),
    'delete services': (i) => core.deleteNamespacedService({ name: `svc-${i + 1}`, namespace }),
  };
  const act = acts[`${phase.action} ${phase.kind}`];
  const at = schedule({ type: 'burst', size: phase.count, intervalSeconds: 1 }, phase.count, Math.random);
  return runPaced(at, (i) => act(i).then(() => {}), {
    maxInFlight,
    step: `scalelab ${phase.action} ${phase.kind}`,
    log,
    signal,
  }).finally(() => closeConnections(shared));
}
