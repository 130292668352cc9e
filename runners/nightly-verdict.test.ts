import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nightlyExitCodes, nightlyVerdict } from './nightly-verdict.ts';
import { exampleResults } from '../reports/testdata/synthetic.ts';
import type { HeadroomResult, RunResults } from './results/schema.ts';

/** n repetitions of the example run with ruleSync's p50 scaled by `factor` (small spread, as real runs have). */
function reps(n: number, factor: number): RunResults[] {
  return Array.from({ length: n }, (_, i) => {
    const r = exampleResults();
    for (const v of r.variants) {
      const m = v.measurements.find((x) => x.name === 'ruleSync')!;
      (m.summary as Record<string, number>).syncP50Ms = 50 * factor + i;
    }
    return r;
  });
}

/** n repetitions whose every variant ran a headroom search that held up to `knee` changes per second. */
function headroomReps(n: number, knee: number): RunResults[] {
  return reps(n, 1).map((r, i) => {
    for (const v of r.variants) {
      const h: HeadroomResult = {
        vary: 'churnRate',
        unit: 'changes per second',
        max: 200,
        slos: ['apiMutatingP99Ms'],
        steps: [],
        knee: {
          stop: 'slo-broke',
          lastPassing: knee + i,
          firstFailing: knee + i + 15,
          broken: [],
          summary: 'synthetic',
        },
      };
      v.headroom = h;
      // The last passing step's figures move with the knee; they must not be judged night to night.
      const m = v.measurements.find((x) => x.name === 'ruleSync')!;
      (m.summary as Record<string, number>).syncP50Ms = knee * 10 + i;
    }
    return r;
  });
}

const exitOf = (current: RunResults[], baseline: RunResults[]) =>
  nightlyExitCodes[nightlyVerdict(current, baseline).status];

describe('nightlyVerdict', () => {
  test('a clear slowdown over 5 repetitions each is a regression: exit 4, the figure named', () => {
    const v = nightlyVerdict(reps(5, 1.5), reps(5, 1));
    assert.equal(v.status, 'regression');
    assert.equal(nightlyExitCodes[v.status], 4);
    assert.ok(
      v.lines.some((l) =>
        /^regression: direct.iptables-nft.coredns sync p50: median 52 → 77 \(\+48\.1%\), p = 0.00794/.test(l),
      ),
      v.lines.join('\n'),
    );
  });
  test('the same figures: no change, exit 0', () => assert.equal(exitOf(reps(5, 1), reps(5, 1)), 0));
  test('a faster run is an improvement, exit 0', () => assert.equal(exitOf(reps(5, 0.5), reps(5, 1)), 0));
  test('one run against one: "not enough repetitions", never a regression, whatever the medians', () => {
    const v = nightlyVerdict(reps(1, 3), reps(1, 1));
    assert.equal(v.status, 'ok');
    assert.match(v.lines.at(-1)!, /not enough repetitions to judge/);
  });
  test('the first night has no baseline: exit 0, said so', () => {
    const v = nightlyVerdict(reps(1, 1), []);
    assert.equal(v.status, 'ok');
    assert.match(v.lines.join('\n'), /no baseline/);
  });
  test('a failed variant is exit 1, before any regression', () => {
    const current = reps(5, 1.5);
    current[0]!.variants[0]!.status = 'failed';
    (current[0]!.variants[0]!.errors as string[]).push('kube-proxy exited');
    const v = nightlyVerdict(current, reps(5, 1));
    assert.equal(nightlyExitCodes[v.status], 1);
    assert.match(v.lines[0]!, /failed: kube-proxy exited/);
  });
  test('every variant invalid: "not judged", exit 5, never ok (so never the baseline)', () => {
    const current = reps(1, 1);
    for (const v of current[0]!.variants) {
      v.status = 'invalid';
      v.validity = { valid: false, reasons: ['the harness itself used 0.95 cores on average'] };
    }
    const v = nightlyVerdict(current, reps(1, 1));
    assert.equal(v.status, 'not-judged');
    assert.equal(nightlyExitCodes[v.status], 5);
    assert.match(v.lines.join('\n'), /not judged: direct\.iptables-nft\.coredns invalid: the harness itself/);
  });
  test('one variant invalid among passed ones: still not judged, also on the first night', () => {
    const current = reps(1, 1);
    current[0]!.variants[1]!.status = 'invalid';
    assert.equal(nightlyVerdict(current, []).status, 'not-judged');
  });
  test('a run that measured nothing (no variant ran) is not judged', () => {
    const current = reps(1, 1);
    (current[0] as { variants: RunResults['variants'] }).variants = [];
    assert.equal(nightlyVerdict(current, reps(1, 1)).status, 'not-judged');
  });
  test('a failed variant beside invalid ones is a failure (exit 1), not merely not judged', () => {
    const current = reps(1, 1);
    current[0]!.variants[0]!.status = 'failed';
    current[0]!.variants[1]!.status = 'invalid';
    assert.equal(exitOf(current, reps(1, 1)), 1);
  });
  test('an SLO failed without a regression: exit 3', () => {
    const current = reps(1, 1);
    current[0]!.variants[0]!.status = 'slo-failed';
    assert.equal(exitOf(current, reps(1, 1)), 3);
  });
  test('a headroom knee that fell over 5 repetitions is a regression', () => {
    const v = nightlyVerdict(headroomReps(5, 35), headroomReps(5, 65));
    assert.equal(v.status, 'regression');
    assert.ok(
      v.lines.some((l) => /headroom knee: median 67 → 37/.test(l)),
      v.lines.join('\n'),
    );
  });
  test("a knee that rose is not a regression, though its last step's figures are higher", () =>
    assert.equal(exitOf(headroomReps(5, 65), headroomReps(5, 35)), 0));
});
