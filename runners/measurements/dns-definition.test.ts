import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionStats } from './dns-conditions.ts';
import { dnsSummary, type ConditionResult } from './dns-definition.ts';
import { conditionUnavailable } from './dns-condition-run.ts';
import type { WindowServers } from './dns-servers.ts';

const lookup = (seq: number, outcome: 'ok' | 'timeout' | 'servfail') => ({
  seq,
  startMs: seq,
  latencyMs: outcome === 'timeout' ? 5000 : 1,
  clientLateMs: 0,
  outcome,
  name: 'svc-0',
});
const servers = (core: number, hits: number | null, misses: number | null): WindowServers => ({
  scrapedFromMs: 0,
  scrapedToMs: 10_000,
  corednsRequests: core,
  corednsRequestsPerSecond: core / 10,
  cacheRequests: hits === null ? null : hits + misses!,
  cacheHits: hits,
  cacheMisses: misses,
  cacheHitRatio: null,
  firstHopRequests: core,
});
const window = (name: string, outcomes: ('ok' | 'timeout' | 'servfail')[], s?: WindowServers) => ({
  ...conditionStats(
    { name, fromMs: 0, toMs: 1 },
    'nodelocal',
    outcomes.map((o, i) => lookup(i, o)),
  ),
  ...(s ? { servers: s } : {}),
});

test('the summary: failures per condition, CoreDNS requests/s over the scraped windows, the caches’ hit ratio', () => {
  const conditions: ConditionResult[] = [
    window('steady', ['ok', 'ok'], servers(20, 90, 10)),
    window('coredns-down', ['timeout', 'servfail', 'ok'], servers(0, 30, 0)),
    window('nodelocal-killed', ['servfail', 'ok']),
  ];
  const all = conditionStats({ name: 'all', fromMs: 0, toMs: 0 }, 'nodelocal', []);
  const s = dnsSummary({
    all,
    conditions,
    dnsperf: undefined,
    conntrackDelta: {},
    coredns: undefined,
    nodes: undefined,
  });
  assert.equal(s.downFailures, 2);
  assert.equal(s.nodelocalKilledFailures, 1);
  assert.equal(s.nodelocalKilledFailureRate, 0.5);
  assert.equal(s.killedFailures, null, 'a condition not run is null, not 0');
  assert.equal(s.corednsRequestsPerSecond, 1, '20 requests over 20 s of scraped windows');
  assert.equal(s.cacheHitRatio, 0.9231);
  assert.equal(s.cacheRequests, 130);
  assert.equal(s.conntrackDnsEntriesMax, null);
});

test('which conditions a target or a DNS mode cannot run, with the reason', () => {
  const lab = { dnsMode: 'coredns', lab: true, writesOutsideNamespace: true };
  assert.match(conditionUnavailable('nodelocal-killed', lab)!, /CoreDNS alone/);
  assert.equal(conditionUnavailable('coredns-down', lab), undefined);
  assert.equal(conditionUnavailable('nodelocal-killed', { ...lab, dnsMode: 'nodelocal' }), undefined);
  assert.match(conditionUnavailable('coredns-down', { ...lab, lab: false })!, /kubeconfig run/);
  assert.match(
    conditionUnavailable('coredns-rollout', { ...lab, writesOutsideNamespace: false })!,
    /--allow-cluster-writes/,
  );
});
