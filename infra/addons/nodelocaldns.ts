import {
  AppsV1Api,
  CoreV1Api,
  PatchStrategy,
  SchedulingV1Api,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { labAddresses } from '../lab/addresses.ts';
import { realNodeLabel } from '../node-agent/node-registration.ts';
import { applyObjects } from './apply.ts';

/** The image the node agent maps to scalelab's node-cache (infra/node-cache/) around upstream CoreDNS. */
export const nodeCacheImage = 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.4';

/**
 * `transparent`: the cache binds 169.254.20.10 and the kube-dns ClusterIP, pods keep nameserver 198.19.0.10
 * and NOTRACK makes their queries skip kube-proxy's DNAT (kube-proxy iptables, either backend, and nftables).
 * `link-local`: it binds 169.254.20.10 only and pods are told to use it (kube-proxy ipvs, whose kube-ipvs0
 * already holds the ClusterIP).
 */
export type NodeLocalDnsMode = 'transparent' | 'link-local';

export function nodeLocalDnsMode(proxyMode: string): NodeLocalDnsMode {
  return proxyMode === 'ipvs' ? 'link-local' : 'transparent';
}

/**
 * Upstream's ConfigMap Corefile with the deploy-time placeholders filled (__PILLAR__LOCAL__DNS__,
 * __PILLAR__DNS__SERVER__, __PILLAR__DNS__DOMAIN__), as its install instructions do with sed; node-cache fills
 * __PILLAR__CLUSTER__DNS__ at run time. Link-local (no dnsServer) leaves __PILLAR__DNS__SERVER__ for node-cache
 * to drop, and names kube-dns itself as __PILLAR__CLUSTER__DNS__, as upstream's ipvs instructions do.
 *
 * One departure: the `.` block has no `forward . __PILLAR__UPSTREAM__SERVERS__`. Upstream forwards there to
 * the node's resolvers; the lab has none and must never send a query outside itself, so, as the cluster
 * CoreDNS does, names outside the cluster fail fast (SERVFAIL) at the cache.
 */
export function nodeLocalDnsCorefileTemplate(o: {
  localDns: string;
  dnsServer?: string;
  domain: string;
}): string {
  const bind = `bind ${o.localDns} ${o.dnsServer ?? '__PILLAR__DNS__SERVER__'}`;
  const clusterDns = o.dnsServer ? '__PILLAR__CLUSTER__DNS__' : labAddresses.kubeDnsService;
  const toCluster = `forward . ${clusterDns} {\n            force_tcp\n    }`;
  const block = (zone: string, cache: string, forward: string, extra = '') =>
    `${zone}:53 {\n    errors\n    ${cache}\n    reload\n    loop\n    ${bind}\n    ${forward}\n    prometheus :9253\n${extra}    }\n`;
  return [
    block(
      o.domain,
      'cache {\n            success 9984 30\n            denial 9984 5\n    }',
      toCluster,
      `    health ${o.localDns}:8080\n`,
    ),
    block('in-addr.arpa', 'cache 30', toCluster),
    block('ip6.arpa', 'cache 30', toCluster),
    block('.', 'cache 30', '# no forward: the lab has no upstream resolver (see nodelocaldns.ts)'),
  ].join('');
}

export interface NodeLocalDnsOptions {
  readonly mode: NodeLocalDnsMode;
  /** node-cache's -syncinterval (a bare number is seconds). @default '60' */
  readonly syncInterval?: string;
  /** Whether the cluster has the PriorityClass system-node-critical (the DaemonSet asks for it when so). */
  readonly nodeCritical?: boolean;
  /** Run caches only on nodes labelled `nodeLocalDnsLabel` (a node-by-node rollout); absent: every real node. */
  readonly labelledOnly?: boolean;
}

/**
 * The label that puts a cache on a node when the cache is rolled out to some nodes only, as managed clusters
 * roll node-local DNS out node by node (GKE's DaemonSet selects `addon.gke.io/node-local-dns-ds-ready=true`).
 */
export const nodeLocalDnsLabel = { key: 'scalelab.io/node-local-dns', value: 'true' } as const;

/**
 * Upstream's nodelocaldns.yaml: ServiceAccount, the kube-dns-upstream Service (kube-dns's selector, a
 * ClusterIP that is not NOTRACKed), the ConfigMap, the metrics Service and the DaemonSet. Departures: the
 * DaemonSet selects real nodes (kwok's fake nodes have no dataplane to set up); its readiness is checked with
 * upstream's liveness check (the node agent has readiness probes only); no xtables-lock hostPath (containers
 * already share the host's /run/xtables.lock) and no optional kube-dns ConfigMap (the lab has no stub domains).
 */
export function nodeLocalDnsObjects(o: NodeLocalDnsOptions): KubernetesObject[] {
  const ns = 'kube-system';
  const local = labAddresses.nodeLocalDns;
  const dnsServer = o.mode === 'transparent' ? labAddresses.kubeDnsService : undefined;
  const labels = { 'k8s-app': 'node-local-dns' };
  const health = { host: local, path: '/health', port: 8080 };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'node-local-dns', namespace: ns } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns-upstream',
        namespace: ns,
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'KubeDNSUpstream' },
      },
      spec: {
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'node-local-dns', namespace: ns },
      data: {
        Corefile: nodeLocalDnsCorefileTemplate({ localDns: local, dnsServer, domain: 'cluster.local' }),
      },
    } as KubernetesObject,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'node-local-dns',
        namespace: ns,
        labels,
        annotations: { 'prometheus.io/port': '9253', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP: 'None',
        selector: labels,
        ports: [{ name: 'metrics', port: 9253, targetPort: 9253 }],
      },
    } as KubernetesObject,
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-local-dns', namespace: ns, labels },
      spec: {
        updateStrategy: { rollingUpdate: { maxUnavailable: '10%' } },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'prometheus.io/port': '9253', 'prometheus.io/scrape': 'true' } },
          spec: {
            ...(o.nodeCritical ? { priorityClassName: 'system-node-critical' } : {}),
            serviceAccountName: 'node-local-dns',
            hostNetwork: true,
            dnsPolicy: 'Default',
            nodeSelector: {
              [realNodeLabel.key]: realNodeLabel.value,
              ...(o.labelledOnly ? { [nodeLocalDnsLabel.key]: nodeLocalDnsLabel.value } : {}),
            },
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
              { effect: 'NoSchedule', operator: 'Exists' },
            ],
            containers: [
              {
                name: 'node-cache',
                image: nodeCacheImage,
                resources: { requests: { cpu: '25m', memory: '5Mi' } },
                args: [
                  '-localip',
                  dnsServer ? `${local},${dnsServer}` : local,
                  '-conf',
                  '/etc/Corefile',
                  '-upstreamsvc',
                  'kube-dns-upstream',
                  // Under /etc: the pod's own overlay, so two nodes' caches never share the file.
                  '-pidfile',
                  '/etc/node-cache.pid',
                  '-syncinterval',
                  o.syncInterval ?? '60',
                ],
                securityContext: { capabilities: { add: ['NET_ADMIN'] } },
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9253, name: 'metrics', protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: health, initialDelaySeconds: 60, timeoutSeconds: 5 },
                readinessProbe: { httpGet: health, periodSeconds: 2, timeoutSeconds: 1 },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns' }],
              },
            ],
            volumes: [
              {
                name: 'config-volume',
                configMap: { name: 'node-local-dns', items: [{ key: 'Corefile', path: 'Corefile.base' }] },
              },
            ],
          },
        },
      },
    } as KubernetesObject,
  ];
}

/**
 * Applies NodeLocal DNSCache and waits until every real node runs a ready cache (the DaemonSet's ready count
 * equals the real nodes' count), or with `nodes` only those: they are labelled `nodeLocalDnsLabel` and the
 * DaemonSet selects the label, so pods on the other nodes keep asking kube-dns. The kube-dns-upstream Service
 * goes in before the DaemonSet, so each cache starts with KUBE_DNS_UPSTREAM_SERVICE_HOST set.
 */
export async function bringUpNodeLocalDns(
  kc: KubeConfig,
  o: {
    mode: NodeLocalDnsMode;
    syncInterval?: string;
    timeoutMs?: number;
    signal?: AbortSignal;
    nodes?: readonly string[];
  },
): Promise<void> {
  const nodeCritical = await kc
    .makeApiClient(SchedulingV1Api)
    .readPriorityClass({ name: 'system-node-critical' })
    .then(
      () => true,
      () => false,
    );
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  for (const name of o.nodes ?? [])
    await core.patchNode(
      { name, body: { metadata: { labels: { [nodeLocalDnsLabel.key]: nodeLocalDnsLabel.value } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  await applyObjects(kc, nodeLocalDnsObjects({ ...o, nodeCritical, labelledOnly: o.nodes !== undefined }));
  const real = await core.listNode({ labelSelector: `${realNodeLabel.key}=${realNodeLabel.value}` });
  const want = o.nodes?.length ?? real.items.length;
  const deadline = Date.now() + (o.timeoutMs ?? 90_000);
  for (;;) {
    o.signal?.throwIfAborted();
    const ds = await apps.readNamespacedDaemonSet({ name: 'node-local-dns', namespace: 'kube-system' });
    const ready = ds.status?.numberReady ?? 0;
    if (ready === want && ds.status?.desiredNumberScheduled === want) return;
    if (Date.now() > deadline)
      throw new Error(
        `NodeLocal DNSCache: ${ready}/${want} ${o.nodes ? `of its nodes (${o.nodes.join(', ')})` : 'real nodes'} have a ready node-local-dns pod after ${(o.timeoutMs ?? 90_000) / 1000} s (kube-system/node-local-dns)`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}
