import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { ChurnSpec } from '../../scenarios/schema.ts';
import type { Log } from '../events.ts';
import { closeConnections, reuseConnections } from './connections.ts';
import { defaultMaxInFlight, runPaced } from './paced.ts';
import { schedule, targetQps } from './pacers.ts';
import { churnPod, createService, groupNamespace, serviceNamespace, type Background } from './workload.ts';

/** What a churn achieved, beside what it was asked for; API errors are counted, never hidden. */
export interface ChurnStats {
  readonly kind: ChurnSpec['kind'];
  readonly requested: number;
  readonly done: number;
  readonly errors: number;
  readonly firstErrors: readonly string[];
  readonly targetQps: number;
  readonly achievedQps: number;
  readonly seconds: number;
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** One change of the given kind, number i of the churn: the action the pacer starts at its time. */
function action(
  kc: KubeConfig,
  runId: string,
  bg: Background,
  spec: ChurnSpec,
): (i: number) => Promise<void> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const scale = (g: number, replicas: number) =>
    apps
      .patchNamespacedDeploymentScale(
        { name: `bg-g${g}`, namespace: groupNamespace(bg, g), body: { spec: { replicas } } },
        merge,
      )
      .then(() => {});
  switch (spec.kind) {
    case 'services':
      return (i) => createService(kc, runId, bg, bg.services + i);
    case 'serviceDeletes':
      // The newest first, so the background keeps its numbering.
      return (i) => {
        const index = bg.services - 1 - i;
        return core
          .deleteNamespacedService({ name: `svc-${index}`, namespace: serviceNamespace(bg, index) })
          .then(() => {});
      };
    case 'endpoints':
      // Pairs of changes: one endpoint out of a group, then back in; each is one EndpointSlice update.
      return (i) =>
        scale(
          Math.floor(i / 2) % bg.groups,
          i % 2 === 0 ? bg.endpointsPerService - 1 : bg.endpointsPerService,
        );
    case 'rollout':
      return (i) =>
        apps
          .patchNamespacedDeployment(
            {
              name: `bg-g${i % bg.groups}`,
              namespace: groupNamespace(bg, i % bg.groups),
              body: {
                spec: { template: { metadata: { annotations: { 'scalelab.io/rollout': `${runId}-${i}` } } } },
              },
            },
            merge,
          )
          .then(() => {});
    case 'pods':
      // Create, then delete the pod created one step before: pods come and go at the pace.
      return async (i) => {
        if (i % 2 === 1) {
          await core.deleteNamespacedPod({
            name: `churn-${runId}-${i - 1}`,
            namespace: bg.namespace,
            gracePeriodSeconds: 0,
          });
          return;
        }
        await core.createNamespacedPod({ namespace: bg.namespace, body: churnPod(runId, i) });
      };
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
  const shared = reuseConnections(kc, defaultMaxInFlight);
  const { done, errors, firstErrors, seconds } = await runPaced(at, action(shared, runId, bg, spec), {
    step: `churn ${spec.kind}`,
    log,
    signal,
  }).finally(() => closeConnections(shared));
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
