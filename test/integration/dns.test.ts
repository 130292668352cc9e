import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import type { ConditionStats } from '../../runners/measurements/dns-conditions.ts';
import { scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/dns.yaml', import.meta.url));
const lab = 'dnsit';
const rate = 400; // lookupsPerSecond in the fixture

describe('the DNS measurement', { timeout: 600_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('counts the failures of a CoreDNS kill, and none in steady state through CoreDNS', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-dns-'));
    const r = await scalelab(['run', fixture, '--out', out, '--lab', lab]);
    assert.ok([0, 3].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const [file] = readdirSync(out);
    const results = JSON.parse(readFileSync(join(out, file!), 'utf8')) as RunResults;
    const [v] = results.variants;
    const dns = v!.measurements.find((m) => m.name === 'dns')!;
    assert.deepEqual(dns.errors, []);
    const details = dns.details as { conditions: ConditionStats[]; dnsperf: { queriesSent: number } };
    const c = Object.fromEntries(details.conditions.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(c), ['service-churn', 'steady', 'coredns-rollout', 'coredns-killed']);
    for (const x of details.conditions) {
      assert.equal(x.dnsMode, 'coredns');
      const seconds = x.name === 'service-churn' ? 1 : 10;
      assert.ok(
        x.lookups >= seconds * 200 * 0.95,
        `${x.name}: ${x.lookups} lookups in ≥ ${seconds} s at 200/s`,
      );
    }

    // The kill is counted: not zero, and not hidden from the summary.
    const killed = c['coredns-killed']!;
    const killedFailures = killed.lookups - killed.ok;
    assert.ok(killedFailures > 0, `failures while CoreDNS was killed: ${JSON.stringify(killed)}`);
    assert.equal(dns.summary.killedFailures, killedFailures);
    assert.ok((dns.summary.failures ?? 0) >= killedFailures);
    assert.ok((dns.summary.failureRate ?? 0) > 0);
    // Every lookup is accounted for by an outcome.
    const k = killed;
    assert.equal(k.ok + k.servfail + k.nxdomain + k.timeout + k.otherErrors, k.lookups);

    // Steady state through CoreDNS (NodeLocal DNSCache cannot be built here): no failure at all.
    assert.equal(c.steady!.lookups - c.steady!.ok, 0, JSON.stringify(c.steady));
    assert.equal(dns.summary.steadyFailures, 0);
    assert.equal(dns.summary.steadyFailureRate, 0);
    // No unexpected NXDOMAIN anywhere: the names looked up exist for the whole run.
    for (const x of details.conditions) assert.equal(x.nxdomain, 0, x.name);

    assert.ok(details.dnsperf.queriesSent > 1000, 'dnsperf ran');
    const conntrack = (dns.details as { conntrack: Record<string, { before: object; after: object }> })
      .conntrack;
    assert.deepEqual(Object.keys(conntrack).sort(), ['real-node-1', 'real-node-2']);
    assert.ok('clash_resolve' in conntrack['real-node-1']!.after);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
      'the run takes its lab down',
    );
  });
});
