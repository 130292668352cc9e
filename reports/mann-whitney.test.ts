import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mannWhitney, smallestP } from './mann-whitney.ts';

describe('mannWhitney', () => {
  test('complete separation of 4 against 4 gives the exact p = 2/70', () => {
    const r = mannWhitney([1, 2, 3, 4], [5, 6, 7, 8]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 0);
    assert.ok(Math.abs(r.p - 2 / 70) < 1e-12);
    assert.deepEqual(mannWhitney([5, 6, 7, 8], [1, 2, 3, 4]).p, r.p, 'two-sided: symmetric');
  });

  test('identical samples are no evidence at all', () => {
    assert.equal(mannWhitney([3, 3, 3], [3, 3, 3]).p, 1);
    assert.equal(mannWhitney([1, 2, 3, 4], [1, 2, 3, 4]).p, 1);
  });

  test('with ties, p is the exact permutation p over midranks (checked by brute force)', () => {
    const samples: [number[], number[]][] = [
      [
        [1, 2, 2, 3],
        [2, 3, 4, 5],
      ],
      [
        [5, 5, 5, 6, 7],
        [5, 6, 6, 8],
      ],
      [
        [10, 10, 12],
        [10, 13, 14, 14, 15],
      ],
    ];
    for (const [a, b] of samples) {
      const r = mannWhitney(a, b);
      assert.ok(Math.abs(r.p - bruteForceP(a, b)) < 1e-12, `${a} vs ${b}: ${r.p} vs ${bruteForceP(a, b)}`);
    }
  });

  test('values in the textbook example: U = 3 for 5 against 5 gives p = 0.0556', () => {
    // Exact two-sided table value for n1 = n2 = 5, U = 3 is 0.0556.
    const r = mannWhitney([1, 2, 3, 5, 7], [4, 6, 8, 9, 10]);
    assert.equal(r.u, 3);
    assert.ok(Math.abs(r.p - 0.0556) < 0.0005, `p = ${r.p}`);
  });

  test('past 60 values the normal approximation agrees with a clear shift', () => {
    const a = Array.from({ length: 40 }, (_, i) => i);
    const b = Array.from({ length: 40 }, (_, i) => i + 20);
    const r = mannWhitney(a, b);
    assert.equal(r.method, 'normal');
    assert.ok(r.p < 0.001, `p = ${r.p}`);
    assert.ok(mannWhitney(a, [...a]).p > 0.9);
  });

  test('the smallest attainable p says when too few repetitions can never show a difference', () => {
    assert.equal(smallestP(1, 1), 1);
    assert.ok(Math.abs(smallestP(3, 3) - 0.1) < 1e-12);
    assert.ok(smallestP(3, 4) > 0.05);
    assert.ok(smallestP(4, 4) < 0.05);
    assert.ok(smallestP(3, 5) < 0.05);
  });
});

/** Every way of splitting the pooled values into groups of the same sizes; p = share at least as extreme. */
function bruteForceP(a: number[], b: number[]): number {
  const all = [...a, ...b];
  const sorted = [...all].sort((x, y) => x - y);
  const rank = (x: number) => {
    const first = sorted.indexOf(x);
    const last = sorted.lastIndexOf(x);
    return (first + last) / 2 + 1;
  };
  const ranks = all.map(rank);
  const mean = (a.length * (all.length + 1)) / 2;
  const observed = Math.abs(ranks.slice(0, a.length).reduce((s, r) => s + r, 0) - mean);
  let extreme = 0;
  let total = 0;
  const pick = (start: number, left: number, sum: number): void => {
    if (left === 0) {
      total++;
      if (Math.abs(sum - mean) >= observed - 1e-9) extreme++;
      return;
    }
    for (let i = start; i <= ranks.length - left; i++) pick(i + 1, left - 1, sum + ranks[i]!);
  };
  pick(0, a.length, 0);
  return extreme / total;
}
