/**
 * Creating the background: its namespaces, a Deployment per group or its bare pods (background.bind), and its
 * Services, then waiting until every group's pods are ready. The objects themselves are in workload.ts and
 * bare-pods.ts.
 */
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { runPool } from '../../infra/pool.ts';
import { retry } from '../../infra/lab/fake-nodes.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { openApiWrites, paths, type ApiWrites } from '../../infra/api/api-writes.ts';
import type { Log } from '../events.ts';
import { runLabel } from '../run-label.ts';
import { backgroundPod, barePodName, countReadyBarePods } from './bare-pods.ts';
import {
  backgroundDeployment,
  backgroundNamespaces,
  createService,
  groupCount,
  groupNamespace,
  groupNode,
  waitForDefaultServiceAccount,
  type Background,
} from './workload.ts';

/** What createBackground makes: the scenario's background section, where, and how pods are placed. */
export interface BackgroundSpec {
  readonly services: number;
  readonly endpointsPerService: number;
  readonly pods?: number;
  /** The run's namespace. */
  readonly namespace: string;
  /** background.namespaces: how many namespaces the groups are spread over (1: the run's own). */
  readonly namespaces?: number;
  /** background.bind: direct or pods: spread the groups over this many fake nodes, bound without the scheduler. */
  readonly bindToFakeNodes?: number;
  /** background.bind: pods: bare pods instead of a Deployment per group. */
  readonly barePods?: boolean;
}

/** How long the background's ready count may keep failing before the wait gives up. */
const countFailureLimitMs = 120_000;

/** Background Services created at once (Deployments: half as many), and so the connections they may need. */
const backgroundServicesAtOnce = 32;

/** Creates the background and waits until every group's pods are ready (their endpoints exist). */
export async function createBackground(
  kc: KubeConfig,
  runId: string,
  spec: BackgroundSpec,
  log: Log,
  signal: AbortSignal,
): Promise<Background> {
  const { services, endpointsPerService, namespace } = spec;
  const bg: Background = {
    namespace,
    namespaces: backgroundNamespaces(namespace, services === 0 ? 1 : (spec.namespaces ?? 1)),
    groups: groupCount(services, endpointsPerService, spec.pods),
    endpointsPerService,
    services,
    barePods: spec.barePods ? { newest: new Map(), made: 0 } : undefined,
    bindToFakeNodes: spec.bindToFakeNodes ?? 0,
  };
  if (services === 0) return { ...bg, groups: 0 };
  for (const ns of bg.namespaces) if (ns !== namespace) await createBackgroundNamespace(kc, runId, ns);
  const apps = kc.makeApiClient(AppsV1Api);
  const api = await openApiWrites(kc, backgroundServicesAtOnce);
  try {
    await createBackgroundObjects(api, runId, bg, log, signal);
  } finally {
    api.close();
  }
  const want = bg.groups * endpointsPerService;
  let failingSince: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    // A count is only a wait's poll: one that fails is asked again at the next poll, until counts have failed
    // for countFailureLimitMs. (datadog-talk on 2026-12-06 lost its bgp lab to three counts cut off within a
    // second of its last Service create: "counting the background pods: aborted".)
    try {
      const ready = bg.barePods
        ? await countReadyBarePods(kc, runId)
        : await countReadyDeploymentPods(apps, bg, runId);
      failingSince = undefined;
      log({ kind: 'progress', step: 'background pods ready', done: ready, total: want });
      if (ready >= want) return bg;
    } catch (err) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince > countFailureLimitMs) throw err;
      log({ kind: 'warn', message: `${err instanceof Error ? err.message : err}; asking again` });
    }
    // A list of 10,000 Deployments is ~20 MB of JSON for the apiserver to write (50,000 pods' table rows ~5 MB):
    // ask less often the more there are.
    await sleep(Math.max(1000, bg.groups));
  }
}

/** Ready replicas over the background's Deployments, namespace by namespace. */
async function countReadyDeploymentPods(apps: AppsV1Api, bg: Background, runId: string): Promise<number> {
  let ready = 0;
  for (const ns of bg.namespaces) {
    const list = await retry(
      () => apps.listNamespacedDeployment({ namespace: ns, labelSelector: `${runLabel}=${runId}` }),
      'listing the background Deployments',
    );
    ready += list.items.reduce((n, d) => n + (d.status?.readyReplicas ?? 0), 0);
  }
  return ready;
}

/**
 * The background's Deployments (no replicas yet ready) or its bare pods, then its Services, over one set of
 * connections.
 */
async function createBackgroundObjects(
  api: ApiWrites,
  runId: string,
  bg: Background,
  log: Log,
  signal: AbortSignal,
): Promise<void> {
  let made = 0;
  const progress = (step: string, total: number) => {
    if (++made % 500 === 0 || made === total) log({ kind: 'progress', step, done: made, total });
  };
  if (bg.barePods) {
    const pods = bg.groups * bg.endpointsPerService;
    await runPool(
      backgroundServicesAtOnce,
      pods,
      async (i) => {
        const g = Math.floor(i / bg.endpointsPerService);
        const name = barePodName(g, i % bg.endpointsPerService);
        await createRetrying(
          () =>
            api.create(paths.pods(groupNamespace(bg, g)), backgroundPod(runId, g, name, groupNode(bg, g))),
          `background pod ${name}`,
        );
        progress('background pods', pods);
      },
      signal,
    );
  } else {
    await runPool(
      backgroundServicesAtOnce / 2,
      bg.groups,
      async (g) => {
        await createRetrying(
          () =>
            api.create(
              paths.deployments(groupNamespace(bg, g)),
              backgroundDeployment(runId, g, bg.endpointsPerService, 0, groupNode(bg, g)),
            ),
          `background Deployment bg-g${g}`,
        );
        progress('background Deployments', bg.groups);
      },
      signal,
    );
  }
  made = 0;
  await runPool(
    backgroundServicesAtOnce,
    bg.services,
    async (j) => {
      await createRetrying(() => createService(api, runId, bg, j), `background Service svc-${j}`);
      progress('background Services', bg.services);
    },
    signal,
  );
}

/**
 * A background create on a loaded apiserver. 429s, 5xx and dropped connections are retried for up to 10
 * minutes, backing off to 10 s: at 5,000 nodes and 50,000 pods on 2 cores the apiserver answered Service creates
 * with 504 (a 60 s timeout) five times in a row. A create answered 504 may still have been stored, so a retry's
 * 409 AlreadyExists counts as done. The churn driver does not retry: its errors are figures.
 */
async function createRetrying(create: () => Promise<unknown>, what: string): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      await create();
      return;
    } catch (err) {
      // A number is the apiserver's HTTP status; anything else (a reset stream, ECONNRESET) had no answer.
      const code = (err as { code?: unknown }).code;
      if (attempt > 0 && code === 409) return;
      const transient = typeof code !== 'number' || code === 429 || code >= 500;
      if (!transient || Date.now() > deadline)
        throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(Math.min(10_000, 200 * 2 ** attempt));
    }
  }
}

/** A namespace of the spread background, labelled with the run (a kubeconfig run deletes it at the end). */
async function createBackgroundNamespace(kc: KubeConfig, runId: string, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await createRetrying(
    () =>
      core
        .createNamespace({ body: { metadata: { name, labels: { [runLabel]: runId } } } })
        .catch((err: unknown) => {
          // A lab reused by the next variant keeps its namespaces: one already there is the one wanted.
          if ((err as { code?: number }).code !== 409) throw err;
        }),
    `background namespace ${name}`,
  );
  await waitForDefaultServiceAccount(kc, name);
}
