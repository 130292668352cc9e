/**
 * The DNS measurement's header (definition, source, units: the report quotes them) and its summary, built
 * from the conditions' figures. Pure, so the summary's arithmetic is tested without a lab.
 */
import type { MeasurementParams } from '../../scenarios/schema.ts';
import type { ConditionStats } from './dns-conditions.ts';
import type { WindowServers } from './dns-servers.ts';
import type { NodeSampleSummary } from './dns-node-samples.ts';
import type { CoreDnsFigures } from './coredns-metrics.ts';
import type { ConntrackCounters } from './conntrack-stats.ts';
import type { DnsperfSummary } from '../traffic/dnsperf.ts';

/** A condition's lookups, and its servers' counters between its edges (absent where not scraped). */
export type ConditionResult = ConditionStats & {
  readonly servers?: WindowServers;
  /** Lookups due in the window that were ok and answered before the window's closing scrape began. */
  readonly okBeforeScrape?: number;
};

export function dnsDefinition(
  p: MeasurementParams<'dns'>,
  timeoutMs: number | undefined,
  mode: string,
): string {
  const dnsperf = p.dnsperfQps
    ? `${p.dnsperfQps} qps for ${p.dnsperfSeconds} s from the first phase, from real node 2, replaying the search-path queries of the same names`
    : 'off';
  return `glibc getaddrinfo lookups (AF_UNSPEC: parallel A/AAAA; search path and ndots:5 from the pod's resolv.conf) of Service names from a pod on real node 1 (DNS mode: ${mode}), ${p.lookupsPerSecond}/s open-model, attributed by due time to conditions: service-churn (the phases), then ${p.conditions.join(', ') || 'none'} (${p.conditionSeconds} s each; a rollout until it finishes; coredns-killed: from the SIGKILL of one CoreDNS process; coredns-down: every CoreDNS process stopped (SIGSTOP) for the whole window, then continued; nodelocal-killed: from the SIGKILL of the node-local cache on node 1). Outcome: ok; nxdomain = ENOTFOUND for a name that exists; EAI_AGAIN is timeout when it took ≥ the resolver timeout (${(timeoutMs ?? 5000) / 1000} s), else servfail (a refused query included); a lookup still unanswered at the end is a timeout. Failure rate = not ok / lookups; latencies of every lookup, whatever its outcome. dnsperf: ${dnsperf}. conntrack -S summed over CPUs per real node, before and after; conntrack -L -p udp --dport 53 entries and established TCP connections to port 53 (ss) per real node, sampled during the load. CoreDNS's (and in nodelocal mode each node cache's) own counters at every window's edges. The conntrack race of parallel A/AAAA is not emulated (this kernel resolves it: clash_resolve).`;
}

export const dnsSource =
  "the DNS client's per-lookup lines (scalelab agent dns-client), dnsperf statistics, conntrack -S and -L, ss, CoreDNS's /metrics (:9153) and the node-local caches' (:9253) at every window's edges";

export function dnsSummary(o: {
  all: ConditionStats;
  conditions: readonly ConditionResult[];
  dnsperf: DnsperfSummary | undefined;
  conntrackDelta: ConntrackCounters;
  coredns: CoreDnsFigures | undefined;
  nodes: NodeSampleSummary | undefined;
}): Record<string, number | null> {
  const of = (name: string) => o.conditions.find((c) => c.name === name);
  const failures = (s?: ConditionStats) => (s ? s.lookups - s.ok : null);
  const servers = o.conditions.map((c) => c.servers).filter((s) => s !== undefined);
  const total = (k: 'corednsRequests' | 'cacheHits' | 'cacheMisses' | 'cacheRequests') => {
    const xs = servers.map((s) => s[k]).filter((x) => x !== null);
    return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
  };
  const scraped = servers.filter((s) => s.corednsRequests !== null);
  const seconds = scraped.reduce((n, s) => n + (s.scrapedToMs - s.scrapedFromMs) / 1000, 0);
  const hits = total('cacheHits');
  const misses = total('cacheMisses');
  const coreRequests = total('corednsRequests');
  return {
    lookups: o.all.lookups,
    failures: failures(o.all),
    failureRate: o.all.failureRate,
    p50Ms: o.all.p50Ms,
    p99Ms: o.all.p99Ms,
    timeouts: o.all.timeout,
    churnFailureRate: of('service-churn')?.failureRate ?? null,
    steadyFailures: failures(of('steady')),
    steadyFailureRate: of('steady')?.failureRate ?? null,
    rolloutFailures: failures(of('coredns-rollout')),
    rolloutFailureRate: of('coredns-rollout')?.failureRate ?? null,
    killedFailures: failures(of('coredns-killed')),
    killedFailureRate: of('coredns-killed')?.failureRate ?? null,
    downFailures: failures(of('coredns-down')),
    downFailureRate: of('coredns-down')?.failureRate ?? null,
    nodelocalKilledFailures: failures(of('nodelocal-killed')),
    nodelocalKilledFailureRate: of('nodelocal-killed')?.failureRate ?? null,
    dnsperfQps: o.dnsperf?.qps ?? null,
    dnsperfLost: o.dnsperf?.queriesLost ?? null,
    conntrackInsertFailed: o.conntrackDelta.insert_failed ?? null,
    conntrackDrop: o.conntrackDelta.drop ?? null,
    conntrackClashResolve: o.conntrackDelta.clash_resolve ?? null,
    conntrackDnsEntriesP50: o.nodes?.udp53EntriesP50 ?? null,
    conntrackDnsEntriesMax: o.nodes?.udp53EntriesMax ?? null,
    upstreamTcpConnectionsMax: o.nodes?.tcp53EstablishedMax ?? null,
    corednsRequests: o.coredns?.requests ?? null,
    corednsRequestsPerSecond:
      coreRequests !== null && seconds > 0 ? Math.round((coreRequests / seconds) * 10) / 10 : null,
    corednsServfail: o.coredns ? (o.coredns.responsesByRcode.SERVFAIL ?? 0) : null,
    corednsP99Ms: o.coredns?.p99Ms ?? null,
    cacheRequests: total('cacheRequests'),
    cacheHitRatio:
      hits !== null && misses !== null && hits + misses > 0
        ? Math.round((hits / (hits + misses)) * 10_000) / 10_000
        : null,
  };
}
