/**
 * `run --kubeconfig PATH --dry-run`: every object the run would create, as YAML documents on stdout, from the
 * same builders the run uses; nothing is created. It reads the cluster's nodes to show where pods are pinned
 * (placeholders when the cluster does not answer). Values known only once an object exists (a Service's
 * ClusterIP, a pod's IP) are shown as <placeholders>; the run id is a fresh one, as every run's is.
 */
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { Scenario } from '../../scenarios/schema.ts';
import {
  backgroundDeployment,
  backgroundNamespaces,
  backgroundService,
  churnPod,
  groupCount,
  groupNamespace,
  serviceNamespace,
} from '../churn/workload.ts';
import { plannedProbeObjects } from '../measurements/probe-objects.ts';
import { plannedConnectionObjects } from '../measurements/connection-objects.ts';
import { dnsClientJob, dnsperfJob, lookupNames } from '../measurements/dns-objects.ts';
import { runNamespace } from './namespace.ts';
import { workerNodes } from './kubeconfig-target.ts';
import type { ClusterTarget, TargetNode } from './target.ts';
import type { ClusterRunOptions } from './cluster-host.ts';

export async function printDryRun(s: Scenario, o: ClusterRunOptions): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(o.kubeconfig);
  const nodes = await workerNodes(kc).catch((err: unknown) => {
    process.stderr.write(
      `! could not list the cluster's nodes (${err}); pods are shown pinned to <node N>\n`,
    );
    return [];
  });
  const runId = randomBytes(4).toString('hex');
  const text = plannedObjects(s, o, runId, nodes)
    .map((x) =>
      typeof x === 'string' ? `# ${x}\n` : `---\n${stringify(x, { aliasDuplicateObjects: false })}`,
    )
    .join('');
  process.stdout.write(text);
}

/** The run's objects in the order it creates them, with comments (strings) for what it changes or skips. */
export function plannedObjects(
  s: Scenario,
  o: ClusterRunOptions,
  runId: string,
  nodes: readonly TargetNode[],
): (object | string)[] {
  const namespace = runNamespace(runId).metadata!.name!;
  const target: ClusterTarget = {
    namespace,
    agentImage: o.agentImage,
    nodes,
    options: { workers: o.workers, writesOutsideNamespace: o.allowClusterWrites },
    kubeProxyMetrics: () => Promise.reject(new Error('dry run')),
    podMetrics: () => Promise.reject(new Error('dry run')),
    containerLog: () => Promise.reject(new Error('dry run')),
  };
  const inNs = <T extends { metadata?: object }>(apiVersion: string, kind: string, x: T, ns = namespace) => ({
    apiVersion,
    kind,
    ...x,
    metadata: { ...x.metadata, namespace: ns },
  });
  const b = s.background;
  const groups = b.services === 0 ? 0 : groupCount(b.services, b.endpointsPerService, b.pods);
  const bg = { namespaces: backgroundNamespaces(namespace, b.services ? b.namespaces : 1), groups };
  const spread = bg.namespaces.filter((n) => n !== namespace);
  const out: (object | string)[] = [
    spread.length
      ? `scalelab run ${runId}: everything below lives in namespace ${namespace} and the background's ${spread.join(', ')}`
      : `scalelab run ${runId}: everything below lives in namespace ${namespace}`,
  ];
  out.push(runNamespace(runId));
  for (const n of spread)
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n, labels: runNamespace(runId).metadata!.labels },
    });
  out.push(`background: ${groups} Deployments of kwok pods, ${b.services} Services`);
  const service = (j: number) =>
    inNs('v1', 'Service', backgroundService(runId, j, groups), serviceNamespace(bg, j));
  for (let g = 0; g < groups; g++)
    out.push(
      inNs(
        'apps/v1',
        'Deployment',
        backgroundDeployment(runId, g, b.endpointsPerService),
        groupNamespace(bg, g),
      ),
    );
  for (let j = 0; j < b.services; j++) out.push(service(j));
  const m = s.measurements;
  const vip = (svc: string) => `<clusterIP of ${svc}>`;
  for (const spec of m) {
    if (spec.name === 'networkProgrammingLatency') {
      out.push('networkProgrammingLatency: its probe, created after the phases');
      out.push(...plannedProbeObjects(target, runId, spec, vip('probe-target')));
    }
    if (spec.name === 'connectionLatency') {
      out.push('connectionLatency: target at start, traffic Jobs after the phases');
      const phases = s.phases.map((p) => p.name);
      out.push(
        ...plannedConnectionObjects(
          target,
          runId,
          spec,
          phases,
          vip('conn-target'),
          '<a conn-target pod IP>',
        ),
      );
    }
    if (spec.name === 'dns') {
      const names = lookupNames(
        Array.from({ length: b.services }, (_, j) =>
          serviceNamespace(bg, j) === namespace ? `svc-${j}` : `svc-${j}.${serviceNamespace(bg, j)}`,
        ),
      );
      out.push('dns: the client from the start, dnsperf alongside');
      out.push(dnsClientJob(target, runId, names, spec));
      if (spec.dnsperfQps > 0) out.push(dnsperfJob(target, runId, names, spec));
      if (spec.conditions.includes('coredns-rollout'))
        out.push(
          o.allowClusterWrites
            ? 'dns: coredns-rollout patches Deployment kube-system/coredns (--allow-cluster-writes)'
            : 'dns: coredns-rollout skipped (it writes to kube-system; --allow-cluster-writes allows it)',
        );
    }
    if (spec.name === 'ruleSync')
      out.push("ruleSync: skipped through a kubeconfig (it reads the nodes' tables)");
    if (spec.name === 'controlPlane')
      out.push('controlPlane: creates nothing (apiserver /metrics, a pod watch)');
  }
  let services = b.services;
  for (const phase of s.phases)
    for (const c of phase.churn) {
      if (c.kind === 'services') {
        out.push(`phase ${phase.name}: ${c.count} Services`);
        for (let i = 0; i < c.count; i++) out.push(service(services + i));
        services += c.count;
      } else if (c.kind === 'pods') {
        out.push(`phase ${phase.name}: kwok pods, each deleted one step later`);
        for (let i = 0; i < c.count; i += 2) out.push(inNs('v1', 'Pod', churnPod(runId, i)));
      } else {
        if (c.kind === 'serviceDeletes') services -= c.count;
        out.push(`phase ${phase.name}: ${c.count} ${c.kind} changes to the objects above (patches, deletes)`);
      }
    }
  if (s.phases.some((p) => p.faults.length))
    out.push('faults: skipped through a kubeconfig (they kill processes)');
  out.push(
    spread.length
      ? `at the end: namespaces ${[namespace, ...spread].join(', ')} are deleted, and the run waits until they are gone`
      : `at the end: namespace ${namespace} is deleted, and the run waits until it is gone`,
  );
  return out;
}
