/**
 * Connection latency through a Service VIP, new connection per request: scalelab's agent runs the `connect` load
 * profile in a client pod on real node 1 against a ClusterIP whose endpoints are agnhost pods on real node 2,
 * then against one of those pods' IPs directly (the agent's own overhead and the VIP's cost show as the
 * difference). Taken after the phases, at the rule-set size they left. Source: the agent's HDR histograms
 * (k6 names: http_req_connecting = TCP handshake, http_req_waiting = time to first byte). Units: ms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurement.ts';
import type { ProfileReport } from '../traffic/load-profile.ts';
import { netexecContainer, runLabel } from '../churn/workload.ts';

export interface ConnectionLatencyParams {
  readonly seconds: number;
  readonly vus: number;
}

const profilePath = fileURLToPath(new URL('../traffic/profiles/connect.ts', import.meta.url));

export function createConnectionLatency(
  ctx: MeasurementContext,
  params: ConnectionLatencyParams,
): Measurement {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const apps = ctx.kc.makeApiClient(AppsV1Api);
  const errors: string[] = [];
  const reports: Record<string, ProfileReport> = {};
  let stopped = false;
  const nodes = ctx.state.realNodes ?? [];

  const until = async <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      ctx.signal.throwIfAborted();
      await sleep(250);
    }
  };

  /** Runs the profile in a throwaway client pod (restartPolicy Never) and returns its report. */
  async function runAgent(name: string, target: string): Promise<ProfileReport> {
    const body: V1Pod = {
      metadata: { name, labels: { [runLabel]: ctx.runId } },
      spec: {
        nodeName: nodes[0]!.name,
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'agent',
            image: 'scalelab.local/agent:dev',
            args: [
              'run',
              '--profile',
              profilePath,
              '--env',
              `TARGET=${target}`,
              '--vus',
              String(params.vus),
              '--duration',
              `${params.seconds}s`,
            ],
          },
        ],
      },
    };
    const pod = await core.createNamespacedPod({ namespace: 'default', body });
    await until(
      `${name} to finish`,
      async () => {
        const p = await core.readNamespacedPod({ name, namespace: 'default' });
        if (p.status?.phase === 'Failed') throw new Error(`${name} failed`);
        return p.status?.phase === 'Succeeded' ? true : undefined;
      },
      (params.seconds + 60) * 1000,
    );
    const log = readFileSync(
      join(ctx.state.stateDir, 'nodes', nodes[0]!.name, 'pods', pod.metadata!.uid!, 'agent.log'),
      'utf8',
    );
    const line = log.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`${name} printed no report: ${log.slice(-300)}`);
    await core.deleteNamespacedPod({ name, namespace: 'default', gracePeriodSeconds: 0 }).catch(() => {});
    return JSON.parse(line) as ProfileReport;
  }

  async function measure(): Promise<void> {
    if (nodes.length < 2) throw new Error('connection latency needs two real nodes');
    const labels = { app: 'conn-target', [runLabel]: ctx.runId };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'conn-target', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              nodeName: nodes[1]!.name,
              containers: [netexecContainer],
            },
          },
        },
      },
    });
    const svc = await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'conn-target', labels: { [runLabel]: ctx.runId } },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    const podIp = await until(
      'conn-target ready',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'conn-target', namespace: 'default' });
        if ((d.status?.readyReplicas ?? 0) < 2) return undefined;
        const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=conn-target' });
        return pods.items.find((p) => p.status?.podIP)?.status?.podIP;
      },
      60_000,
    );
    // Give kube-proxy its minimum sync period so the VIP has both endpoints before the clock starts.
    await sleep(2000);
    reports.viaVip = await runAgent('conn-client-vip', `${svc.spec!.clusterIP}:80`);
    reports.direct = await runAgent('conn-client-direct', `${podIp}:8080`);
    await apps.deleteNamespacedDeployment({ name: 'conn-target', namespace: 'default' }).catch(() => {});
    await core.deleteNamespacedService({ name: 'conn-target', namespace: 'default' }).catch(() => {});
  }

  return {
    async start() {},
    async stop() {
      if (stopped) return;
      stopped = true;
      await measure().catch((err: unknown) =>
        errors.push(`connection latency: ${err instanceof Error ? err.message : err}`),
      );
    },
    collect(): MeasurementResult {
      const v = reports.viaVip?.summary;
      const d = reports.direct?.summary;
      const diff = (a?: number, b?: number) =>
        a !== undefined && b !== undefined ? Math.round((a - b) * 1000) / 1000 : null;
      return {
        name: 'connectionLatency',
        definition: `new connections (one per request) from a pod on real node 1: through a ClusterIP to 2 agnhost pods on real node 2, then straight to one pod's IP; ${params.vus} VUs for ${params.seconds} s each`,
        source: "scalelab agent's HDR histograms (k6 metric names)",
        units: 'ms',
        summary: {
          requests: v?.http_reqs ?? null,
          connectP50Ms: v?.trends.http_req_connecting.p50 ?? null,
          connectP99Ms: v?.trends.http_req_connecting.p99 ?? null,
          connectMaxMs: v?.trends.http_req_connecting.max ?? null,
          firstByteP50Ms: v?.trends.http_req_waiting.p50 ?? null,
          firstByteP99Ms: v?.trends.http_req_waiting.p99 ?? null,
          failedRate: v?.http_req_failed ?? null,
          directConnectP50Ms: d?.trends.http_req_connecting.p50 ?? null,
          directConnectP99Ms: d?.trends.http_req_connecting.p99 ?? null,
          directRequests: d?.http_reqs ?? null,
          vipMinusDirectConnectP50Ms: diff(
            v?.trends.http_req_connecting.p50,
            d?.trends.http_req_connecting.p50,
          ),
        },
        details: reports,
        errors,
      };
    },
  };
}
