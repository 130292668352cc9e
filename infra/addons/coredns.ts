import type { KubernetesObject } from '@kubernetes/client-node';
import { pin } from '../versions.ts';
import { labAddresses } from '../lab/addresses.ts';
import { noServiceProxyLabel, realNodeLabel } from '../node-agent/node-registration.ts';

/**
 * The cluster DNS addon as kubeadm installs it (ConfigMap, RBAC, Deployment, the kube-dns Service), with two
 * changes for the lab: its pods run only on real nodes, and the Corefile has no `forward` (the lab has no
 * upstream resolver, and must never send queries outside itself), so names outside cluster.local fail fast.
 *
 * `onNodesWithoutProxy`: the lab has nodes with no service proxy (--node-values none/coredns, side by side's
 * shared target node), and CoreDNS runs there only: off every node whose clients are measured, as in a large
 * cluster, where a client pod seldom shares a node with one of two CoreDNS replicas. (On the clients' nodes, a
 * replica beside one variant's client made part of its lookups node-local: side by side on 2026-12-06, the
 * cache's gain read −0.86 ms in one run and +0.15 ms, no difference, in the next.) No proxy there translates the
 * kubernetes ClusterIP, so CoreDNS is given the apiserver's own address, which the ClusterIP leads to.
 */
export function corednsObjects(replicas: number, onNodesWithoutProxy = false): KubernetesObject[] {
  const ns = 'kube-system';
  const labels = { 'k8s-app': 'kube-dns' };
  const corefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    cache 30
    reload
    loadbalance
}
`;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: ns } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        {
          apiGroups: [''],
          resources: ['endpoints', 'services', 'pods', 'namespaces'],
          verbs: ['list', 'watch'],
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    } as KubernetesObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: ns }],
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: ns },
      data: { Corefile: corefile },
    } as KubernetesObject,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: ns, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: 'coredns',
            dnsPolicy: 'Default',
            nodeSelector: {
              [realNodeLabel.key]: realNodeLabel.value,
              ...(onNodesWithoutProxy ? { [noServiceProxyLabel.key]: noServiceProxyLabel.value } : {}),
            },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: { matchLabels: labels },
                      topologyKey: 'kubernetes.io/hostname',
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: 'coredns',
                image: `registry.k8s.io/coredns/coredns:${pin('coredns').version}`,
                args: ['-conf', '/etc/coredns/Corefile'],
                ...(onNodesWithoutProxy ? { env: apiserverDirect } : {}),
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [
              {
                name: 'config-volume',
                configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] },
              },
            ],
          },
        },
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: ns, labels: { ...labels, 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        selector: labels,
        clusterIP: labAddresses.kubeDnsService,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    } as KubernetesObject,
  ];
}

/** client-go's in-cluster address, set to the apiserver itself for a pod on a node with no service proxy. */
const apiserverDirect = [
  { name: 'KUBERNETES_SERVICE_HOST', value: labAddresses.controlPlane },
  { name: 'KUBERNETES_SERVICE_PORT', value: String(labAddresses.apiserverPort) },
];
