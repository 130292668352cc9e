/**
 * DNS as applications see it: a client pod on real node 1 looks Service names up through glibc (getaddrinfo:
 * parallel A/AAAA, the pod's search path and ndots:5) at a fixed rate from the first phase to the end, and
 * each lookup's latency and outcome are attributed by due time to a condition: the phases (`service-churn`),
 * then, in stop(), `steady`, `coredns-rollout` (a rolling restart of CoreDNS), `coredns-killed` (SIGKILL of
 * one CoreDNS process), `nodelocal-killed` (SIGKILL of the node-local cache on node 1, nodelocal mode only) and
 * `coredns-down` (every CoreDNS process stopped for the whole window: the lookups due in its first seconds
 * cannot be answered within the resolver's timeout, whatever the machine's load). dnsperf adds raw query load
 * from real node 2; `conntrack -S` is read on every real node before and after, conntrack entries for port 53
 * and TCP connections to port 53 are sampled during the load (dns-node-samples.ts), and the servers' own
 * counters are scraped at every window's edge (dns-servers.ts). The conntrack race of the seed talk is not
 * emulated: this kernel resolves it (design §4). Units: ms, counts, rates 0–1.
 */
import type { DnsName } from '../../infra/variants/names.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';
import { runAgentJob } from '../cluster/agent-job.ts';
import { dnsperfJob, lookupNames } from './dns-objects.ts';
import { runLabel } from '../run-label.ts';
import type { ClientHeader, LookupLine } from '../traffic/dns-lookups.ts';
import type { DnsperfSummary } from '../traffic/dnsperf.ts';
import { conditionStats, lookupsIn, type ConditionStats, type Window } from './dns-conditions.ts';
import { conntrackDelta, conntrackStats, type ConntrackCounters } from './conntrack-stats.ts';
import { coreDnsDelta, type CoreDnsFigures } from './coredns-metrics.ts';
import type { DnsEvents } from './dns-condition-run.ts';
import { windowServers, type ServerScrape } from './dns-servers.ts';
import { startNodeSampler, type NodeSampleSummary } from './dns-node-samples.ts';
import { dnsDefinition, dnsSource, dnsSummary, type ConditionResult } from './dns-definition.ts';
import { startDnsClient } from './dns-client-pod.ts';
import { fail, newDnsRun, scrape, type DnsRun } from './dns-run.ts';
import { observeConditions } from './dns-windows.ts';

/** The dns measurement's parameters, as the scenario schema defines them. */
export type DnsParams = MeasurementParams<'dns'>;

/** A client this late to make its calls leaves holes in its schedule that a short disruption fits in. */
const maxClientLateMs = 500;

export function createDns(ctx: MeasurementContext, params: DnsParams): Measurement {
  const run = newDnsRun(ctx, params);
  let stopped = false;
  return {
    start: () => startDns(run),
    async mark(phase) {
      const now = Date.now();
      run.found.phases.push({ name: phase, fromMs: run.running.lastMarkMs, toMs: now });
      run.running.lastMarkMs = now;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopDns(run);
    },
    collect: () => dnsResult({ params, dnsMode: run.dnsMode, clientNode: run.clientNode, ...run.found }),
  };
}

/**
 * Conntrack's counters and the servers' before, the node sampler, the client, dnsperf; the phases' window
 * opens when it returns. A failure is among the errors: the run goes on without this measurement's figures.
 */
async function startDns(run: DnsRun): Promise<void> {
  const { ctx, params, running } = run;
  try {
    if (!ctx.target.nodes.length) throw new Error('the DNS measurement needs a real node');
    await snapshotConntrack(run, 'before');
    running.firstScrape = await scrape(run);
    if (ctx.state?.realNodes?.length)
      running.sampler = startNodeSampler(ctx.state.realNodes, 5000, (what, err) => fail(run, what)(err));
    const list = await names(run);
    running.client = await startDnsClient(ctx, params, list);
    if (params.dnsperfQps > 0) running.perf = runDnsperf(run, list);
  } catch (err) {
    fail(run, 'starting the DNS client')(err);
  }
  running.phaseFromMs = running.lastMarkMs = Date.now();
}

/** The conditions while the client runs, then what the sampler, dnsperf, CoreDNS and conntrack counted. */
async function stopDns(run: DnsRun): Promise<void> {
  const { running, found } = run;
  if (running.client) await observeConditions(run, running.client);
  found.nodeSamples = await running.sampler?.stop();
  found.dnsperf = await running.perf;
  const first = running.firstScrape?.coredns;
  const last = first && (await scrape(run)).coredns;
  if (first && last) found.coreDns = coreDnsDelta(first, last);
  await snapshotConntrack(run, 'after');
}

/** Services that exist for the whole run: the API's and DNS's own, and the oldest background ones. */
async function names(run: DnsRun): Promise<string[]> {
  const { ctx } = run;
  const namespace = ctx.target.namespace;
  const found: string[] = [];
  for (const ns of ctx.backgroundNamespaces ?? [namespace]) {
    const svcs = await run.core.listNamespacedService({
      namespace: ns,
      labelSelector: `${runLabel}=${ctx.runId}`,
    });
    // A Service in another namespace than the client's is looked up as <name>.<namespace>.
    found.push(
      ...svcs.items.map((s) => (ns === namespace ? s.metadata!.name! : `${s.metadata!.name}.${ns}`)),
    );
  }
  return lookupNames(found);
}

/** dnsperf's raw query load from real node 2, for as long as the scenario says; a failure is an error. */
function runDnsperf(run: DnsRun, list: string[]): Promise<DnsperfSummary | undefined> {
  const { ctx, params } = run;
  return runAgentJob<{ dnsperf: DnsperfSummary }>(
    ctx.kc,
    ctx.target,
    dnsperfJob(ctx.target, ctx.runId, list, params),
    (params.dnsperfSeconds + 120) * 1000,
    ctx.signal,
  ).then(
    ([r]) => r?.dnsperf,
    (err: unknown) => void fail(run, 'dnsperf')(err),
  );
}

async function snapshotConntrack(run: DnsRun, which: 'before' | 'after'): Promise<void> {
  const { conntrack } = run.found;
  if (!run.ctx.state) return;
  for (const n of run.ctx.state.realNodes ?? []) {
    const c = await conntrackStats(n.netns).catch((err: unknown) => {
      fail(run, `conntrack -S on ${n.name}`)(err);
      return {};
    });
    conntrack[n.name] = { ...(conntrack[n.name] ?? { before: {}, after: {} }), [which]: c };
  }
}

/** What the DNS measurement gathered, by the time it stopped. */
interface DnsFindings {
  readonly params: DnsParams;
  readonly dnsMode: DnsName;
  readonly clientNode: string;
  readonly parsed?: { header?: ClientHeader; lookups: LookupLine[]; readAtMs: number };
  readonly windows: readonly Window[];
  readonly phases: readonly Window[];
  readonly edges: ReadonlyMap<string, readonly [ServerScrape, ServerScrape]>;
  readonly conntrack: Record<string, { before: ConntrackCounters; after: ConntrackCounters }>;
  readonly events: DnsEvents;
  readonly dnsperf?: DnsperfSummary;
  readonly coreDns?: CoreDnsFigures;
  readonly nodeSamples?: NodeSampleSummary;
  readonly skipped: readonly string[];
  readonly errors: readonly string[];
}

/** Each window's lookups judged, the servers' counters beside them, the summary. */
function dnsResult(f: DnsFindings): MeasurementResultOf<'dns'> {
  const { params, dnsMode, clientNode, parsed, windows, phases, edges, conntrack, events } = f;
  const { dnsperf, coreDns, nodeSamples, skipped, errors } = f;
  const header = parsed?.header;
  const stats = (w: Window): { stats: ConditionStats; lookups: LookupLine[] } => {
    const lookups = header ? lookupsIn(w, header, parsed!.lookups, parsed!.readAtMs) : [];
    return { stats: conditionStats(w, dnsMode, lookups), lookups };
  };
  const conditions = windows.map(stats);
  const all = conditionStats(
    { name: 'all', fromMs: 0, toMs: 0 },
    dnsMode,
    conditions.flatMap((c) => c.lookups),
  );
  const results: ConditionResult[] = conditions.map(({ stats: c, lookups }) => {
    const pair = edges.get(c.name);
    if (!pair) return c;
    const endMs = pair[1].atMs;
    const okBeforeScrape = lookups.filter((l) => l.outcome === 'ok' && l.startMs + l.latencyMs <= endMs);
    return {
      ...c,
      servers: windowServers(pair[0], pair[1], dnsMode, clientNode),
      okBeforeScrape: okBeforeScrape.length,
    };
  });
  // A client that could not keep its schedule sent its lookups late: a short disruption may have gone unseen.
  const starved = conditions
    .map((c) => c.stats)
    .filter((c) => (c.clientLateMaxMs ?? 0) >= maxClientLateMs)
    .map((c) => `${c.name}: the DNS client fell ${c.clientLateMaxMs} ms behind its schedule (CPU-starved)`);
  return {
    name: 'dns',
    definition: dnsDefinition(params, header?.timeoutMs, dnsMode),
    source: dnsSource,
    units: 'ms; counts; rates 0–1',
    summary: dnsSummary({
      all,
      conditions: results,
      dnsperf,
      conntrackDelta: conntrackDelta(conntrack),
      coredns: coreDns,
      nodes: nodeSamples,
    }),
    details: {
      dnsMode,
      conditions: results,
      phases: phases.map((w) => stats(w).stats),
      dnsperf: dnsperf ?? null,
      conntrack,
      conntrackRaceEmulated: false,
      nodeSamples: nodeSamples ?? null,
      events,
      coredns: coreDns ?? null,
    },
    ...(skipped.length ? { skipped } : {}),
    errors: [...errors, ...starved],
  };
}
