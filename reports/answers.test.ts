import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { answers } from './answers.ts';
import { groupRuns } from './groups.ts';
import { exampleResults, syntheticResults } from './testdata/synthetic.ts';
import type { RunResults } from '../runners/results/schema.ts';

/** n runs of the example where nftables is faster by `factor` on every proxy figure. */
function runs(n: number, factor: number): RunResults[] {
  return Array.from({ length: n }, (_, i) => {
    const r = exampleResults();
    for (const v of r.variants)
      for (const m of v.measurements) {
        const s = m.summary as Record<string, number>;
        for (const key of ['syncP50Ms', 'kubeProxyP99Ms', 'probeAddP50Ms', 'connectP50Ms'])
          if (key in s) s[key] = (100 + i) * (v.variant.proxyMode === 'nftables' ? factor : 1);
      }
    return r;
  });
}

const answer = (rs: RunResults[], question: string) =>
  answers(groupRuns(rs)[0]!).find((a) => a.question === question)!;

describe('answers', () => {
  test('one run per variant: too close to call, whatever the medians', () => {
    const a = answer(runs(1, 0.5), 'Which proxy mode?');
    assert.equal(a.lead, 'Too close to call with 3 runs per mode; nftables is lower on every figure so far.');
    assert.match(a.detail, /rule sync p50: nftables 50 ms, iptables-nft 100 ms/);
    assert.match(a.detail, /the test needs at least 4 against 4/);
    assert.match(a.detail, /ipvs was skipped \(see the verdicts\)/);
  });

  test('enough repetitions and a clear difference: the answer names the mode', () => {
    const a = answer(runs(2, 0.5), 'Which proxy mode?');
    assert.equal(a.lead, 'nftables: lower on every figure, beyond run-to-run noise on 4 of 4.');
    assert.match(a.detail, /Beyond noise \(Mann–Whitney, p < 0.05\): rule sync p50 \(p = /);
  });

  test('enough repetitions and no difference: no difference beyond noise', () => {
    const a = answer(runs(2, 1), 'Which proxy mode?');
    assert.match(a.lead, /^No difference beyond run-to-run noise/);
  });

  test('scale and SLOs, and a question the run cannot answer', () => {
    assert.equal(answer([exampleResults()], 'At this scale?').lead, 'All 6 valid variants met all 2 SLOs.');
    assert.match(
      answer([exampleResults()], 'At this scale?').detail,
      /^200 fake nodes and 2 real nodes, 300 Services × 5 endpoints at most/,
    );
    assert.equal(
      answer([exampleResults()], 'Does the node-local DNS cache pay off?').lead,
      'Not answered here.',
    );
  });

  test('invalid, failed and SLO-failed variants are named in the scale answer', () => {
    const a = answer([syntheticResults()], 'At this scale?');
    assert.equal(a.lead, '1 of 6 valid variants failed an SLO; 2 not judged (invalid or failed).');
    assert.match(a.detail, /direct\.nftables\.coredns failed networkProgrammingP99Ms \(31 s > 30 s\)/);
    assert.match(a.detail, /vxlan\.nftables\.coredns is invalid and not judged \(self-audit: the harness/);
    assert.match(a.detail, /bgp\.iptables-nft\.coredns failed \(kube-proxy exited/);
  });
});
