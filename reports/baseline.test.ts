import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSamples, compareWithBaseline } from './baseline.ts';
import { groupRuns } from './groups.ts';
import { exampleResults } from './testdata/synthetic.ts';
import type { RunResults } from '../runners/results/schema.ts';

describe('compareSamples (lower is better)', () => {
  const cases: [string, number[], number[], string][] = [
    ['one run each: the honest answer', [100], [150], 'not enough repetitions to judge'],
    ['three each cannot reach p < 0.05', [100, 101, 102], [150, 151, 152], 'not enough repetitions to judge'],
    ['clearly slower over 5 runs', [100, 102, 98, 101, 99], [130, 128, 135, 131, 129], 'regression'],
    ['clearly faster over 5 runs', [100, 102, 98, 101, 99], [70, 72, 68, 71, 69], 'improvement'],
    ['overlapping runs', [100, 120, 90, 110, 105], [104, 95, 118, 101, 112], 'no change'],
    ['no data on one side', [], [1, 2, 3], 'no data'],
  ];
  for (const [name, baseline, current, verdict] of cases)
    test(name, () => assert.equal(compareSamples(baseline, current).verdict, verdict));

  test('reports the change of the medians and the p-value when judged', () => {
    const c = compareSamples([100, 102, 98, 101, 99], [130, 128, 135, 131, 129]);
    assert.ok(Math.abs(c.change! - 0.3) < 1e-9);
    assert.ok(c.p! < 0.05);
  });
});

/** n repetitions of the example run, one figure scaled by `factor`, the variant marked invalid if asked. */
function reps(n: number, factor: number, invalid = false): RunResults[] {
  return Array.from({ length: n }, (_, i) => {
    const r = exampleResults();
    for (const v of r.variants) {
      const m = v.measurements.find((x) => x.name === 'ruleSync')!;
      (m.summary as Record<string, number>).syncP50Ms = 50 * factor + i;
      if (invalid) {
        v.status = 'invalid';
        v.validity = { valid: false, reasons: ['fake nodes fell behind'] };
      }
    }
    return r;
  });
}

describe('compareWithBaseline', () => {
  test('a slower figure over 5 repetitions each is a regression; the untouched ones are not', () => {
    const [current] = groupRuns(reps(5, 2));
    const [baseline] = groupRuns(reps(5, 1));
    const c = compareWithBaseline(current!, baseline!);
    const sync = c.variants[0]!.figures.find((f) => f.figure.key === 'syncP50Ms')!;
    assert.equal(sync.verdict, 'regression');
    assert.equal(sync.currentN, 5);
    const others = c.variants[0]!.figures.filter((f) => f.figure.key !== 'syncP50Ms');
    assert.ok(
      others.every((f) => f.verdict === 'no change'),
      'identical repetitions are no change',
    );
  });

  test('invalid runs are never a regression: the variant is not judged', () => {
    const [current] = groupRuns(reps(5, 2, true));
    const [baseline] = groupRuns(reps(5, 1));
    const c = compareWithBaseline(current!, baseline!);
    assert.match(c.variants[0]!.notJudged!, /no repetition of this run is valid \(fake nodes fell behind\)/);
    assert.ok(c.variants[0]!.figures.every((f) => f.verdict === 'not judged'));
  });

  test('an invalid baseline is not judged either, and a variant missing from it says so', () => {
    const [current] = groupRuns(reps(5, 1));
    const base = reps(5, 1, true);
    for (const r of base) r.variants.splice(1, 1);
    const c = compareWithBaseline(current!, groupRuns(base)[0]!);
    assert.match(c.variants[0]!.notJudged!, /no repetition of the baseline is valid/);
    assert.equal(c.variants[1]!.notJudged, 'not in the baseline');
  });
});
