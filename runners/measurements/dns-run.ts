/**
 * What the DNS measurement's steps (dns.ts, dns-windows.ts) share: what they were given, what start() set
 * running, and what collect() will read, filled in as the run goes.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { DnsName } from '../../infra/variants/names.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import type { MeasurementContext } from './measurement.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import type { ClientHeader, LookupLine } from '../traffic/dns-lookups.ts';
import type { DnsperfSummary } from '../traffic/dnsperf.ts';
import type { Window } from './dns-conditions.ts';
import type { ConntrackCounters } from './conntrack-stats.ts';
import type { CoreDnsFigures } from './coredns-metrics.ts';
import { conditionUnavailable, type DnsConditionName, type DnsEvents } from './dns-condition-run.ts';
import { scrapeServers, type ServerScrape } from './dns-servers.ts';
import type { NodeSampleSummary, startNodeSampler } from './dns-node-samples.ts';
import type { DnsClient } from './dns-client-pod.ts';

/** One DNS measurement: what it was given and the API client it reads with, what runs, what was found. */
export interface DnsRun {
  readonly ctx: MeasurementContext;
  readonly params: MeasurementParams<'dns'>;
  readonly core: CoreV1Api;
  readonly dnsMode: DnsName;
  /** The real node the client runs on. */
  readonly clientNode: string;
  readonly running: DnsRunning;
  readonly found: DnsGathered;
}

/** What start() set going, for stop() to end and read. */
export interface DnsRunning {
  client?: DnsClient;
  sampler?: ReturnType<typeof startNodeSampler>;
  /** dnsperf's summary once its Job ends; undefined at once when it does not run. */
  perf: Promise<DnsperfSummary | undefined>;
  /** The servers' counters as start() found them. */
  firstScrape?: ServerScrape;
  phaseFromMs: number;
  lastMarkMs: number;
}

/** What collect() reads. */
export interface DnsGathered {
  readonly errors: string[];
  readonly skipped: string[];
  readonly windows: Window[];
  readonly phases: Window[];
  /** The servers' counters at each window's edges, by window (the scrape before it and the one after). */
  readonly edges: Map<string, readonly [ServerScrape, ServerScrape]>;
  readonly conntrack: Record<string, { before: ConntrackCounters; after: ConntrackCounters }>;
  readonly events: DnsEvents;
  parsed?: { header?: ClientHeader; lookups: LookupLine[]; readAtMs: number };
  dnsperf?: DnsperfSummary;
  coreDns?: CoreDnsFigures;
  nodeSamples?: NodeSampleSummary;
}

/** A run not started yet; what cannot be measured on this target is in `skipped` already. */
export function newDnsRun(ctx: MeasurementContext, params: MeasurementParams<'dns'>): DnsRun {
  const run: DnsRun = {
    ctx,
    params,
    core: ctx.kc.makeApiClient(CoreV1Api),
    // Through a kubeconfig, kube-dns is taken to be CoreDNS: a NodeLocal cache in front of it is not detected.
    dnsMode: ctx.state?.spec.dns ?? 'coredns',
    clientNode: ctx.target.nodes[0]?.name ?? '',
    running: { perf: Promise.resolve(undefined), phaseFromMs: 0, lastMarkMs: 0 },
    found: { errors: [], skipped: [], windows: [], phases: [], edges: new Map(), conntrack: {}, events: {} },
  };
  const { skipped } = run.found;
  if (!ctx.state) skipped.push(apiOnlyReason('conntrack -S, conntrack -L and ss on the nodes'));
  for (const c of params.conditions) {
    const why = unavailable(run, c);
    if (why) skipped.push(why);
  }
  return run;
}

/** Why condition `c` cannot run here, or undefined. */
export function unavailable(run: DnsRun, c: DnsConditionName): string | undefined {
  return conditionUnavailable(c, {
    dnsMode: run.dnsMode,
    lab: !!run.ctx.state,
    writesOutsideNamespace: !!run.ctx.target.options.writesOutsideNamespace,
  });
}

/** An error handler that records what failed among the measurement's errors. */
export function fail(run: DnsRun, what: string): (err: unknown) => void {
  return (err) => void run.found.errors.push(`${what}: ${err instanceof Error ? err.message : err}`);
}

/**
 * The servers' own counters now. They are a second source, not the measurement: a pod IP the harness (or,
 * through a kubeconfig, the apiserver) cannot reach, as in a vxlan lab, skips them with the reason (once).
 */
export function scrape(run: DnsRun): Promise<ServerScrape> {
  const { skipped } = run.found;
  return scrapeServers(run.ctx.kc, run.ctx.target, run.dnsMode, (what, err) => {
    const why = `skipped: ${what}: ${err instanceof Error ? err.message : err}`;
    if (!skipped.includes(why)) skipped.push(why);
  });
}
