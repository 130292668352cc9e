/**
 * Traffic during a rolling update of a Service's endpoints: how long new connections still reach backends
 * that are being removed, and how many fail. A probe pod opens a new connection to the VIP every few ms
 * (`agent vip-probe`, one line per reply naming the pod that answered) while the target Deployment rolls;
 * the harness records when each old pod was marked for deletion (its deletionTimestamp, seen by polling
 * every 100 ms). A reply from an old pod after that moment is a hit on a removed backend.
 */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { MeasurementContext } from './measurement.ts';
import { mergePatch, until } from './client-pod.ts';
import { churnProbePod } from './connection-objects.ts';

export type { EndpointChurnFindings } from '../results/details/connection-latency.ts';
import type { EndpointChurnFindings } from '../results/details/connection-latency.ts';

/** One probe line: `<epoch ms> <hostname>` or `<epoch ms> - <error>`. */
export function parseProbeLine(line: string): { t: number; host?: string; error?: string } | undefined {
  const m = /^(\d+) (\S+)(?: (.*))?$/.exec(line.trim());
  if (!m) return undefined;
  return m[2] === '-' ? { t: Number(m[1]), error: m[3] ?? 'error' } : { t: Number(m[1]), host: m[2] };
}

/** What the probe saw between `from` and `to`, against the moments old pods were marked for deletion. */
export function analyseChurnProbe(
  lines: readonly string[],
  removedAt: ReadonlyMap<string, number>,
  from: number,
  to: number,
): Omit<EndpointChurnFindings, 'rolloutSeconds' | 'podsReplaced'> {
  let requests = 0;
  let errors = 0;
  let hits = 0;
  let lastHit: number | null = null;
  let firstError: number | null = null;
  let lastError: number | null = null;
  const firstErrors: string[] = [];
  for (const line of lines) {
    const r = parseProbeLine(line);
    if (!r || r.t < from || r.t > to) continue;
    requests++;
    if (r.error !== undefined) {
      errors++;
      firstError ??= r.t;
      lastError = r.t;
      if (firstErrors.length < 3) firstErrors.push(r.error);
      continue;
    }
    const removed = removedAt.get(r.host!);
    if (removed !== undefined && r.t > removed) {
      hits++;
      lastHit = Math.max(lastHit ?? 0, r.t - removed);
    }
  }
  return {
    requests,
    errors,
    errorRate: requests ? errors / requests : 0,
    removedBackendHits: hits,
    lastRemovedBackendHitMs: lastHit,
    errorWindowMs: firstError !== null && lastError !== null ? lastError - firstError : null,
    firstErrors,
  };
}

/** Rolls `deployment` (pods labelled app=<deployment>) while probing `vip`:80 from real node 1. */
export async function measureEndpointChurn(
  ctx: MeasurementContext,
  deployment: string,
  vip: string,
): Promise<EndpointChurnFindings> {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const apps = ctx.kc.makeApiClient(AppsV1Api);
  const selector = `app=${deployment}`;
  const namespace = ctx.target.namespace;
  const oldPods = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items.map(
    (p) => p.metadata!.name!,
  );
  const probe = await core.createNamespacedPod({
    namespace,
    body: churnProbePod(ctx.target, ctx.runId, vip),
  });
  const readLog = () => ctx.target.containerLog(probe, 'agent');
  let watch: RemovalWatch | undefined;
  try {
    await until(
      'the churn probe to answer',
      async () => (/^\d+ [^-]/m.test(await readLog()) ? true : undefined),
      60_000,
      ctx.signal,
    );
    watch = watchRemovals(core, namespace, selector, oldPods);
    await sleep(2000);
    const from = await rollOut(ctx, apps, deployment, oldPods, watch.removedAt);
    const rolloutSeconds = (Date.now() - from) / 1000;
    // Connections made after the rollout still count: stale rules show up here.
    await sleep(3000);
    await watch.stop();
    const to = Date.now();
    return {
      ...analyseChurnProbe((await readLog()).split('\n'), watch.removedAt, from, to),
      rolloutSeconds,
      podsReplaced: oldPods.length,
    };
  } finally {
    void watch?.stop();
    await core
      .deleteNamespacedPod({ name: 'conn-churn-probe', namespace, gracePeriodSeconds: 0 })
      .catch(() => {});
  }
}

/** When each old pod was first seen marked for deletion (or gone), until stopped. */
interface RemovalWatch {
  readonly removedAt: ReadonlyMap<string, number>;
  /** Ends the polling; resolves once the last poll is done. */
  stop(): Promise<void>;
}

/** Marked for deletion: seen by polling, so up to ~100 ms late (a lag in the removed backend's favour). */
function watchRemovals(
  core: CoreV1Api,
  namespace: string,
  selector: string,
  oldPods: readonly string[],
): RemovalWatch {
  const removedAt = new Map<string, number>();
  let watching = true;
  const polling = (async () => {
    while (watching) {
      const pods = await core
        .listNamespacedPod({ namespace, labelSelector: selector })
        .catch(() => undefined);
      const now = Date.now();
      for (const name of oldPods) {
        const p = pods?.items.find((x) => x.metadata?.name === name);
        if (pods && (!p || p.metadata?.deletionTimestamp) && !removedAt.has(name)) removedAt.set(name, now);
      }
      await sleep(100);
    }
  })();
  return {
    removedAt,
    stop() {
      watching = false;
      return polling;
    },
  };
}

/**
 * Restarts the Deployment's pods (a new template annotation) and waits until it has rolled and every old pod
 * was seen marked for deletion; returns when the restart was asked for (epoch ms).
 */
async function rollOut(
  ctx: MeasurementContext,
  apps: AppsV1Api,
  deployment: string,
  oldPods: readonly string[],
  removedAt: ReadonlyMap<string, number>,
): Promise<number> {
  const namespace = ctx.target.namespace;
  const from = Date.now();
  await apps.patchNamespacedDeployment(
    {
      name: deployment,
      namespace,
      body: { spec: { template: { metadata: { annotations: { 'scalelab.io/restartedAt': `${from}` } } } } },
    },
    mergePatch,
  );
  await until(
    `${deployment} to finish rolling`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name: deployment, namespace });
      const want = d.spec?.replicas ?? 0;
      const s = d.status;
      const done =
        s?.updatedReplicas === want &&
        s.readyReplicas === want &&
        s.replicas === want &&
        oldPods.every((n) => removedAt.has(n));
      return done ? true : undefined;
    },
    180_000,
    ctx.signal,
  );
  return from;
}
