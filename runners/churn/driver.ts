import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { ChurnSpec } from '../../scenarios/schema.ts';
import { sleep } from '../../infra/lab/processes.ts';
import type { Log } from '../events.ts';
import { schedule, targetQps } from './pacers.ts';
import { createService, kwokPodSpec, runLabel, type Background } from './workload.ts';

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
        { name: `bg-g${g}`, namespace: 'default', body: { spec: { replicas } } },
        merge,
      )
      .then(() => {});
  switch (spec.kind) {
    case 'services':
      return (i) => createService(kc, runId, bg.services + i, bg.groups);
    case 'serviceDeletes':
      // The newest first, so the background keeps its numbering.
      return (i) =>
        core
          .deleteNamespacedService({ name: `svc-${bg.services - 1 - i}`, namespace: 'default' })
          .then(() => {});
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
              namespace: 'default',
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
            namespace: 'default',
            gracePeriodSeconds: 0,
          });
          return;
        }
        await core.createNamespacedPod({
          namespace: 'default',
          body: {
            metadata: { name: `churn-${runId}-${i}`, labels: { [runLabel]: runId, churn: 'pods' } },
            spec: kwokPodSpec(['pause']),
          },
        });
      };
  }
}

/** Runs one churn at its pace; at most 64 changes in flight, so a slow apiserver shows as a lower achieved rate. */
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
  const act = action(kc, runId, bg, spec);
  const t0 = performance.now();
  let done = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < at.length && !signal.aborted; i++) {
    const wait = t0 + at[i]! * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const p: Promise<void> = act(i).then(
      () => void done++,
      (err: unknown) => {
        errors++;
        if (firstErrors.length < 5)
          firstErrors.push(err instanceof Error ? err.message.split('\n')[0]! : String(err));
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    log({ kind: 'progress', step: `churn ${spec.kind}`, done: i + 1, total: at.length });
  }
  await Promise.all(inFlight);
  if (spec.kind === 'services') bg.services += done;
  if (spec.kind === 'serviceDeletes') bg.services -= done;

  const seconds = (performance.now() - t0) / 1000;
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
