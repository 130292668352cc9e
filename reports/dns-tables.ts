/**
 * The DNS section's tables (first repetition): lookups by condition, what the node-local cache changes (both
 * DNS modes side by side), dnsperf, and the conntrack counters.
 */
import { conntrackOf, dnsCacheFiguresOf, dnsConditions, dnsperfOf } from './dns-figures.ts';
import { formatCount, formatMs, formatNumber, formatRate } from './format.ts';
import { firstCountedRep, variantLabel, type VariantGroup } from './groups.ts';
import type { Table } from './section-types.ts';

export function dnsTables(g: readonly VariantGroup[]): Table[] {
  const tables: Table[] = [];
  const conditions = g.flatMap((v) => {
    const r = firstCountedRep(v);
    return (r ? dnsConditions(r) : []).map((c) => [
      variantLabel(v),
      c.name,
      c.dnsMode,
      formatCount(c.lookups),
      formatCount(c.ok),
      formatCount(c.servfail),
      formatCount(c.nxdomain),
      formatCount(c.timeout),
      formatCount(c.otherErrors),
      formatRate(c.failureRate),
      formatMs(c.p50Ms),
      formatMs(c.p90Ms),
      formatMs(c.p99Ms),
      formatMs(c.maxMs),
      formatNumber(c.corednsRequestsPerSecond),
      formatRate(c.cacheHitRatio),
    ]);
  });
  if (conditions.length)
    tables.push({
      caption: 'DNS lookups by condition (first repetition)',
      head: [
        'variant',
        'condition',
        'DNS mode',
        'lookups',
        'ok',
        'SERVFAIL',
        'NXDOMAIN',
        'timeout',
        'other',
        'failure rate',
        'p50',
        'p90',
        'p99',
        'max',
        'CoreDNS requests/s',
        'cache hit ratio',
      ],
      rows: conditions,
    });
  const cache = g.flatMap((v) => {
    const r = firstCountedRep(v);
    const f = r && dnsCacheFiguresOf(r);
    return f
      ? [
          [
            variantLabel(v),
            f.dnsMode,
            formatNumber(f.corednsRequestsPerSecond),
            formatRate(f.cacheHitRatio),
            formatCount(f.conntrackDnsEntriesP50),
            formatCount(f.conntrackDnsEntriesMax),
            formatCount(f.upstreamTcpConnectionsMax),
          ],
        ]
      : [];
  });
  // Results from before these figures existed have none of them: no table of dashes.
  if (cache.some((row) => row.slice(2).some((x) => x !== '–')))
    tables.push({
      caption:
        "What the node-local cache changes, per variant (first repetition): CoreDNS requests/s over the conditions (behind the caches in nodelocal mode), the caches' hit ratio, conntrack entries for UDP port 53 summed over the real nodes (sampled every 5 s during the load), TCP connections to port 53 from the nodes (the caches' to kube-dns-upstream)",
      head: [
        'variant',
        'DNS mode',
        'CoreDNS requests/s',
        'cache hit ratio',
        'conntrack UDP/53 entries p50',
        'max',
        'TCP to upstream max',
      ],
      rows: cache,
    });
  const dnsperf = g.flatMap((v) => {
    const r = firstCountedRep(v);
    const p = r && dnsperfOf(r);
    return p
      ? [
          [
            variantLabel(v),
            formatCount(p.queriesSent),
            formatCount(p.queriesCompleted),
            formatCount(p.queriesLost),
            formatNumber(p.qps),
            formatMs(p.avgLatencyMs),
          ],
        ]
      : [];
  });
  if (dnsperf.length)
    tables.push({
      caption: 'dnsperf against the cluster DNS (first repetition)',
      head: ['variant', 'queries sent', 'completed', 'lost', 'queries/s', 'average latency'],
      rows: dnsperf,
    });
  const conntrack = g.flatMap((v) => {
    const r = firstCountedRep(v);
    return (r ? conntrackOf(r) : []).map((c) => [
      variantLabel(v),
      c.node,
      c.counter,
      formatCount(c.before),
      formatCount(c.after),
      c.before !== null && c.after !== null ? formatCount(c.after - c.before) : '–',
    ]);
  });
  if (conntrack.length)
    tables.push({
      caption:
        'conntrack -S counters (summed over CPUs) before and after the DNS measurement, per node (first repetition)',
      head: ['variant', 'node', 'counter', 'before', 'after', 'change'],
      rows: conntrack,
    });
  return tables;
}
