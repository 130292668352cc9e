/**
 * DNS as applications see it: a client pod on real node 1 looks Service names up through glibc (getaddrinfo:
 * parallel A/AAAA, the pod's search path and ndots:5) at a fixed rate from the first phase to the end, and
 * each lookup's latency and outcome are attributed by due time to a condition: the phases (`service-churn`),
 * then, in stop(), `steady`, `coredns-rollout` (a rolling restart of CoreDNS) and `coredns-killed` (SIGKILL of
 * one CoreDNS process). dnsperf adds raw query load from real node 2; `conntrack -S` is read on every real node
 * before and after. The conntrack race of the seed talk is not emulated: this kernel resolves it (design §4).
 * Source: the client's per-lookup lines, dnsperf's statistics, conntrack -S, and CoreDNS's own counters
 * (coredns-metrics.ts). Units: ms, counts, rates 0–1.
 */
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { sleep, sleepUnlessAborted } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurement.ts';
import { until } from './client-pod.ts';
import { deleteAgentJob, runAgentJob, startAgentJob } from '../cluster/agent-job.ts';
import { dnsClientJob, dnsperfJob, lookupNames } from './dns-objects.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import { runLabel } from '../churn/workload.ts';
import { parseClientLog, type ClientHeader, type LookupLine } from '../traffic/dns-lookups.ts';
import type { DnsperfSummary } from '../traffic/dnsperf.ts';
import { conditionStats, lookupsIn, type ConditionStats, type Window } from './dns-conditions.ts';
import { conntrackDelta, conntrackStats, type ConntrackCounters } from './conntrack-stats.ts';
import { killCoreDns, rolloutRestartCoreDns, type Kill } from './coredns-disruption.ts';
import { coreDnsDelta, scrapeCoreDns, type CoreDnsFigures, type CoreDnsScrape } from './coredns-metrics.ts';

export interface DnsParams {
  readonly lookupsPerSecond: number;
  readonly conditions: readonly ('steady' | 'coredns-rollout' | 'coredns-killed')[];
  readonly conditionSeconds: number;
  readonly dnsperfQps: number;
  readonly dnsperfSeconds: number;
}

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
  // What the target does not allow: a kill needs the node's process table, a rollout writes to kube-system.
  const unavailable = (c: DnsParams['conditions'][number]): string | undefined =>
    c === 'coredns-killed' && !lab
      ? apiOnlyReason('the coredns-killed condition (SIGKILL of a CoreDNS process)')
      : c === 'coredns-rollout' && !ctx.target.options.writesOutsideNamespace
        ? "skipped: the coredns-rollout condition restarts CoreDNS in kube-system, outside the run's namespace; pass --allow-cluster-writes"
        : undefined;
  if (!lab) skipped.push(apiOnlyReason('conntrack -S on the nodes'));
  for (const c of params.conditions) {
    const why = unavailable(c);
    if (why) skipped.push(why);
  }
  const fail = (what: string) => (err: unknown) =>
    void errors.push(`${what}: ${err instanceof Error ? err.message : err}`);
  const windows: Window[] = [];
  const phases: Window[] = [];
  const conntrack: Record<string, { before: ConntrackCounters; after: ConntrackCounters }> = {};
  const events: { rollout?: { fromMs: number; toMs: number }; kill?: Kill } = {};
  let client: V1Pod | undefined;
  let clientText = '';
  let perf: Promise<DnsperfSummary | undefined> = Promise.resolve(undefined);
  let dnsperf: DnsperfSummary | undefined;
  let coreDns0: CoreDnsScrape | undefined;
  let coreDns: CoreDnsFigures | undefined;
  // CoreDNS's own counters are a second source, not the measurement: a pod IP the harness (or, through a
  // kubeconfig, the apiserver) cannot reach, as in a vxlan lab, skips them with the reason.
  const coreDnsScrape = () =>
    scrapeCoreDns(ctx.kc, ctx.target).catch((err: unknown) => {
      skipped.push(`skipped: CoreDNS's own metrics: ${err instanceof Error ? err.message : err}`);
      return undefined;
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

  async function runCondition(name: DnsParams['conditions'][number]): Promise<void> {
    const fromMs = Date.now();
    const seconds = params.conditionSeconds * 1000;
    if (name === 'coredns-rollout') {
      await rolloutRestartCoreDns(ctx.kc, ctx.signal);
      events.rollout = { fromMs, toMs: Date.now() };
    }
    if (name === 'coredns-killed') events.kill = await killCoreDns(ctx.kc, lab!.spec.name);
    const from = events.kill && name === 'coredns-killed' ? events.kill.atMs : fromMs;
    await sleepUnlessAborted(Math.max(0, from + seconds - Date.now()), ctx.signal);
    windows.push({ name, fromMs: from, toMs: Date.now() });
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
    for (const c of params.conditions) {
      if (ctx.signal.aborted) break;
      if (!unavailable(c)) await runCondition(c).catch(fail(`condition ${c}`));
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
        coreDns0 = await coreDnsScrape();
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
      dnsperf = await perf;
      const coreDns1 = coreDns0 && (await coreDnsScrape());
      if (coreDns0 && coreDns1) coreDns = coreDnsDelta(coreDns0, coreDns1);
      await snapshotConntrack('after');
    },
    collect(): MeasurementResult {
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
      const of = (name: string) => conditions.find((c) => c.stats.name === name)?.stats;
      const failures = (s?: ConditionStats) => (s ? s.lookups - s.ok : null);
      const delta = conntrackDelta(conntrack);
      // A client that could not keep its schedule sent its lookups late: a short disruption may have gone unseen.
      const starved = conditions
        .map((c) => c.stats)
        .filter((c) => (c.clientLateMaxMs ?? 0) >= maxClientLateMs)
        .map(
          (c) => `${c.name}: the DNS client fell ${c.clientLateMaxMs} ms behind its schedule (CPU-starved)`,
        );
      return {
        name: 'dns',
        definition: `glibc getaddrinfo lookups (AF_UNSPEC: parallel A/AAAA; search path and ndots:5 from the pod's resolv.conf) of Service names from a pod on real node 1, ${params.lookupsPerSecond}/s open-model, attributed by due time to conditions: service-churn (the phases), then ${params.conditions.join(', ') || 'none'} (${params.conditionSeconds} s each; a rollout until it finishes; killed: from the SIGKILL of one CoreDNS process). Outcome: ok; nxdomain = ENOTFOUND for a name that exists; EAI_AGAIN is timeout when it took ≥ the resolver timeout (${header ? header.timeoutMs / 1000 : 5} s), else servfail (a refused query included); a lookup still unanswered at the end is a timeout. Failure rate = not ok / lookups; latencies of every lookup, whatever its outcome. dnsperf: ${params.dnsperfQps ? `${params.dnsperfQps} qps for ${params.dnsperfSeconds} s from the first phase, from real node 2, replaying the search-path queries of the same names` : 'off'}. conntrack -S summed over CPUs per real node, before and after. The conntrack race of parallel A/AAAA is not emulated (this kernel resolves it: clash_resolve).`,
        source:
          "the DNS client's per-lookup lines (scalelab agent dns-client), dnsperf statistics, conntrack -S, CoreDNS's /metrics (:9153) at start and stop",
        units: 'ms; counts; rates 0–1',
        summary: {
          lookups: all.lookups,
          failures: failures(all),
          failureRate: all.failureRate,
          p50Ms: all.p50Ms,
          p99Ms: all.p99Ms,
          timeouts: all.timeout,
          churnFailureRate: of('service-churn')?.failureRate ?? null,
          steadyFailures: failures(of('steady')),
          steadyFailureRate: of('steady')?.failureRate ?? null,
          rolloutFailures: failures(of('coredns-rollout')),
          rolloutFailureRate: of('coredns-rollout')?.failureRate ?? null,
          killedFailures: failures(of('coredns-killed')),
          killedFailureRate: of('coredns-killed')?.failureRate ?? null,
          dnsperfQps: dnsperf?.qps ?? null,
          dnsperfLost: dnsperf?.queriesLost ?? null,
          conntrackInsertFailed: delta.insert_failed ?? null,
          conntrackDrop: delta.drop ?? null,
          conntrackClashResolve: delta.clash_resolve ?? null,
          corednsRequests: coreDns?.requests ?? null,
          corednsServfail: coreDns ? (coreDns.responsesByRcode.SERVFAIL ?? 0) : null,
          corednsP99Ms: coreDns?.p99Ms ?? null,
        },
        details: {
          conditions: conditions.map((c) => c.stats),
          phases: phases.map((w) => stats(w).stats),
          dnsperf: dnsperf ?? null,
          conntrack,
          conntrackRaceEmulated: false,
          events,
          coredns: coreDns ?? null,
        },
        ...(skipped.length ? { skipped } : {}),
        errors: [...errors, ...starved],
      };
    },
  };
}
