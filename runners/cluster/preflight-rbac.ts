/**
 * The RBAC pre-flight of a kubeconfig run: one SelfSubjectAccessReview per permission the run uses, asked
 * before anything is created, so a read-only identity is told everything it lacks at once (exit 2) instead of
 * failing half-way with objects left behind. The same table is the documented minimal ClusterRole
 * (docs/examples/scalelab-clusterrole.yaml; preflight-rbac.test.ts keeps the two equal).
 *
 * Namespaced permissions are asked in a namespace the run would own (`scalelab-…`): a run creates its own
 * namespace, so only a ClusterRole (bound cluster-wide) can grant them before it exists.
 */
import { AuthorizationV1Api, type KubeConfig, type V1ClusterRole } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';

export interface Permission {
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly verbs: readonly string[];
  /** 'run': the run's own namespace; a name: that namespace; absent: cluster-wide. */
  readonly namespace?: 'run' | 'kube-system' | 'default';
  readonly why: string;
}

/** What a kubeconfig run does through the API (runners/cluster, measurements, churn), by where it does it. */
export function requiredPermissions(o: { allowClusterWrites: boolean }): Permission[] {
  const perms: Permission[] = [
    { group: '', resource: 'namespaces', verbs: ['create', 'get', 'delete'], why: "the run's own namespace" },
    { group: '', resource: 'nodes', verbs: ['get', 'list'], why: 'worker nodes and cluster facts' },
    { group: '', resource: 'nodes', subresource: 'proxy', verbs: ['get'], why: "kube-proxy's metrics" },
    { group: '', resource: 'pods', verbs: ['list', 'watch'], why: 'pod startup (all namespaces)' },
    { group: '', resource: 'services', verbs: ['list'], why: 'cluster facts (all namespaces)' },
    {
      group: '',
      resource: 'pods',
      namespace: 'default',
      verbs: ['create', 'get', 'delete'],
      why: 'the image pre-flight pod',
    },
    {
      group: '',
      resource: 'pods',
      namespace: 'run',
      verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'],
      why: 'client pods and churn',
    },
    {
      group: '',
      resource: 'pods',
      subresource: 'log',
      namespace: 'run',
      verbs: ['get'],
      why: 'agent reports',
    },
    {
      group: '',
      resource: 'services',
      namespace: 'run',
      verbs: ['create', 'get', 'list', 'patch', 'delete'],
      why: 'background Services and churn',
    },
    {
      group: '',
      resource: 'serviceaccounts',
      namespace: 'run',
      verbs: ['get'],
      why: 'waiting for `default`',
    },
    { group: '', resource: 'events', namespace: 'run', verbs: ['list'], why: 'evidence of a failed variant' },
    {
      group: 'apps',
      resource: 'deployments',
      namespace: 'run',
      verbs: ['create', 'get', 'list', 'patch', 'delete'],
      why: 'background pods and endpoint churn',
    },
    {
      group: 'batch',
      resource: 'jobs',
      namespace: 'run',
      verbs: ['create', 'get', 'list', 'delete'],
      why: 'traffic agent Jobs',
    },
    {
      group: 'discovery.k8s.io',
      resource: 'endpointslices',
      namespace: 'run',
      verbs: ['list', 'watch'],
      why: 'network programming',
    },
    { group: '', resource: 'pods', namespace: 'kube-system', verbs: ['list'], why: 'CoreDNS pods' },
    {
      group: '',
      resource: 'pods',
      subresource: 'proxy',
      namespace: 'kube-system',
      verbs: ['get'],
      why: "CoreDNS's metrics",
    },
    {
      group: '',
      resource: 'configmaps',
      namespace: 'kube-system',
      verbs: ['get'],
      why: "kube-proxy's mode",
    },
    { group: 'apps', resource: 'deployments', namespace: 'kube-system', verbs: ['get'], why: 'CoreDNS' },
  ];
  if (o.allowClusterWrites)
    perms.push(
      {
        group: 'apps',
        resource: 'deployments',
        namespace: 'kube-system',
        verbs: ['patch'],
        why: 'the CoreDNS rollout (--allow-cluster-writes)',
      },
      {
        group: '',
        resource: 'pods',
        namespace: 'kube-system',
        verbs: ['delete'],
        why: 'the CoreDNS kill (--allow-cluster-writes)',
      },
    );
  return perms;
}

/** "verb group/resource[/sub] in ns" for every permission the identity lacks (allowed: false). */
export async function missingPermissions(
  kc: KubeConfig,
  perms: readonly Permission[],
  runNamespace = 'scalelab-preflight',
): Promise<string[]> {
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const checks = perms.flatMap((p) =>
    p.verbs.map(async (verb) => {
      const namespace = p.namespace === 'run' ? runNamespace : p.namespace;
      const review = await authz.createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              verb,
              group: p.group,
              resource: p.resource,
              ...(p.subresource ? { subresource: p.subresource } : {}),
              ...(namespace ? { namespace } : {}),
            },
          },
        },
      });
      if (review.status?.allowed) return undefined;
      const what = `${p.group ? `${p.group}/` : ''}${p.resource}${p.subresource ? `/${p.subresource}` : ''}`;
      const where = p.namespace === 'run' ? 'the run namespace' : (p.namespace ?? 'the cluster');
      return `${verb} ${what} in ${where} (${p.why})`;
    }),
  );
  return (await Promise.all(checks)).filter((m): m is string => m !== undefined);
}

/** Throws (exit 2) listing every missing permission; nothing has been created yet. */
export async function checkPermissions(kc: KubeConfig, o: { allowClusterWrites: boolean }): Promise<void> {
  const missing = await missingPermissions(kc, requiredPermissions(o));
  if (missing.length)
    throw new UserError(
      `the kubeconfig's identity lacks ${missing.length} permission(s) the run needs; nothing was created:\n    ${missing.join('\n    ')}`,
      'bind the ClusterRole in docs/examples/scalelab-clusterrole.yaml to it (docs/kubeconfig.md)',
    );
}

/** The minimal ClusterRole granting `perms` (the documented one is this with allowClusterWrites). */
export function minimalClusterRole(perms: readonly Permission[]): V1ClusterRole {
  const rules = new Map<string, { apiGroups: string[]; resources: string[]; verbs: string[] }>();
  for (const p of perms) {
    const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
    const key = `${p.group} ${resource}`;
    const rule = rules.get(key) ?? { apiGroups: [p.group], resources: [resource], verbs: [] };
    for (const v of p.verbs) if (!rule.verbs.includes(v)) rule.verbs.push(v);
    rules.set(key, rule);
  }
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'scalelab-runner' },
    rules: [...rules.values()].map((r) => ({ ...r, verbs: [...r.verbs].sort() })),
  };
}
