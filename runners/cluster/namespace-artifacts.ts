/**
 * The evidence a kubeconfig run can keep of a failed or invalid variant before its namespaces are deleted
 * (runners/run-outcome.ts keepEvidence): what the run's pods were doing, their events, and each container's
 * last log lines. The cluster's own components are not the run's to read; Secrets are never read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { redact } from '../../infra/lab/redact.ts';

/** Last lines of each container's log kept: enough for a panic, bounded for a run of many pods. */
const tailLines = 500;
/** Logs are read for this many pods at most, the unhealthy ones first. */
const maxPodsWithLogs = 20;

export async function keepNamespaceArtifacts(
  kc: KubeConfig,
  namespaces: readonly string[],
  dir: string,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  for (const namespace of namespaces) {
    const out = join(dir, 'namespaces', namespace);
    mkdirSync(join(out, 'logs'), { recursive: true });
    const pods = (await core.listNamespacedPod({ namespace })).items;
    const summary = pods.map((p) => ({
      name: p.metadata?.name,
      node: p.spec?.nodeName,
      phase: p.status?.phase,
      reason: p.status?.reason,
      containers: (p.status?.containerStatuses ?? []).map((c) => ({
        name: c.name,
        ready: c.ready,
        restarts: c.restartCount,
        state: c.state,
        lastState: c.lastState,
      })),
    }));
    writeFileSync(join(out, 'pods.json'), `${JSON.stringify(summary, null, 2)}\n`);
    const events = (await core.listNamespacedEvent({ namespace })).items
      .map((e) => {
        const at = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
        const when = at ? new Date(at as unknown as string).toISOString() : '-';
        return `${when} ${e.type} ${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`;
      })
      .sort();
    writeFileSync(join(out, 'events.txt'), redact(`${events.join('\n')}\n`));
    const unhealthyFirst = [...pods].sort(
      (a, b) => Number(a.status?.phase === 'Running') - Number(b.status?.phase === 'Running'),
    );
    for (const p of unhealthyFirst.slice(0, maxPodsWithLogs))
      for (const c of p.spec?.containers ?? []) {
        const name = p.metadata!.name!;
        const text = await core
          .readNamespacedPodLog({ name, namespace, container: c.name, tailLines })
          .catch((err: unknown) => `# no log: ${err instanceof Error ? err.message : err}\n`);
        writeFileSync(join(out, 'logs', `${name}_${c.name}.log`), redact(String(text)));
      }
  }
}
