import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binomialHalfCdf, lowerRank, medianInterval } from './median-interval.ts';

/** P(B ≤ j), B ~ Binomial(n, ½), counted exactly with BigInt: the reference the float sums are checked against. */
function exactCdf(n: number, j: number): number {
  let c = 1n;
  let sum = 0n;
  for (let i = 0; i <= j; i++) {
    sum += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  return Number((sum * 10n ** 15n) / 2n ** BigInt(n)) / 1e15;
}

test("the textbook ranks: n = 20 at 95% is [d(6), d(15)] with coverage 0.9586 (Conover's and Hollander & Wolfe's tables)", () => {
  // P(B ≤ 5) = 21,700 / 1,048,576 = 0.020695 ≤ 0.025 < P(B ≤ 6) = 60,460 / 1,048,576 = 0.057659
  assert.ok(Math.abs(exactCdf(20, 5) - 21700 / 1048576) < 1e-14);
  assert.equal(lowerRank(20, 0.95), 6);
  // Twenty differences (made up for the test): the interval is their 6th and 15th smallest.
  const diffs = [
    -0.3, 1.6, 0.7, -0.2, 2.3, 0.9, 1.1, -0.5, 0.4, 1.8, 0.2, 1.3, 0.6, 2.9, -0.1, 1.0, 0.8, 1.5, 0.3, 1.2,
  ];
  const r = medianInterval(diffs)!;
  const sorted = [...diffs].sort((a, b) => a - b);
  assert.deepEqual([r.n, r.k, r.low, r.high], [20, 6, sorted[5], sorted[14]]);
  assert.equal(r.median, (sorted[9]! + sorted[10]!) / 2);
  assert.ok(Math.abs(r.confidence - (1 - 2 * exactCdf(20, 5))) < 1e-12);
  assert.equal(Math.round(r.confidence * 10000) / 10000, 0.9586);
});

test('small n: n = 10 gives [d(2), d(9)] at 97.85%; below 6 differences no 95% interval exists', () => {
  const r = medianInterval([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])!;
  assert.deepEqual([r.k, r.low, r.high, r.median], [2, 2, 9, 5.5]);
  assert.equal(Math.round(r.confidence * 10000) / 10000, 0.9785); // 1 − 2·11/1024
  assert.equal(medianInterval([1, 2, 3, 4, 5]), undefined); // 2·(1/32) = 0.0625 > 0.05
  assert.equal(medianInterval([1, 2, 3, 4, 5, 6])!.k, 1); // 2·(1/64) = 0.031
  assert.equal(medianInterval([]), undefined);
});

test('the float sums agree with exact counting, and at thousands of pairs the rank is the normal one', () => {
  for (const n of [7, 31, 100, 257])
    for (const j of [0, 3, Math.floor(n / 3), Math.floor(n / 2)])
      assert.ok(Math.abs(binomialHalfCdf(n, j) - exactCdf(n, j)) < 1e-9, `n=${n} j=${j}`);
  for (const n of [1000, 5000, 20000]) {
    const k = lowerRank(n, 0.95);
    assert.ok(binomialHalfCdf(n, k - 1) <= 0.025 && binomialHalfCdf(n, k) > 0.025, `n=${n}`);
    // Normal approximation: k ≈ n/2 − 1.96·√n/2, within a rank.
    assert.ok(Math.abs(k - (n / 2 - (1.96 * Math.sqrt(n)) / 2)) <= 1.5, `n=${n}: k=${k}`);
  }
});
