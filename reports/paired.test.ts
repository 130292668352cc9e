import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleResults } from './testdata/synthetic.ts';
import { pairedComparisons, roundFigures } from './paired.ts';
import { answers } from './answers.ts';
import { groupRuns } from './groups.ts';
import { measurementOf } from './figures.ts';
import type { RunResults, VariantResult } from '../runners/results/schema.ts';

/**
 * The example run's two direct variants made side by side on one lab, with `rounds` rounds of a phase: node by
 * node, nftables syncs `syncs[r]` ms slower than iptables in round r; connect times equal but for noise.
 */
function sideBySide(extraSyncMs: readonly number[]): RunResults {
  const r = exampleResults();
  const [ipt, nft] = ['direct.iptables-nft.coredns', 'direct.nftables.coredns'].map((id) =>
    r.variants.find((v) => v.id === id)!,
  ) as [VariantResult, VariantResult];
  const rounds = extraSyncMs.map((_, i) => `churn-r${i + 1}`);
  for (const [k, v] of [ipt, nft].entries()) {
    v.sideBySide = { lab: 1, with: [k ? ipt.id : nft.id], nodes: [`real-node-${2 * k + 1}`] };
    v.phases = rounds.map((name, i) => ({
      name,
      churn: [],
      holdSeconds: 10,
      seconds: 10,
      round: { of: 'churn', round: i + 1 },
    }));
    measurementOf(v, 'ruleSync')!.details!.phases = rounds.map((phase, i) => ({
      phase,
      p50Ms: 20 + (i % 3) + (k ? extraSyncMs[i]! : 0),
    }));
  }
  r.variants = [ipt, nft];
  return r;
}

test('per-round differences of variants side by side: signed-rank and Hodges–Lehmann over them', () => {
  // Hollander & Wolfe's depression data (before − after) as the extra sync time: V = 40 of n = 9, two-sided p = 20/512.
  const before = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const after = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const extra = before.map((x, i) => Math.round((x - after[i]!) * 1000) / 1000);
  const [c] = pairedComparisons(
    [sideBySide(extra)],
    (v) => v.proxyMode,
    (a, b) => a.podNetwork === b.podNetwork && a.dns === b.dns,
    [roundFigures.ruleSyncP50],
  );
  assert.ok(c);
  assert.equal(c.a, 'iptables');
  assert.equal(c.b, 'nftables');
  assert.equal(c.diffs.length, 9);
  assert.equal(c.test.tPlus, 40);
  assert.equal(c.test.p, 20 / 512);
  assert.ok(Math.abs(c.interval.estimate - 0.46) < 0.001, String(c.interval.estimate));
});

test('the page answers the proxy mode from the rounds, naming the winner, the difference, its interval and the rounds', () => {
  const [group] = groupRuns([sideBySide([3, 4, 5, 3.5, 4.5, 5.5, 4, 3, 5, 4])]);
  const proxy = answers(group!).find((a) => a.question === 'Which proxy mode?')!;
  assert.match(
    proxy.lead,
    /^iptables-nft: lower side by side on 1 of 1 comparisons, beyond the rounds' noise, and higher on none\./,
  );
  assert.match(
    proxy.detail,
    /rule sync p50: nftables − iptables-nft = \+4 ms \(95% interval \+3\.5 ms to \+4\.75 ms; signed-rank p = 0\.0020; 10 rounds side by side\)/,
  );
  assert.doesNotMatch(proxy.lead, /too close to call/i);
  // One lab's rounds: the page says their interval is not the spread between runs.
  assert.match(proxy.detail, /The interval holds the noise between this lab’s rounds, not between runs/);
});

test('rounds from two labs are paired across them, and the one-lab caveat is not said', () => {
  const [group] = groupRuns([sideBySide([3, 4, 5, 3.5, 4.5]), sideBySide([4, 5, 3, 4.5, 3.5])]);
  const proxy = answers(group!).find((a) => a.question === 'Which proxy mode?')!;
  assert.match(proxy.detail, /each lab: \+4 ms, \+4 ms; 10 rounds side by side in 2 labs/);
  assert.match(proxy.detail, /the interval resamples the labs, then the rounds within each/);
  assert.doesNotMatch(proxy.detail, /not between runs/);
  assert.doesNotMatch(proxy.detail, /signed-rank p/);
  assert.match(proxy.lead, /beyond the spread between labs and rounds/);
});

test('no difference is said only when every interval contains zero', () => {
  const [group] = groupRuns([sideBySide([1, -1, 0.5, -0.5, 0.2, -0.2, 0.1, -0.1])]);
  const proxy = answers(group!).find((a) => a.question === 'Which proxy mode?')!;
  assert.match(proxy.lead, /^No difference between the modes side by side: every interval contains zero/);
});

test('a round in which one variant’s dataplane agent held half a core is said beside the answer', () => {
  const r = sideBySide([3, 4, 5, 3.5, 4.5, 5.5, 4, 3, 5, 4]);
  const nft = r.variants[1]!;
  measurementOf(nft, 'controlPlane')!.details!.byPhase = [
    { phase: 'churn-r2', rssMiB: {}, cpuCores: { 'kube-proxy-3': 0.93, 'node-agent-3': 0.9 } },
    { phase: 'churn-r3', rssMiB: {}, cpuCores: { 'kube-proxy-3': 0.2 } },
  ];
  const [group] = groupRuns([r]);
  const proxy = answers(group!).find((a) => a.question === 'Which proxy mode?')!;
  assert.match(
    proxy.detail,
    /A dataplane agent held 0\.5 of a core or more in 1 round \(churn-r2: kube-proxy-3 \(direct\.nftables\.coredns\) 0\.93 cores\)/,
  );
});

test('where no agent held half a core in a round, the answer says so and names the busiest', () => {
  const r = sideBySide([3, 4, 5, 3.5, 4.5, 5.5, 4, 3, 5, 4]);
  measurementOf(r.variants[1]!, 'controlPlane')!.details!.byPhase = [
    { phase: 'churn-r2', rssMiB: {}, cpuCores: { 'kube-proxy-3': 0.24, 'node-agent-3': 0.9 } },
    { phase: 'churn-r3', rssMiB: {}, cpuCores: { 'kube-proxy-3': 0.2 } },
  ];
  const [group] = groupRuns([r]);
  const proxy = answers(group!).find((a) => a.question === 'Which proxy mode?')!;
  assert.match(
    proxy.detail,
    /No dataplane agent held 0\.5 of a core through any round side by side \(the busiest, rule loads included: churn-r2: kube-proxy-3 \(direct\.nftables\.coredns\) 0\.24 cores\)\./,
  );
});
