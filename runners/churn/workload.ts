import {
  CoreV1Api,
  type KubeConfig,
  type V1Container,
  type V1Deployment,
  type V1Pod,
  type V1PodSpec,
  type V1Service,
} from '@kubernetes/client-node';

import { fakeNodeName } from '../../infra/lab/fake-nodes.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { paths, type ApiWrites } from '../../infra/api/api-writes.ts';
import { runLabel } from '../run-label.ts';

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

/** What endpoint churn on bare pods carries from one churn (and round) to the next. */
export interface BarePods {
  /** Each churned group's newest pod, the next to go; a group not yet churned: its last original pod. */
  readonly newest: Map<number, string>;
  /** Pods the churn has made, which numbers the next one's name. */
  made: number;
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
 * A background group's pod spec: agnhost netexec on a kwok node, bound to `nodeName` if given (then without the
 * node selector, which only the scheduler reads).
 */
export function backgroundPodSpec(nodeName?: string): V1PodSpec {
  const spec = kwokPodSpec(['netexec', '--http-port=8080']);
  return nodeName ? { ...spec, nodeSelector: undefined, nodeName } : spec;
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
        spec: backgroundPodSpec(nodeName),
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
