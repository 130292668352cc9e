import {
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1Container,
  type V1Deployment,
  type V1PodSpec,
} from '@kubernetes/client-node';

import { runPool } from '../../infra/pool.ts';
import { sleep } from '../../infra/lab/processes.ts';
import type { Log } from '../events.ts';

export const runLabel = 'scalelab.io/run';
/** Background pods are capped: Services share groups of pods beyond this, each still with its endpoints. */
export const maxBackgroundPods = 2000;

/** The background: Deployments of kwok pods (one per group) and Services selecting a group each. */
export interface Background {
  readonly groups: number;
  readonly endpointsPerService: number;
  services: number;
}

export function groupCount(services: number, endpointsPerService: number): number {
  return Math.max(1, Math.min(services, Math.floor(maxBackgroundPods / endpointsPerService)));
}

/** agnhost netexec on :8080, the backend real-node measurements send traffic to (/hostname answers the pod name). */
export const netexecContainer: V1Container = {
  name: 'netexec',
  image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
  args: ['netexec', '--http-port=8080'],
  ports: [{ containerPort: 8080 }],
};

/** A pod spec for kwok nodes: it tolerates their taint and selects them; agnhost with `args`. */
export function kwokPodSpec(args: string[]): V1PodSpec {
  return {
    nodeSelector: { type: 'kwok' },
    tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
    containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args }],
  };
}

export function backgroundDeployment(
  runId: string,
  group: number,
  replicas: number,
  rollout = 0,
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
        spec: kwokPodSpec(['netexec', '--http-port=8080']),
      },
    },
  };
}

export async function createService(
  kc: KubeConfig,
  runId: string,
  index: number,
  groups: number,
): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespacedService({
    namespace: 'default',
    body: {
      metadata: { name: `svc-${index}`, labels: { [runLabel]: runId } },
      spec: {
        selector: { [runLabel]: runId, group: `g${index % groups}` },
        ports: [{ port: 80, targetPort: 8080 }],
      },
    },
  });
}

/** Creates the background and waits until every group's pods are ready (their endpoints exist). */
export async function createBackground(
  kc: KubeConfig,
  runId: string,
  services: number,
  endpointsPerService: number,
  log: Log,
  signal: AbortSignal,
): Promise<Background> {
  const bg: Background = { groups: groupCount(services, endpointsPerService), endpointsPerService, services };
  if (services === 0) return { ...bg, groups: 0 };
  const apps = kc.makeApiClient(AppsV1Api);
  await runPool(
    16,
    bg.groups,
    (g) =>
      apps
        .createNamespacedDeployment({
          namespace: 'default',
          body: backgroundDeployment(runId, g, endpointsPerService),
        })
        .then(() => {}),
    signal,
  );
  await runPool(32, services, (j) => createService(kc, runId, j, bg.groups), signal);
  const want = bg.groups * endpointsPerService;
  for (;;) {
    signal.throwIfAborted();
    const list = await apps.listNamespacedDeployment({
      namespace: 'default',
      labelSelector: `${runLabel}=${runId}`,
    });
    const ready = list.items.reduce((n, d) => n + (d.status?.readyReplicas ?? 0), 0);
    log({ kind: 'progress', step: 'background pods ready', done: ready, total: want });
    if (ready >= want) return bg;
    await sleep(1000);
  }
}

/** Deletes everything the run created, by its label (the local lab goes away anyway; a shared cluster must not keep it). */
export async function deleteRunObjects(kc: KubeConfig, runId: string): Promise<void> {
  const selector = `${runLabel}=${runId}`;
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  await apps
    .deleteCollectionNamespacedDeployment({ namespace: 'default', labelSelector: selector })
    .catch(() => {});
  const svcs = await core.listNamespacedService({ namespace: 'default', labelSelector: selector });
  await runPool(16, svcs.items.length, (i) =>
    core
      .deleteNamespacedService({ name: svcs.items[i]!.metadata!.name!, namespace: 'default' })
      .then(() => {}),
  );
  await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: selector }).catch(() => {});
}
