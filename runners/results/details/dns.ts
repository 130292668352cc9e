/** The dns measurement's details: lookups by condition and by phase, the servers' counters, dnsperf, conntrack. */
import { boolean, number, optional, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { anyJson, list, nullable, openObject, record } from '../../../scenarios/schema-kit-results.ts';

const count = number({ min: 0 });
const ms = optional(nullable(number({ min: 0, unit: 'ms' })));

/** The servers' counters over one condition's window (scraped at its edges). */
const windowServers = openObject({
  corednsRequestsPerSecond: nullable(number({ min: 0 })),
  cacheHitRatio: nullable(number({ min: 0, max: 1 })),
});

/** The lookups due in one window (a condition, or a phase). */
export const dnsWindowStats = openObject({
  name: string(),
  /** Absent in files from before node-local caches: the variant's DNS value. */
  dnsMode: optional(string()),
  lookups: count,
  ok: optional(count),
  servfail: optional(count),
  nxdomain: optional(count),
  timeout: optional(count),
  otherErrors: optional(count),
  failureRate: nullable(number({ min: 0, max: 1 })),
  p50Ms: ms,
  p90Ms: ms,
  p99Ms: ms,
  maxMs: ms,
  servers: optional(windowServers),
});

export const dnsperfSummary = openObject({
  queriesSent: nullable(count),
  queriesCompleted: nullable(count),
  queriesLost: nullable(count),
  qps: nullable(number({ min: 0 })),
  avgLatencyMs: nullable(number({ min: 0 })),
});

export const dnsDetails = openObject({
  /** The variant's DNS value the lookups went through (absent in the oldest files). */
  dnsMode: optional(string()),
  conditions: list(dnsWindowStats),
  phases: optional(list(dnsWindowStats)),
  dnsperf: optional(nullable(dnsperfSummary)),
  /** conntrack -S counters of each real node before and after, by node. */
  conntrack: optional(record(openObject({ before: record(number()), after: record(number()) }))),
  /** Whether the conntrack insert race was emulated (never, so far: the kernel's own behaviour is measured). */
  conntrackRaceEmulated: optional(boolean()),
  nodeSamples: optional(anyJson('conntrack entries and upstream TCP connections sampled on each node')),
  events: optional(anyJson('when each condition began and ended, and what it did')),
  coredns: optional(anyJson("CoreDNS's own figures")),
});

export type DnsWindowStats = Infer<typeof dnsWindowStats>;
export type DnsDetails = Infer<typeof dnsDetails>;
export type DnsperfSummary = Infer<typeof dnsperfSummary>;
