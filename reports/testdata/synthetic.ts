/**
 * Test input built from a real results file (docs/results): the measurements not in the shipped examples yet
 * (connectionLatency per size and during churn, dns with conditions and the servers' counters in each, dnsperf,
 * conntrack, the node-local cache's figures), NodeLocal DNSCache variants, every variant state (passed, SLO failed, invalid, failed), and hostile strings in every place a
 * user string can reach the page: the scenario name and text, a phase name, a variant id, validity reasons.
 */
import { readFileSync } from 'node:fs';
import type { RunResults, VariantResult } from '../../runners/results/schema.ts';
import { upgradeResults } from '../../runners/results/upgrade.ts';

export const exampleFile = new URL('../../docs/results/quick-2026-11-25T14-35-39-915Z.json', import.meta.url);

export const hostile = '<script>alert(1)</script>';
export const hostileId = 'direct.iptables-nft.coredns"><img src=x onerror=alert(2)>';
export const hostilePhase = '<script>alert("phase")</script>';

/** The shipped example as a reader sees it: upgraded to the current results version. */
export function exampleResults(): RunResults {
  return upgradeResults(JSON.parse(readFileSync(exampleFile, 'utf8'))) as RunResults;
}

const sizes = [300, 1000, 2500, 5000];

export function syntheticResults(): RunResults {
  const r = exampleResults() as { -readonly [K in keyof RunResults]: RunResults[K] };
  const scenario = {
    ...r.manifest.scenario,
    name: hostile,
    text: `name: ${hostile}\ndescription: ${hostile}\n`,
  };
  (r as { manifest: unknown }).manifest = { ...r.manifest, scenario };
  const nodelocal = r.variants
    .filter((v) => v.variant.podNetwork === 'direct')
    .map((v) => ({
      ...structuredClone(v),
      id: v.id.replace('coredns', 'nodelocal'),
      variant: { ...v.variant, dns: 'nodelocal' as const },
    }));
  const variants = [...r.variants, ...nodelocal].map((v, i) => withNewMeasurements(structuredClone(v), i));
  variants[0] = { ...variants[0]!, id: hostileId };
  const phases = variants[0]!.phases;
  phases[0] = { ...phases[0]!, name: hostilePhase };
  setStatus(variants, 'vxlan.nftables.coredns', 'invalid', (v) => {
    v.validity = { valid: false, reasons: ['the harness itself used 0.95 cores on average <b>bold</b>'] };
  });
  setStatus(variants, 'direct.nftables.coredns', 'slo-failed', (v) => {
    v.slos = v.slos.map((s) =>
      s.name === 'networkProgrammingP99Ms' ? { ...s, valueMs: 31_000, passed: false } : s,
    );
  });
  setStatus(variants, 'bgp.iptables-nft.coredns', 'failed', (v) => {
    (v.errors as string[]).push('kube-proxy exited: <stderr tail>');
  });
  r.variants = variants;
  return r as RunResults;
}

function setStatus(
  variants: VariantResult[],
  id: string,
  status: VariantResult['status'],
  change: (v: VariantResult) => void,
): void {
  const v = variants.find((x) => x.id === id);
  if (!v) throw new Error(`synthetic results: no variant ${id}`);
  v.status = status;
  change(v);
}

/** connectionLatency with bySize and churn, and a dns measurement, shaped as the measurements write them. */
function withNewMeasurements(v: VariantResult, i: number): VariantResult {
  const nft = v.variant.proxyMode === 'nftables';
  const local = v.variant.dns === 'nodelocal';
  const connect = v.measurements.find((m) => m.name === 'connectionLatency');
  if (connect) {
    const bySize = sizes.map((services, k) => {
      const p50 = 0.18 + (nft ? 0.002 : 0.03) * (services / 1000) + i * 0.001;
      return {
        phase: k === 0 ? hostilePhase : `to-${services}`,
        services,
        connectP50Ms: p50,
        connectP90Ms: p50 * 1.6,
        connectP99Ms: p50 * 3,
        connectMaxMs: p50 * 20,
        firstByteP50Ms: 0.07,
        firstByteP90Ms: 0.2,
        firstByteP99Ms: 1.1,
        requests: 20_000 + k,
        errors: 0,
      };
    });
    Object.assign(connect, {
      summary: { ...connect.summary, vegetaP50Ms: 0.21, vegetaP99Ms: 0.9, agentMinusVegetaP50Ms: -0.02 },
      details: {
        ...(connect.details as object),
        bySize,
        churn: {
          requests: 9000,
          errors: 3,
          errorRate: 3 / 9000,
          removedBackendHits: 2,
          lastRemovedBackendHitMs: 840,
        },
      },
    });
  }
  const names = ['steady', 'coredns-rollout', 'coredns-killed', 'service-churn', 'coredns-down'];
  // The cache's own failure mode: a condition only nodelocal variants have.
  if (local) names.push('nodelocal-killed');
  const conditions = names.map((name, k) => {
    const failureRate = local ? [0, 0, 0, 0, 0.02, 0.4][k]! : [0, 0.004, 0.03, 0.001, 0.8][k]!;
    return {
      name,
      dnsMode: v.variant.dns,
      lookups: 4000,
      ok: Math.round(4000 * (1 - failureRate)),
      servfail: Math.round(4000 * failureRate * 0.5),
      nxdomain: 0,
      timeout: Math.round(4000 * failureRate * 0.5),
      otherErrors: 0,
      failureRate,
      p50Ms: local ? 0.3 : 0.9,
      p90Ms: local ? 0.5 : 2,
      p99Ms: local ? 1.2 : [5, 40, 5000, 9, 9000][k]!,
      maxMs: 5000,
      servers: {
        scrapedFromMs: 0,
        scrapedToMs: 10_000,
        corednsRequests: local ? 30 : 8000,
        corednsRequestsPerSecond: local ? 3 : 800,
        cacheRequests: local ? 8000 : null,
        cacheHits: local ? 7970 : null,
        cacheMisses: local ? 30 : null,
        cacheHitRatio: local ? 0.9963 : null,
        firstHopRequests: 8000,
      },
      okBeforeScrape: 3990,
    };
  });
  const counters = (insertFailed: number) => ({
    found: 10,
    invalid: 2,
    insert_failed: insertFailed,
    drop: 0,
    early_drop: 0,
    error: 0,
  });
  v.measurements.push({
    name: 'dns',
    definition: 'per-lookup latency and outcome from glibc clients in pods',
    source: 'dns-client pods, dnsperf, conntrack -S',
    units: 'ms, counts',
    summary: {
      lookups: 16_000,
      failures: local ? 0 : 140,
      failureRate: local ? 0 : 0.00875,
      p50Ms: local ? 0.3 : 0.9,
      p99Ms: local ? 1.2 : 900,
      steadyFailureRate: local ? 0 : 0.0005,
      killedFailureRate: local ? 0 : 0.03,
      downFailureRate: local ? 0.02 : 0.8,
      nodelocalKilledFailureRate: local ? 0.4 : null,
      corednsRequestsPerSecond: local ? 3 : 800,
      cacheHitRatio: local ? 0.9963 : null,
      conntrackDnsEntriesP50: local ? 0 : 11_000,
      conntrackDnsEntriesMax: local ? 2 : 12_400,
      upstreamTcpConnectionsMax: local ? 2 : 0,
    },
    details: {
      conditions,
      phases: v.phases.map((p, k) => ({
        name: p.name,
        lookups: 1000,
        failureRate: local ? 0 : 0.002 * (k + 1),
      })),
      dnsperf: {
        queriesSent: 50_000,
        queriesCompleted: 49_990,
        queriesLost: 10,
        qps: 4999,
        avgLatencyMs: 0.6,
      },
      conntrack: { 'real-node-1': { before: counters(0), after: counters(local ? 0 : 12) } },
    },
    errors: [],
  });
  return v;
}
