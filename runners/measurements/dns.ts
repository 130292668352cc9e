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
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurement.ts';
import { until } from './client-pod.ts';
import { deleteAgentJob, runAgentJob, startAgentJob } from '../cluster/agent-job.ts';
import { dnsClientJob, dnsperfJob, lookupNames } from './dns-objects.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import { runLabel } from '../run-label.ts';
import { parseClientLog, type ClientHeader, type LookupLine } from '../traffic/dns-lookups.ts';
import type { DnsperfSummary } from '../traffic/dnsperf.ts';
import { conditionStats, lookupsIn, type ConditionStats, type Window } from './dns-conditions.ts';
import { conntrackDelta, conntrackStats, type ConntrackCounters } from './conntrack-stats.ts';
import { coreDnsDelta, type CoreDnsFigures } from './coredns-metrics.ts';
import {
  conditionUnavailable,
  runCondition,
  type DnsConditionName,
  type DnsEvents,
} from './dns-condition-run.ts';
import { scrapeServers, windowServers, type ServerScrape } from './dns-servers.ts';
import { startNodeSampler, type NodeSampleSummary } from './dns-node-samples.ts';
import { dnsDefinition, dnsSource, dnsSummary, type ConditionResult } from './dns-definition.ts';

/** The dns measurement's parameters, as the scenario schema defines them. */
export type DnsParams = MeasurementParams<'dns'>;

/** A client this late to make its calls leaves holes in its schedule that a short disruption fits in. */
const maxClientLateMs = 500;

export function createDns(ctx: MeasurementContext, params: DnsParams): Measurement {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const nodes = ctx.target.nodes;
  const namespace = ctx.target.namespace;
  const lab = ctx.state;
  // Through a kubeconfig, kube-dns is taken to be CoreDNS: a NodeLocal cache in front of it is not detected.
  const dnsMode = ctx.state?.spec.dns ?? 'coredns';
  const errors: string[] = [];
  const skipped: string[] = [];
  const unavailable = (c: DnsConditionName) =>
    conditionUnavailable(c, {
      dnsMode,
      lab: !!lab,
      writesOutsideNamespace: !!ctx.target.options.writesOutsideNamespace,
    });
  if (!lab) skipped.push(apiOnlyReason('conntrack -S, conntrack -L and ss on the nodes'));
  for (const c of params.conditions) {
    const why = unavailable(c);
    if (why) skipped.push(why);
  }
  const fail = (what: string) => (err: unknown) =>
    void errors.push(`${what}: ${err instanceof Error ? err.message : err}`);
  const windows: Window[] = [];
  const phases: Window[] = [];
  // The servers' counters at each window's edges, by window (the scrape before it and the one after).
  const edges = new Map<string, readonly [ServerScrape, ServerScrape]>();
  let firstScrape: ServerScrape | undefined;
  const conntrack: Record<string, { before: ConntrackCounters; after: ConntrackCounters }> = {};
  const events: DnsEvents = {};
  let client: V1Pod | undefined;
  let clientText = '';
  let perf: Promise<DnsperfSummary | undefined> = Promise.resolve(undefined);
  let dnsperf: DnsperfSummary | undefined;
  let coreDns: CoreDnsFigures | undefined;
  let sampler: ReturnType<typeof startNodeSampler> | undefined;
  let nodeSamples: NodeSampleSummary | undefined;
  const clientNode = nodes[0]?.name ?? '';
  // The servers' own counters are a second source, not the measurement: a pod IP the harness (or, through a
  // kubeconfig, the apiserver) cannot reach, as in a vxlan lab, skips them with the reason (once).
  const scrape = () =>
    scrapeServers(ctx.kc, ctx.target, dnsMode, (what, err) => {
      const why = `skipped: ${what}: ${err instanceof Error ? err.message : err}`;
      if (!skipped.includes(why)) skipped.push(why);
    });
  let phaseFromMs = 0;
  let lastMarkMs = 0;
  let stopped = false;
  let parsed: { header?: ClientHeader; lookups: LookupLine[]; readAtMs: number } | undefined;

  /** Services that exist for the whole run: the API's and DNS's own, and the oldest background ones. */
  async function names(): Promise<string[]> {
    const found: string[] = [];
    for (const ns of ctx.backgroundNamespaces ?? [namespace]) {
      const svcs = await core.listNamespacedService({
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

  async function snapshotConntrack(which: 'before' | 'after'): Promise<void> {
    if (!lab) return;
    for (const n of lab.realNodes ?? []) {
      const c = await conntrackStats(n.netns).catch((err: unknown) => {
        fail(`conntrack -S on ${n.name}`)(err);
        return {};
      });
      conntrack[n.name] = { ...(conntrack[n.name] ?? { before: {}, after: {} }), [which]: c };
    }
  }

  /** The client's output so far; the last text read is kept, so a failed read changes nothing. */
  async function clientLog(): Promise<string> {
    if (client) clientText = await ctx.target.containerLog(client, 'agent').catch(() => clientText);
    return clientText;
  }

  /** The client runs as a one-worker Job until deleted, like any workload a cluster runs. */
  async function startClient(list: string[]): Promise<void> {
    const job = dnsClientJob(ctx.target, ctx.runId, list, params);
    client = await startAgentJob(ctx.kc, ctx.target, job, ctx.signal);
    try {
      await until(
        'the DNS client to make its first lookup',
        async () => (parseClientLog(await clientLog()).lookups.length > 0 ? true : undefined),
        60_000,
        ctx.signal,
      );
    } catch (err) {
      const tail = (await clientLog()).slice(-300);
      await deleteClient();
      client = undefined;
      throw new Error(`${err instanceof Error ? err.message : err}; its log: ${tail}`);
    }
  }

  async function deleteClient(): Promise<void> {
    await deleteAgentJob(ctx.kc, ctx.target, 'dns-client');
  }

  /** Waits for the lookups due before `endMs` to answer, up to the longest a glibc query can wait. */
  async function drain(endMs: number): Promise<void> {
    for (;;) {
      const { header, lookups } = parseClientLog(await clientLog());
      if (!header) return;
      const due = Math.ceil(((endMs - header.startMs) * header.rate) / 1000);
      const answered = lookups.filter((l) => l.seq < due).length;
      if (answered >= due || Date.now() > endMs + header.timeoutMs * header.attempts + 2000) return;
      await sleep(500);
    }
  }

  /** The phases' window, then each condition's; the client's log is read once every lookup due has answered. */
  async function observeConditions(): Promise<void> {
    windows.push({
      name: 'service-churn',
      fromMs: phaseFromMs,
      toMs: phases.length ? lastMarkMs : Date.now(),
    });
    let edge = await scrape();
    if (firstScrape) edges.set('service-churn', [firstScrape, edge]);
    for (const c of params.conditions) {
      if (ctx.signal.aborted) break;
      if (unavailable(c)) continue;
      const before = windows.length;
      await runCondition(c, {
        kc: ctx.kc,
        lab,
        clientNode,
        seconds: params.conditionSeconds,
        signal: ctx.signal,
        events,
      }).then((w) => void windows.push(w), fail(`condition ${c}`));
      const next = await scrape();
      // A condition that failed before its window began has no window, and no figures.
      if (windows.length > before) edges.set(c, [edge, next]);
      edge = next;
    }
    if (!ctx.signal.aborted) await drain(windows.at(-1)!.toMs);
    const readAtMs = Date.now();
    const text = await clientLog();
    parsed = { ...parseClientLog(text), readAtMs };
    if (!parsed.header) errors.push(`the DNS client printed no header: ${text.slice(-300)}`);
    // It runs until deleted: a client that ended early would turn every later lookup into "unanswered".
    const phase = await core.readNamespacedPod({ name: client!.metadata!.name!, namespace }).then(
      (p) => p.status?.phase,
      () => undefined,
    );
    if (phase === 'Failed' || phase === 'Succeeded')
      errors.push(`the DNS client exited during the run: ${text.slice(-300)}`);
    await deleteClient();
  }

  return {
    async start() {
      try {
        if (!nodes.length) throw new Error('the DNS measurement needs a real node');
        await snapshotConntrack('before');
        firstScrape = await scrape();
        if (lab?.realNodes?.length)
          sampler = startNodeSampler(lab.realNodes, 5000, (what, err) => fail(what)(err));
        const list = await names();
        await startClient(list);
        if (params.dnsperfQps > 0) {
          perf = runAgentJob<{ dnsperf: DnsperfSummary }>(
            ctx.kc,
            ctx.target,
            dnsperfJob(ctx.target, ctx.runId, list, params),
            (params.dnsperfSeconds + 120) * 1000,
            ctx.signal,
          ).then(
            ([r]) => r?.dnsperf,
            (err: unknown) => void fail('dnsperf')(err),
          );
        }
      } catch (err) {
        fail('starting the DNS client')(err);
      }
      phaseFromMs = lastMarkMs = Date.now();
    },
    async mark(phase) {
      const now = Date.now();
      phases.push({ name: phase, fromMs: lastMarkMs, toMs: now });
      lastMarkMs = now;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (client) await observeConditions();
      nodeSamples = await sampler?.stop();
      dnsperf = await perf;
      const first = firstScrape?.coredns;
      const last = first && (await scrape()).coredns;
      if (first && last) coreDns = coreDnsDelta(first, last);
      await snapshotConntrack('after');
    },
    collect: () =>
      dnsResult({
        params,
        dnsMode,
        clientNode,
        parsed,
        windows,
        phases,
        edges,
        conntrack,
        events,
        dnsperf,
        coreDns,
        nodeSamples,
        skipped,
        errors,
      }),
  };
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
function dnsResult(f: DnsFindings): MeasurementResult {
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
