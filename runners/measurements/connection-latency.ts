/**
 * Connection latency through a Service VIP, a new connection per request. scalelab's agent runs the `connect`
 * load profile in a client pod on real node 1 against a ClusterIP whose endpoints are two agnhost pods on real
 * node 2:
 *  - at the end of every phase when `atEachPhase` (latency against the rule-set size the phase left), and
 *    once after the last phase; each VIP connection paired with one straight to a pod (connection-pairs.ts);
 *  - then straight to one pod's IP: the VIP's cost, and with no other Services the agent's own overhead;
 *  - then the cross-check: the agent at a constant rate and upstream vegeta at the same rate, same target;
 *  - then, when `endpointChurn`, a rolling update of the target's pods under a 5 ms probe: hits on removed
 *    backends and failed connections (runners/measurements/endpoint-churn-traffic.ts).
 * Source: the agent's HDR histograms (k6 names: http_req_connecting = TCP handshake, http_req_waiting = time
 * to first byte; req_total = the whole request, as vegeta times it) and vegeta's JSON report. Units: ms.
 */
import type { MeasurementParams } from '../../scenarios/schema.ts';
import { AppsV1Api, CoreV1Api, type V1Job } from '@kubernetes/client-node';
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';
import type { ProfileReport } from '../traffic/load-profile.ts';
import type { VegetaReport } from '../traffic/commands/vegeta.ts';
import { runAgentJob } from '../cluster/agent-job.ts';
import { connectJob, connTarget, rateJob, vegetaJob } from './connection-objects.ts';
import { mergeProfileReports } from '../cluster/merge-reports.ts';
import { vipMinusDirectOf, withoutSamples } from './connection-pairs.ts';
import { measureEndpointChurn, type EndpointChurnFindings } from './endpoint-churn-traffic.ts';
import { createTarget, deleteTarget, type TargetAddresses, type TargetApis } from './connection-target.ts';

/** The connectionLatency measurement's parameters, as the scenario schema defines them. */
export type ConnectionLatencyParams = MeasurementParams<'connectionLatency'>;

/** Latency through the VIP at one rule-set size, as the results define it. */
export type { ConnectSizePoint as SizePoint } from '../results/details/connection-latency.ts';
import type { ConnectSizePoint as SizePoint } from '../results/details/connection-latency.ts';

/** The agent's reports: through the VIP (the last size), straight to a pod, at the cross-check's rate. */
interface Reports {
  viaVip?: ProfileReport;
  direct?: ProfileReport;
  agentAtRate?: ProfileReport;
}

/** What the agent, vegeta and the churn probe found, as connectionResult() reads it. */
interface ConnectionFindings {
  readonly bySize: SizePoint[];
  readonly reports: Reports;
  vegeta?: VegetaReport;
  churn?: EndpointChurnFindings;
}

/** What the measurement's steps share: what they were given, where the target answers, what was found. */
interface ConnectionRun {
  readonly ctx: MeasurementContext;
  readonly params: ConnectionLatencyParams;
  readonly apis: TargetApis;
  readonly at: TargetAddresses;
  readonly found: ConnectionFindings;
  readonly errors: string[];
}

export function createConnectionLatency(
  ctx: MeasurementContext,
  params: ConnectionLatencyParams,
): Measurement {
  const run: ConnectionRun = {
    ctx,
    params,
    apis: { core: ctx.kc.makeApiClient(CoreV1Api), apps: ctx.kc.makeApiClient(AppsV1Api) },
    at: {},
    found: { bySize: [], reports: {} },
    errors: [],
  };
  let stopped = false;
  return {
    async start() {
      await createTarget(ctx, run.apis, run.at).catch(note(run, 'creating the target'));
    },
    async mark(phase) {
      if (params.atEachPhase && run.at.vip)
        await measureAtSize(run, phase).catch(note(run, `after phase ${phase}`));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!run.at.vip) return;
      // After an interrupt, only clean up: the run is being torn down.
      if (!ctx.signal.aborted) await measureAfterPhases(run);
      await deleteTarget(ctx, run.apis);
    },
    collect: () => connectionResult(params, run.found, run.errors),
  };
}

/** An error handler that records what failed among the measurement's errors, and yields nothing. */
function note(run: ConnectionRun, what: string): (err: unknown) => undefined {
  return (err) => {
    run.errors.push(`connection latency, ${what}: ${err instanceof Error ? err.message : err}`);
    return undefined;
  };
}

/** The agent as an Indexed Job (connection-objects.ts) on real node 1; one report per worker. */
function runAgent<T>(run: ConnectionRun, job: V1Job): Promise<T[]> {
  const { ctx, params } = run;
  return runAgentJob<T>(ctx.kc, ctx.target, job, (params.seconds + 90) * 1000, ctx.signal);
}

/** The workers' histograms merged into one report. */
async function connect(run: ConnectionRun, job: V1Job): Promise<ProfileReport> {
  return mergeProfileReports(await runAgent<ProfileReport>(run, job));
}

/** The `connect` load profile from a client Job named `name` against `hostPort`. */
function clientJob(run: ConnectionRun, name: string, hostPort: string): V1Job {
  return connectJob(run.ctx.target, run.ctx.runId, run.params, name, hostPort);
}

async function serviceCount(core: CoreV1Api): Promise<number> {
  const page = await core.listServiceForAllNamespaces({ limit: 1 });
  return page.items.length + (page.metadata?.remainingItemCount ?? 0);
}

/**
 * Latency through the VIP against the rule set as it is now, each connection paired with one straight to a
 * pod from the same VU (connection-pairs.ts): the Service path's cost net of the client's floor.
 */
async function measureAtSize(run: ConnectionRun, phase: string): Promise<void> {
  const { bySize, reports } = run.found;
  const services = await serviceCount(run.apis.core);
  const direct = `${run.at.podIp}:8080`;
  const job = connectJob(
    run.ctx.target,
    run.ctx.runId,
    run.params,
    `conn-client-${bySize.length}`,
    `${run.at.vip}:80`,
    {
      direct,
    },
  );
  const r = await connect(run, job);
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
    vipMinusDirect: vipMinusDirectOf(r, direct),
  });
  reports.viaVip = withoutSamples(r);
}

/** The agent at a constant rate, then vegeta at the same rate, against the same VIP. */
async function crossCheck(run: ConnectionRun): Promise<void> {
  const { ctx, params, found } = run;
  const vip = run.at.vip!;
  found.reports.agentAtRate = await connect(run, rateJob(ctx.target, ctx.runId, params, vip));
  [found.vegeta] = await runAgent<VegetaReport>(run, vegetaJob(ctx.target, ctx.runId, params, vip));
}

/** After the last phase: through the VIP (unless done at every phase), direct, the cross-check, the churn. */
async function measureAfterPhases(run: ConnectionRun): Promise<void> {
  const { ctx, params, at, found } = run;
  if (!params.atEachPhase) await measureAtSize(run, 'end').catch(note(run, 'through the VIP'));
  if (at.podIp)
    found.reports.direct = await connect(run, clientJob(run, 'conn-client-direct', `${at.podIp}:8080`)).catch(
      note(run, 'direct'),
    );
  if (params.crossCheckRate > 0) await crossCheck(run).catch(note(run, 'the vegeta cross-check'));
  if (params.endpointChurn)
    found.churn = await measureEndpointChurn(ctx, connTarget, at.vip!).catch(
      note(run, 'during endpoint churn'),
    );
}

/**
 * The Service path's cost as the summary gives it: the paired figure at the last size (the median of the
 * per-pair differences, connections through the VIP and straight to the same pod interleaved), where the pairs
 * ran. The separate direct run comes minutes later, after the phases: on 2026-12-06 at 5,000 Services its p50
 * was 4.6 ms against 1.5 ms through the VIP, so "VIP minus direct" read −3.1 ms while the last round's pairs said +0.014 ms.
 */
function pairedAtLastSize(bySize: readonly SizePoint[]): number | undefined {
  return bySize.at(-1)?.vipMinusDirect?.medianMs ?? undefined;
}

/** What the agent, vegeta and the churn probe found, as the measurement's result. */
function connectionResult(
  params: ConnectionLatencyParams,
  found: { bySize: SizePoint[]; reports: Reports; vegeta?: VegetaReport; churn?: EndpointChurnFindings },
  errors: string[],
): MeasurementResultOf<'connectionLatency'> {
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
      vipMinusDirectConnectP50Ms:
        pairedAtLastSize(bySize) ??
        diff(v?.trends.http_req_connecting.p50, d?.trends.http_req_connecting.p50),
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
