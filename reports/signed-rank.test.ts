import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hodgesLehmann, lowerCritical, signedRank } from './signed-rank.ts';

// Hollander & Wolfe (1973), p. 29: Hamilton depression scale before (x) and after (y) a tranquilizer, nine
// patients; the example of R's wilcox.test, whose documented answers are V = 40, one-sided p = 0.01953 (exact),
// (pseudo)median 0.46.
const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
const depression = x.map((v, i) => v - y[i]!);

test('signed-rank: the depression example, V = 40 and the exact two-sided p = 2 × 10/512', () => {
  const r = signedRank(depression);
  assert.equal(r.n, 9);
  assert.equal(r.tPlus, 40);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.p / 2 - 0.01953) < 5e-6, `one-sided ${r.p / 2}`);
  assert.equal(r.p, 20 / 512);
});

test('signed-rank: a zero dropped and tied magnitudes given midranks (Wikipedia’s worked example, W = 9)', () => {
  const after = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135];
  const before = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145];
  const r = signedRank(after.map((v, i) => v - before[i]!));
  assert.equal(r.n, 9);
  // W = T+ − T− = 9 and T+ + T− = 45.
  assert.equal(r.tPlus, 27);
  assert.ok(r.p > 0.5, `p ${r.p}: no difference`);
});

test('signed-rank: the published table of lower critical values, two-sided 0.05', () => {
  const table: Record<number, number> = {
    6: 0,
    7: 2,
    8: 3,
    9: 5,
    10: 8,
    11: 10,
    12: 13,
    13: 17,
    14: 21,
    15: 25,
    20: 52,
    25: 89,
  };
  for (const [n, crit] of Object.entries(table))
    assert.equal(lowerCritical(Number(n), 0.025).k, crit, `n = ${n}`);
  assert.equal(lowerCritical(5, 0.025).k, -1, 'five differences cannot reach 0.05 two-sided');
});

test('signed-rank: all of one sign gives the smallest p there is; the normal path agrees with the exact one', () => {
  assert.equal(signedRank([1, 2, 3, 4, 5, 6]).p, 2 / 64);
  assert.equal(signedRank([1, 2, 3, 4, 5, 6]).minP, 2 / 64);
  assert.deepEqual(signedRank([0, 0]), { n: 0, tPlus: 0, p: 1, minP: 1, method: 'exact' });
  // 120 differences, shifted a little: the normal approximation (past 100) against the exact count at 100.
  const shifted = Array.from({ length: 120 }, (_, i) => ((i * 37) % 101) - 45 + 0.5);
  const big = signedRank(shifted);
  const exact = signedRank(shifted.slice(0, 100));
  assert.equal(big.method, 'normal');
  assert.ok(big.p > 0 && big.p < 1 && exact.p > 0 && exact.p < 1);
});

test('Hodges–Lehmann: the depression example’s centre 0.46, and its exact 96.1 % interval [0.010, 0.786]', () => {
  const hl = hodgesLehmann(depression)!;
  assert.ok(Math.abs(hl.estimate - 0.46) < 1e-9, `${hl.estimate}`);
  // k = 5 (the table above, n = 9): the 6th smallest and 6th largest of the 45 Walsh averages.
  assert.ok(Math.abs(hl.low - 0.01) < 1e-9 && Math.abs(hl.high - 0.786) < 1e-9, `${hl.low} ${hl.high}`);
  assert.equal(hl.confidence, 1 - 2 * (10 / 512));
});

test('Hodges–Lehmann: too few differences give the widest interval, with the lower confidence it has', () => {
  const hl = hodgesLehmann([1, 2, 3])!;
  assert.equal(hl.estimate, 2);
  assert.deepEqual([hl.low, hl.high], [1, 3]);
  assert.equal(hl.confidence, 1 - 2 / 8);
  assert.equal(hodgesLehmann([]), undefined);
});

test('Hodges–Lehmann: an interval contains zero exactly when the signed-rank test cannot reject', () => {
  for (const shift of [-0.3, -0.1, 0, 0.05, 0.2, 0.6]) {
    const d = depression.map((v) => v - 0.46 + shift);
    const hl = hodgesLehmann(d)!;
    const rejects = signedRank(d).p <= 1 - hl.confidence + 1e-12;
    assert.equal(
      hl.low > 0 || hl.high < 0,
      rejects,
      `shift ${shift}: [${hl.low}, ${hl.high}], p ${signedRank(d).p}`,
    );
  }
});
