/**
 * Paired comparisons (issue 18): two variants measured side by side in the same rounds give one difference per
 * round, and the noise of a round hits both. The Wilcoxon signed-rank test asks whether those differences are
 * centred on zero (no normality assumed); the Hodges–Lehmann estimate is their centre (the median of the Walsh
 * averages, every mean of two differences) with the confidence interval the same test inverts to. Zeros are
 * dropped (Wilcoxon's way, as R's wilcox.test); tied magnitudes get midranks and the exact null distribution is
 * counted over those ranks, so ties are handled exactly; past 100 differences the normal approximation with
 * the tie and continuity corrections is used.
 */
import { midranks } from './mann-whitney.ts';

export interface SignedRankResult {
  /** Non-zero differences ranked. */
  readonly n: number;
  /** Sum of the ranks of the positive differences (R's V). */
  readonly tPlus: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** The smallest two-sided p n differences can give (all one sign): above alpha, no difference can be shown. */
  readonly minP: number;
  readonly method: 'exact' | 'normal';
}

const exactUpTo = 100;

export function signedRank(diffs: readonly number[]): SignedRankResult {
  const d = diffs.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return { n, tPlus: 0, p: 1, minP: 1, method: 'exact' };
  const ranks = midranks(d.map(Math.abs));
  const tPlus = ranks.reduce((s, r, i) => s + (d[i]! > 0 ? r : 0), 0);
  const minP = Math.min(1, 2 / 2 ** n);
  if (n <= exactUpTo) return { n, tPlus, p: exactTwoSided(ranks, tPlus), minP, method: 'exact' };
  return { n, tPlus, p: normalTwoSided(ranks, tPlus), minP, method: 'normal' };
}

/**
 * ways[s]: how many of the 2^n sign assignments give a doubled T+ of s, for these ranks (doubled so midranks
 * are whole). Divided by 2^n as it goes, so it holds probabilities and never overflows.
 */
function nullDistribution(ranks: readonly number[]): Float64Array {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const max = doubled.reduce((s, r) => s + r, 0);
  let ways = new Float64Array(max + 1);
  ways[0] = 1;
  for (const r of doubled) {
    const next = new Float64Array(max + 1);
    for (let s = 0; s <= max; s++) {
      if (ways[s] === 0) continue;
      next[s]! += ways[s]! / 2;
      next[s + r]! += ways[s]! / 2;
    }
    ways = next;
  }
  return ways;
}

/** P(|T+ − E| ≥ |t − E|) under the null. */
function exactTwoSided(ranks: readonly number[], tPlus: number): number {
  const ways = nullDistribution(ranks);
  const max = ways.length - 1;
  const far = Math.abs(2 * tPlus - max / 2);
  let p = 0;
  // A small tolerance: doubled sums are whole, the centre may be a half.
  for (let s = 0; s <= max; s++) if (Math.abs(s - max / 2) >= far - 1e-9) p += ways[s]!;
  return Math.min(1, p);
}

function normalTwoSided(ranks: readonly number[], tPlus: number): number {
  const n = ranks.length;
  const mean = (n * (n + 1)) / 4;
  // Tie correction: each group of t tied magnitudes lowers the variance by (t³ − t) / 48.
  const groups = new Map<number, number>();
  for (const r of ranks) groups.set(r, (groups.get(r) ?? 0) + 1);
  let ties = 0;
  for (const t of groups.values()) ties += (t ** 3 - t) / 48;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - ties);
  if (sd === 0) return 1;
  const z = Math.max(0, Math.abs(tPlus - mean) - 0.5) / sd;
  return Math.min(1, 2 * (1 - normalCdf(z)));
}

/** Φ(z) by Abramowitz & Stegun 7.1.26 (error below 1.5e-7). */
function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export interface HodgesLehmann {
  /** The median of the Walsh averages: the centre of the differences. */
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** The confidence the interval has (exact, without ties): at least the level asked where n allows it. */
  readonly confidence: number;
}

/**
 * The Hodges–Lehmann estimate of the differences' centre and its distribution-free interval: the (k+1)-th
 * smallest and largest Walsh averages, k the largest count with P(T+ ≤ k) ≤ (1 − level) / 2 under the null
 * (the signed-rank test inverted; Hollander & Wolfe, §3.2); past 100 differences k comes from the normal
 * approximation. Too few differences for the level give the widest
 * interval, from the smallest to the largest Walsh average, and its lower confidence.
 */
export function hodgesLehmann(diffs: readonly number[], level = 0.95): HodgesLehmann | undefined {
  const d = diffs.filter(Number.isFinite);
  const n = d.length;
  if (n === 0) return undefined;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i]! + d[j]!) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const median = m % 2 ? walsh[(m - 1) / 2]! : (walsh[m / 2 - 1]! + walsh[m / 2]!) / 2;
  const alpha = (1 - level) / 2;
  // [W(k+1), W(M−k)] misses the centre with probability 2·P(T+ ≤ k); k = 0 is the widest interval there is.
  const interval = (k: number, pMiss: number) => ({
    estimate: median,
    low: walsh[k]!,
    high: walsh[m - 1 - k]!,
    confidence: 1 - 2 * pMiss,
  });
  if (n > exactUpTo) {
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    const k = Math.max(0, Math.floor(m / 2 - quantileZ(1 - alpha) * sd - 0.5));
    return interval(k, 1 - normalCdf((m / 2 - k - 0.5) / sd));
  }
  const { k, pAtMost } = lowerCritical(n, alpha);
  return interval(Math.max(0, k), k < 0 ? lowerTail(n)[0]! : pAtMost);
}

/** P(T+ ≤ t) for n differences without ties, t = 0, 1, … n(n+1)/2. */
function lowerTail(n: number): number[] {
  const probs = nullDistribution(Array.from({ length: n }, (_, i) => i + 1));
  const cdf: number[] = [];
  let acc = 0;
  for (let s = 0; s < probs.length; s += 2) cdf.push((acc += probs[s]!));
  return cdf;
}

/**
 * The largest k with P(T+ ≤ k) ≤ alpha for n differences (the tables' lower critical value at a two-sided
 * 2·alpha), and that probability; k = −1 when even T+ = 0 is likelier than alpha (too few differences).
 */
export function lowerCritical(n: number, alpha: number): { k: number; pAtMost: number } {
  const cdf = lowerTail(n);
  let k = -1;
  while (k + 1 < cdf.length && cdf[k + 1]! <= alpha) k++;
  return { k, pAtMost: k < 0 ? 0 : cdf[k]! };
}

/** z with Φ(z) = q, by bisection on normalCdf (accurate to 1e-9; called once per interval). */
function quantileZ(q: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
