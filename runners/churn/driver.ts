import type { KubeConfig } from '@kubernetes/client-node';
import type { ChurnSpec } from '../../scenarios/schema.ts';
import type { Log } from '../events.ts';
import { openApiWrites, paths, type ApiWrites } from '../../infra/api/api-writes.ts';
import { runPaced } from './paced.ts';
import { schedule, targetQps } from './pacers.ts';
import { churnPod, createService, groupNamespace, serviceNamespace, type Background } from './workload.ts';
import { barePodFlip } from './bare-pods.ts';

/** What a churn achieved, beside what it was asked for; API errors are counted, never hidden. */
export type { ChurnStats } from '../results/definition.ts';
import type { ChurnStats } from '../results/definition.ts';

/** One change of the given kind, number i of the churn: the action the pacer starts at its time. */
function action(
  api: ApiWrites,
  runId: string,
  bg: Background,
  spec: ChurnSpec,
): (i: number) => Promise<void> {
  const scale = (g: number, replicas: number) =>
    api.mergePatch(paths.deploymentScale(groupNamespace(bg, g), `bg-g${g}`), { spec: { replicas } });
  switch (spec.kind) {
    case 'services':
      return (i) => createService(api, runId, bg, bg.services + i);
    case 'serviceDeletes':
      // The newest first, so the background keeps its numbering.
      return (i) => {
        const index = bg.services - 1 - i;
        return api.remove(paths.services(serviceNamespace(bg, index), `svc-${index}`));
      };
    case 'endpoints': {
      // Pairs of changes: one endpoint out of a group, then back in; each is one EndpointSlice update.
      if (bg.barePods) {
        const flip = barePodFlip(api, runId, bg, bg.barePods);
        return (i) => flip(Math.floor(i / 2) % bg.groups, i % 2 === 0);
      }
      return (i) =>
        scale(
          Math.floor(i / 2) % bg.groups,
          i % 2 === 0 ? bg.endpointsPerService - 1 : bg.endpointsPerService,
        );
    }
    case 'rollout':
      return (i) => {
        const g = i % bg.groups;
        return api.mergePatch(paths.deployments(groupNamespace(bg, g), `bg-g${g}`), {
          spec: { template: { metadata: { annotations: { 'scalelab.io/rollout': `${runId}-${i}` } } } },
        });
      };
    case 'pods':
      // Create, then delete the pod created one step before: pods come and go at the pace.
      return (i) =>
        i % 2 === 1
          ? api.remove(paths.pods(bg.namespace, `churn-${runId}-${i - 1}`), { gracePeriodSeconds: 0 })
          : api.create(paths.pods(bg.namespace), churnPod(runId, i));
  }
}

/** Runs one churn at its pace (see runPaced: a capped number of changes in flight, errors counted). */
export async function runChurn(
  kc: KubeConfig,
  runId: string,
  bg: Background,
  spec: ChurnSpec,
  random: () => number,
  log: Log,
  signal: AbortSignal,
): Promise<ChurnStats> {
  const at = schedule(spec.pace, spec.count, random);
  const api = await openApiWrites(kc, spec.maxInFlight);
  const { done, errors, firstErrors, seconds } = await runPaced(at, action(api, runId, bg, spec), {
    maxInFlight: spec.maxInFlight,
    step: `churn ${spec.kind}`,
    log,
    signal,
  }).finally(() => api.close());
  if (spec.kind === 'services') bg.services += done;
  if (spec.kind === 'serviceDeletes') bg.services -= done;
  return {
    kind: spec.kind,
    requested: spec.count,
    done,
    errors,
    firstErrors,
    targetQps: round(targetQps(spec.pace)),
    achievedQps: round(seconds > 0 ? done / seconds : done),
    seconds: round(seconds),
  };
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
