/**
 * The dns measurement's figures: lookups by condition and DNS mode (with the servers' counters in each),
 * dnsperf, conntrack counters before and after, and what a node-local cache changes, from the measurement's
 * typed details (runners/results/details/dns.ts); results written before a figure existed read it as null.
 */
import type { VariantResult } from '../runners/results/schema.ts';
import { measurementOf, summaryValue } from './figures.ts';
import type { DnsperfSummary } from '../runners/results/details/dns.ts';

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
  for (const c of measurementOf(v, 'dns')?.details?.conditions ?? []) {
    out.push({
      name: c.name,
      dnsMode: c.dnsMode ?? v.variant.dns,
      lookups: c.lookups,
      ok: c.ok ?? 0,
      servfail: c.servfail ?? 0,
      nxdomain: c.nxdomain ?? 0,
      timeout: c.timeout ?? 0,
      otherErrors: c.otherErrors ?? 0,
      failureRate: c.failureRate,
      p50Ms: c.p50Ms ?? null,
      p90Ms: c.p90Ms ?? null,
      p99Ms: c.p99Ms ?? null,
      maxMs: c.maxMs ?? null,
      corednsRequestsPerSecond: c.servers?.corednsRequestsPerSecond ?? null,
      cacheHitRatio: c.servers?.cacheHitRatio ?? null,
    });
  }
  return out;
}

export function dnsperfOf(v: VariantResult): DnsperfSummary | undefined {
  return measurementOf(v, 'dns')?.details?.dnsperf ?? undefined;
}

/** A conntrack -S counter on one node, before and after the DNS measurement. */
export interface ConntrackCounter {
  readonly node: string;
  readonly counter: string;
  readonly before: number | null;
  readonly after: number | null;
}

export function conntrackOf(v: VariantResult): ConntrackCounter[] {
  const out: ConntrackCounter[] = [];
  for (const [node, { before, after }] of Object.entries(measurementOf(v, 'dns')?.details?.conntrack ?? {})) {
    const counters = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const counter of counters)
      out.push({ node, counter, before: before[counter] ?? null, after: after[counter] ?? null });
  }
  return out;
}

/** The DNS failure rate of the lookups due during each phase (details.phases), by phase name. */
export function dnsFailureByPhase(v: VariantResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of measurementOf(v, 'dns')?.details?.phases ?? [])
    if (p.failureRate !== null) out.set(p.name, p.failureRate);
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
