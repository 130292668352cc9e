/**
 * The dns measurement's figures: lookups by condition and DNS mode (with the servers' counters in each),
 * dnsperf, conntrack counters before and after, and what a node-local cache changes. Like figures.ts, each
 * reader checks what it takes from the measurement's details; results written before a figure existed read
 * it as null.
 */
import type { VariantResult } from '../runners/results/schema.ts';
import { measurementOf, summaryValue } from './figures.ts';
import { isObject, listOf, num, str } from './guards.ts';

/** DNS lookups under one condition (service-churn, steady, coredns-rollout, coredns-killed, coredns-down, nodelocal-killed). */
export interface DnsCondition {
  readonly name: string;
  readonly dnsMode: string;
  readonly lookups: number;
  readonly ok: number;
  readonly servfail: number;
  readonly nxdomain: number;
  readonly timeout: number;
  readonly otherErrors: number;
  /** null when the condition had no lookups. */
  readonly failureRate: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** CoreDNS's requests per second in the window (behind the caches in nodelocal mode). */
  readonly corednsRequestsPerSecond: number | null;
  /** The node-local caches' hits / (hits + misses) in the window; null without caches. */
  readonly cacheHitRatio: number | null;
}

export function dnsConditions(v: VariantResult): DnsCondition[] {
  const out: DnsCondition[] = [];
  for (const c of listOf(measurementOf(v, 'dns')?.details, 'conditions')) {
    const name = str(c.name);
    const lookups = num(c.lookups);
    const failureRate = num(c.failureRate);
    if (name === null || lookups === null) continue;
    out.push({
      name,
      dnsMode: str(c.dnsMode) ?? v.variant.dns,
      lookups,
      ok: num(c.ok) ?? 0,
      servfail: num(c.servfail) ?? 0,
      nxdomain: num(c.nxdomain) ?? 0,
      timeout: num(c.timeout) ?? 0,
      otherErrors: num(c.otherErrors) ?? 0,
      failureRate,
      p50Ms: num(c.p50Ms),
      p90Ms: num(c.p90Ms),
      p99Ms: num(c.p99Ms),
      maxMs: num(c.maxMs),
      corednsRequestsPerSecond: isObject(c.servers) ? num(c.servers.corednsRequestsPerSecond) : null,
      cacheHitRatio: isObject(c.servers) ? num(c.servers.cacheHitRatio) : null,
    });
  }
  return out;
}

export interface Dnsperf {
  readonly queriesSent: number | null;
  readonly queriesCompleted: number | null;
  readonly queriesLost: number | null;
  readonly qps: number | null;
  readonly avgLatencyMs: number | null;
}

export function dnsperfOf(v: VariantResult): Dnsperf | undefined {
  const d = measurementOf(v, 'dns')?.details;
  const p = isObject(d) && isObject(d.dnsperf) ? d.dnsperf : undefined;
  if (!p) return undefined;
  return {
    queriesSent: num(p.queriesSent),
    queriesCompleted: num(p.queriesCompleted),
    queriesLost: num(p.queriesLost),
    qps: num(p.qps),
    avgLatencyMs: num(p.avgLatencyMs),
  };
}

/** A conntrack -S counter on one node, before and after the DNS measurement. */
export interface ConntrackCounter {
  readonly node: string;
  readonly counter: string;
  readonly before: number | null;
  readonly after: number | null;
}

export function conntrackOf(v: VariantResult): ConntrackCounter[] {
  const d = measurementOf(v, 'dns')?.details;
  const c = isObject(d) && isObject(d.conntrack) ? d.conntrack : undefined;
  const out: ConntrackCounter[] = [];
  for (const [node, v] of Object.entries(c ?? {})) {
    if (!isObject(v)) continue;
    const before = isObject(v.before) ? v.before : {};
    const after = isObject(v.after) ? v.after : {};
    const counters = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const counter of counters)
      out.push({ node, counter, before: num(before[counter]), after: num(after[counter]) });
  }
  return out;
}

/** The DNS failure rate of the lookups due during each phase (details.phases), by phase name. */
export function dnsFailureByPhase(v: VariantResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of listOf(measurementOf(v, 'dns')?.details, 'phases')) {
    const name = str(p.name);
    const rate = num(p.failureRate);
    if (name !== null && rate !== null) out.set(name, rate);
  }
  return out;
}

/** What a node-local cache changes, for one variant: the figures of its summary (null where not measured). */
export interface DnsCacheFigures {
  readonly dnsMode: string;
  readonly corednsRequestsPerSecond: number | null;
  readonly cacheHitRatio: number | null;
  readonly conntrackDnsEntriesP50: number | null;
  readonly conntrackDnsEntriesMax: number | null;
  readonly upstreamTcpConnectionsMax: number | null;
}

export function dnsCacheFiguresOf(v: VariantResult): DnsCacheFigures | undefined {
  if (!measurementOf(v, 'dns')) return undefined;
  const f = (key: string) => summaryValue(v, 'dns', key);
  return {
    dnsMode: v.variant.dns,
    corednsRequestsPerSecond: f('corednsRequestsPerSecond'),
    cacheHitRatio: f('cacheHitRatio'),
    conntrackDnsEntriesP50: f('conntrackDnsEntriesP50'),
    conntrackDnsEntriesMax: f('conntrackDnsEntriesMax'),
    upstreamTcpConnectionsMax: f('upstreamTcpConnectionsMax'),
  };
}
