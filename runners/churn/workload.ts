import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Container,
  type V1Deployment,
  type V1Pod,
  type V1PodSpec,
  type V1Service,
} from '@kubernetes/client-node';

import { runPool } from '../../infra/pool.ts';
import { fakeNodeName, retry } from '../../infra/lab/fake-nodes.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { openApiWrites, paths, type ApiWrites } from '../../infra/api/api-writes.ts';
import type { Log } from '../events.ts';
import { runLabel } from '../run-label.ts';
import { backgroundPod, barePodName, countReadyBarePods, type BarePods } from './bare-pods.ts';

/** Background pods unless the scenario says (background.pods): Services share groups of pods beyond this. */
export const defaultBackgroundPods = 2000;

/** How many kwok pods back the background Services (groups of endpointsPerService). */
export function backgroundPods(b: { services: number; endpointsPerService: number; pods?: number }): number {
  return b.services === 0 ? 0 : groupCount(b.services, b.endpointsPerService, b.pods) * b.endpointsPerService;
}

/** The background: Deployments of kwok pods (one per group) and Services selecting a group each. */
export interface Background {
  /** The run's namespace (`default` in the lab, the run's own through a kubeconfig). */
  readonly namespace: string;
  /**
   * Where the groups live, group g in namespaces[g % length]: just `namespace` unless background.namespaces
   * spreads them. Services live with the group they select.
   */
  readonly namespaces: readonly string[];
  readonly groups: number;
  readonly endpointsPerService: number;
  services: number;
  /** background.bind: pods: bare pods, no Deployments, and what their endpoint churn carries (bare-pods.ts). */
  readonly barePods?: BarePods;
  /** Fake nodes the groups are bound to, group g on fake node g % this; 0 or absent: the scheduler places them. */
  readonly bindToFakeNodes?: number;
}

/** The fake node group g's pods are bound to, if the background binds them. */
export function groupNode(bg: Pick<Background, 'bindToFakeNodes'>, group: number): string | undefined {
  return bg.bindToFakeNodes ? fakeNodeName(group % bg.bindToFakeNodes) : undefined;
}

export function groupCount(
  services: number,
  endpointsPerService: number,
  pods = defaultBackgroundPods,
): number {
  return Math.max(1, Math.min(services, Math.floor(pods / endpointsPerService)));
}

/** agnhost netexec on :8080, the backend real-node measurements send traffic to (/hostname answers the pod name). */
export const netexecContainer: V1Container = {
  name: 'netexec',
  image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
  args: ['netexec', '--http-port=8080'],
  ports: [{ containerPort: 8080 }],
};

/**
 * The background's namespaces: the run's own, or `count` of them beside it. kube-controller-manager's
 * Deployment, ReplicaSet and EndpointSlice syncs each list their whole namespace: with 10,000 Deployments and
 * 50,000 pods in one namespace they fell hours behind (clusterloader2 spreads its load the same way).
 */
export function backgroundNamespaces(base: string, count: number): string[] {
  if (count <= 1) return [base];
  const prefix = base === 'default' ? 'scalelab' : base;
  return Array.from({ length: count }, (_, k) => `${prefix}-bg-${k}`);
}

/** Where group g's Deployment and pods live. */
export function groupNamespace(bg: Pick<Background, 'namespaces'>, group: number): string {
  return bg.namespaces[group % bg.namespaces.length]!;
}

/** Where Service svc-<index> lives: with the group it selects. */
export function serviceNamespace(bg: Pick<Background, 'namespaces' | 'groups'>, index: number): string {
  return groupNamespace(bg, index % bg.groups);
}

/** A pod spec for kwok nodes: it tolerates their taint and selects them; agnhost with `args`. */
export function kwokPodSpec(args: string[]): V1PodSpec {
  return {
    nodeSelector: { type: 'kwok' },
    tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
    containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args }],
  };
}

/**
 * A background group's Deployment. With `nodeName` its pods are bound to that node from the start and skip the
 * scheduler, which at 5,000 nodes and 50,000 pods is the busiest component and not what a network scenario
 * measures (background.bind: direct).
 */
export function backgroundDeployment(
  runId: string,
  group: number,
  replicas: number,
  rollout = 0,
  nodeName?: string,
): V1Deployment {
  const labels = { [runLabel]: runId, group: `g${group}` };
  return {
    metadata: { name: `bg-g${group}`, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels, annotations: { 'scalelab.io/rollout': String(rollout) } },
        spec: nodeName
          ? { ...kwokPodSpec(['netexec', '--http-port=8080']), nodeSelector: undefined, nodeName }
          : kwokPodSpec(['netexec', '--http-port=8080']),
      },
    },
  };
}

/** The `pods` churn's pod number i: a kwok pod that is created, then deleted one step later. */
export function churnPod(runId: string, i: number): V1Pod {
  return {
    metadata: { name: `churn-${runId}-${i}`, labels: { [runLabel]: runId, churn: 'pods' } },
    spec: kwokPodSpec(['pause']),
  };
}

/** Service svc-<index>, selecting group index % groups. */
export function backgroundService(runId: string, index: number, groups: number): V1Service {
  return {
    metadata: { name: `svc-${index}`, labels: { [runLabel]: runId } },
    spec: {
      selector: { [runLabel]: runId, group: `g${index % groups}` },
      ports: [{ port: 80, targetPort: 8080 }],
    },
  };
}

/** Service svc-<index> of the background, in the namespace of the group it selects. */
export function createService(
  api: ApiWrites,
  runId: string,
  bg: Pick<Background, 'namespaces' | 'groups'>,
  index: number,
): Promise<void> {
  return api.create(paths.services(serviceNamespace(bg, index)), backgroundService(runId, index, bg.groups));
}

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
  for (;;) {
    signal.throwIfAborted();
    let ready = bg.barePods ? await countReadyBarePods(kc, runId) : 0;
    for (const ns of bg.barePods ? [] : bg.namespaces) {
      const list = await retry(
        () => apps.listNamespacedDeployment({ namespace: ns, labelSelector: `${runLabel}=${runId}` }),
        'listing the background Deployments',
      );
      ready += list.items.reduce((n, d) => n + (d.status?.readyReplicas ?? 0), 0);
    }
    log({ kind: 'progress', step: 'background pods ready', done: ready, total: want });
    if (ready >= want) return bg;
    // A list of 10,000 Deployments is ~20 MB of JSON for the apiserver to write (50,000 pods' table rows ~5 MB):
    // ask less often the more there are.
    await sleep(Math.max(1000, bg.groups));
  }
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

/** Waits (up to 60 s) for a new namespace's `default` ServiceAccount, without which pods are refused. */
export async function waitForDefaultServiceAccount(kc: KubeConfig, namespace: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 60_000;
  while (!(await core.readNamespacedServiceAccount({ name: 'default', namespace }).catch(() => false))) {
    if (Date.now() > deadline)
      throw new Error(`namespace ${namespace} got no default ServiceAccount in 60 s`);
    await sleep(200);
  }
}
