/**
 * Connection latency through a Service VIP, a new connection per request. scalelab's agent runs the `connect`
 * load profile in a client pod on real node 1 against a ClusterIP whose endpoints are two agnhost pods on real
 * node 2:
 *  - at the end of every phase when `atEachPhase` (latency against the rule-set size the phase left), and
 *    once after the last phase;
 *  - then straight to one pod's IP: the VIP's cost, and with no other Services the agent's own overhead;
 *  - then the cross-check: the agent at a constant rate and upstream vegeta at the same rate, same target;
 *  - then, when `endpointChurn`, a rolling update of the target's pods under a 5 ms probe: hits on removed
 *    backends and failed connections (runners/measurements/endpoint-churn-traffic.ts).
 * Source: the agent's HDR histograms (k6 names: http_req_connecting = TCP handshake, http_req_waiting = time
 * to first byte; req_total = the whole request, as vegeta times it) and vegeta's JSON report. Units: ms.
 */
import type { MeasurementParams } from '../../scenarios/schema.ts';
import { AppsV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurement.ts';
import type { ProfileReport } from '../traffic/load-profile.ts';
import type { VegetaReport } from '../traffic/commands/vegeta.ts';
import { until } from './client-pod.ts';
import { runAgentJob } from '../cluster/agent-job.ts';
import {
  connectJob,
  connTarget,
  connTargetDeployment,
  connTargetService,
  rateJob,
  vegetaJob,
} from './connection-objects.ts';
import { mergeProfileReports } from '../cluster/merge-reports.ts';
import { measureEndpointChurn, type EndpointChurnFindings } from './endpoint-churn-traffic.ts';

/** The connectionLatency measurement's parameters, as the scenario schema defines them. */
export type ConnectionLatencyParams = MeasurementParams<'connectionLatency'>;

/** Latency through the VIP at one rule-set size. */
export interface SizePoint {
  readonly phase: string;
  readonly services: number;
  readonly requests: number;
  readonly errors: number;
  readonly connectP50Ms: number;
  readonly connectP90Ms: number;
  readonly connectP99Ms: number;
  readonly connectMaxMs: number;
  readonly firstByteP50Ms: number;
  readonly firstByteP90Ms: number;
  readonly firstByteP99Ms: number;
}

const target = connTarget;

/** The agent's reports: through the VIP (the last size), straight to a pod, at the cross-check's rate. */
interface Reports {
  viaVip?: ProfileReport;
  direct?: ProfileReport;
  agentAtRate?: ProfileReport;
}

export function createConnectionLatency(
  ctx: MeasurementContext,
  params: ConnectionLatencyParams,
): Measurement {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const apps = ctx.kc.makeApiClient(AppsV1Api);
  const errors: string[] = [];
  const bySize: SizePoint[] = [];
  const reports: Reports = {};
  let vegeta: VegetaReport | undefined;
  let churn: EndpointChurnFindings | undefined;
  let vip: string | undefined;
  let podIp: string | undefined;
  let stopped = false;
  const nodes = ctx.target.nodes;
  const namespace = ctx.target.namespace;
  const note = (what: string) => (err: unknown) => {
    errors.push(`connection latency, ${what}: ${err instanceof Error ? err.message : err}`);
    return undefined;
  };

  /** The agent as an Indexed Job (connection-objects.ts) on real node 1; one report per worker. */
  const runAgent = <T>(job: V1Job) =>
    runAgentJob<T>(ctx.kc, ctx.target, job, (params.seconds + 90) * 1000, ctx.signal);
  // The workers' histograms are merged into one report.
  const connect = async (j: V1Job) => mergeProfileReports(await runAgent<ProfileReport>(j));
  const job = (name: string, hostPort: string) => connectJob(ctx.target, ctx.runId, params, name, hostPort);

  async function createTarget(): Promise<void> {
    if (nodes.length < 2) throw new Error('connection latency needs two real nodes');
    await apps.createNamespacedDeployment({ namespace, body: connTargetDeployment(ctx.target, ctx.runId) });
    const svc = await core.createNamespacedService({
      namespace,
      body: connTargetService(ctx.target, ctx.runId),
    });
    vip = svc.spec!.clusterIP!;
    await waitReady();
  }

  async function waitReady(): Promise<void> {
    podIp = await until(
      `${target} ready`,
      async () => {
        const d = await apps.readNamespacedDeployment({ name: target, namespace });
        if ((d.status?.readyReplicas ?? 0) < 2 || d.status?.replicas !== 2) return undefined;
        const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${target}` });
        return pods.items.find((p) => p.status?.podIP && !p.metadata?.deletionTimestamp)?.status?.podIP;
      },
      120_000,
      ctx.signal,
    );
    // Give kube-proxy its minimum sync period so the VIP has both endpoints before the clock starts.
    await sleep(2000);
  }

  async function serviceCount(): Promise<number> {
    const page = await core.listServiceForAllNamespaces({ limit: 1 });
    return page.items.length + (page.metadata?.remainingItemCount ?? 0);
  }

  async function measureAtSize(phase: string): Promise<void> {
    const services = await serviceCount();
    const r = await connect(job(`conn-client-${bySize.length}`, `${vip}:80`));
    const t = r.summary.trends;
    bySize.push({
      phase,
      services,
      requests: r.summary.http_reqs,
      errors: Math.round(r.summary.http_req_failed * r.summary.http_reqs),
      connectP50Ms: t.http_req_connecting.p50,
      connectP90Ms: t.http_req_connecting.p90,
      connectP99Ms: t.http_req_connecting.p99,
      connectMaxMs: t.http_req_connecting.max,
      firstByteP50Ms: t.http_req_waiting.p50,
      firstByteP90Ms: t.http_req_waiting.p90,
      firstByteP99Ms: t.http_req_waiting.p99,
    });
    reports.viaVip = r;
  }

  async function crossCheck(): Promise<void> {
    reports.agentAtRate = await connect(rateJob(ctx.target, ctx.runId, params, vip!));
    [vegeta] = await runAgent<VegetaReport>(vegetaJob(ctx.target, ctx.runId, params, vip!));
  }

  async function measureAfterPhases(): Promise<void> {
    if (!params.atEachPhase) await measureAtSize('end').catch(note('through the VIP'));
    if (podIp)
      reports.direct = await connect(job('conn-client-direct', `${podIp}:8080`)).catch(note('direct'));
    if (params.crossCheckRate > 0) await crossCheck().catch(note('the vegeta cross-check'));
    if (params.endpointChurn)
      churn = await measureEndpointChurn(ctx, target, vip!).catch(note('during endpoint churn'));
  }

  return {
    async start() {
      await createTarget().catch(note('creating the target'));
    },
    async mark(phase) {
      if (params.atEachPhase && vip) await measureAtSize(phase).catch(note(`after phase ${phase}`));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!vip) return;
      // After an interrupt, only clean up: the run is being torn down.
      if (!ctx.signal.aborted) await measureAfterPhases();

      await apps.deleteNamespacedDeployment({ name: target, namespace }).catch(() => {});
      await core.deleteNamespacedService({ name: target, namespace }).catch(() => {});
    },
    collect: () => connectionResult(params, { bySize, reports, vegeta, churn }, errors),
  };
}

/** What the agent, vegeta and the churn probe found, as the measurement's result. */
function connectionResult(
  params: ConnectionLatencyParams,
  found: { bySize: SizePoint[]; reports: Reports; vegeta?: VegetaReport; churn?: EndpointChurnFindings },
  errors: string[],
): MeasurementResult {
  const { bySize, reports, vegeta, churn } = found;
  const v = reports.viaVip?.summary;
  const d = reports.direct?.summary;
  const a = reports.agentAtRate?.summary;
  const diff = (x?: number, y?: number) =>
    x !== undefined && y !== undefined ? Math.round((x - y) * 1000) / 1000 : null;
  return {
    name: 'connectionLatency',
    definition:
      `new connections (one per request) from a pod on real node 1 through a ClusterIP to 2 agnhost pods on real node 2, ` +
      `${params.vus} VUs for ${params.seconds} s${params.atEachPhase ? ' after every phase' : ' after the last phase'}; ` +
      `then straight to one pod's IP; then the agent and vegeta at ${params.crossCheckRate} requests/s each` +
      `${params.endpointChurn ? '; then a rolling update of the 2 target pods under a probe opening a connection every 5 ms' : ''}`,
    source:
      "scalelab agent's HDR histograms (k6 metric names), vegeta's JSON report, the churn probe's replies",
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
      vipMinusDirectConnectP50Ms: diff(v?.trends.http_req_connecting.p50, d?.trends.http_req_connecting.p50),
      agentAtRateP50Ms: a?.trends.req_total.p50 ?? null,
      agentAtRateP99Ms: a?.trends.req_total.p99 ?? null,
      vegetaP50Ms: vegeta?.latencies.p50 ?? null,
      vegetaP99Ms: vegeta?.latencies.p99 ?? null,
      agentMinusVegetaP50Ms: diff(a?.trends.req_total.p50, vegeta?.latencies.p50),
      churnErrorRate: churn?.errorRate ?? null,
      churnRemovedBackendHits: churn?.removedBackendHits ?? null,
      churnLastRemovedBackendHitMs: churn?.lastRemovedBackendHitMs ?? null,
    },
    details: { bySize, churn, vegeta, ...reports },
    errors,
  };
}
