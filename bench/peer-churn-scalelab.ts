/**
 * One phase of the peer comparison done by scalelab's churn driver: its pacer (a burst of `count`, i.e. no
 * pacing), its runner (a cap on changes in flight: none unless asked, as a churn with maxInFlight = count;
 * errors counted) and its client (openApiWrites: HTTP/2 connections as needed, or HTTP/1.1 when asked); Services
 * through workload.ts's createService, pods and deletes as the driver's churns make them.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { openApiWrites, paths, type ApiWrites } from '../infra/api/api-writes.ts';
import { runPaced, type PacedResult } from '../runners/churn/paced.ts';
import { schedule } from '../runners/churn/pacers.ts';
import { createService } from '../runners/churn/workload.ts';
import type { Log } from '../runners/events.ts';
import type { PeerPhase } from './peer-churn-kube-burner-config.ts';
import { namespace, peerPod, podName } from './peer-churn-objects.ts';

export interface ScalelabClient {
  /** 0: no cap (the phase's count), as kube-burner sends everything at once. */
  readonly maxInFlight: number;
  /** false: HTTP/1.1 with up to maxInFlight kept-alive connections (the driver before it used HTTP/2). */
  readonly http2: boolean;
}

export async function runScalelabPhase(
  kc: KubeConfig,
  phase: PeerPhase,
  client: ScalelabClient,
  log: Log,
  signal: AbortSignal,
): Promise<PacedResult & { transport: ApiWrites['transport'] }> {
  const maxInFlight = client.maxInFlight || phase.count;
  const { http2 } = client;
  const api = await openApiWrites(kc, maxInFlight, { http2 });
  const { runId } = phase;
  // Objects are numbered from 1, as kube-burner's {{.Replica}} numbers them.
  const acts: Record<`${PeerPhase['action']} ${PeerPhase['kind']}`, (i: number) => Promise<void>> = {
    'create pods': (i) => api.create(paths.pods(namespace), peerPod(runId, i + 1)),
    'create services': (i) => createService(api, runId, { namespaces: [namespace], groups: 1 }, i + 1),
    'delete pods': (i) => api.remove(paths.pods(namespace, podName(runId, i + 1)), { gracePeriodSeconds: 0 }),
    'delete services': (i) => api.remove(paths.services(namespace, `svc-${i + 1}`)),
  };
  const act = acts[`${phase.action} ${phase.kind}`];
  const at = schedule({ type: 'burst', size: phase.count, intervalSeconds: 1 }, phase.count, Math.random);
  const result = await runPaced(at, act, {
    maxInFlight,
    step: `scalelab ${phase.action} ${phase.kind}`,
    log,
    signal,
  }).finally(() => api.close());
  return { ...result, transport: api.transport };
}
