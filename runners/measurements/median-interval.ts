/**
 * The median of paired differences with its distribution-free confidence interval, from order statistics: the
 * sign test inverted. With the n differences sorted, d(1) ≤ … ≤ d(n), the interval [d(k), d(n−k+1)] covers the
 * population median with probability 1 − 2·P(B ≤ k−1), B ~ Binomial(n, ½), whatever the distribution; k is the
 * largest rank keeping that at or above the level asked (Conover, Practical Nonparametric Statistics, §3.2;
 * Hollander & Wolfe §3.6). O(n log n) for the sort, so thousands of pairs are cheap, where the Hodges–Lehmann
 * interval of reports/signed-rank.ts needs all n² Walsh averages. The binomial is summed exactly in log space
 * (O(k)); no normal approximation is needed at the sizes a run produces.
 */

export interface MedianInterval {
  readonly n: number;
  readonly median: number;
  readonly low: number;
  readonly high: number;
  /** The interval's exact coverage, at least the level asked (0.95 gives e.g. 0.9586 at n = 20). */
  readonly confidence: number;
  /** The rank k of the lower end (the upper end is n − k + 1). */
  readonly k: number;
}

/**
 * The median and its interval at `level`; undefined for no differences, and for too few to reach the level
 * (n < 6 at 0.95: even [d(1), d(n)] covers less), as a wider-than-the-data interval would claim too much.
 */
export function medianInterval(diffs: readonly number[], level = 0.95): MedianInterval | undefined {
  const d = diffs.filter(Number.isFinite).sort((a, b) => a - b);
  const n = d.length;
  if (n === 0) return undefined;
  const k = lowerRank(n, level);
  if (k === 0) return undefined;
  const mid = n >> 1;
  const median = n % 2 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
  return { n, median, low: d[k - 1]!, high: d[n - k]!, confidence: 1 - 2 * binomialHalfCdf(n, k - 1), k };
}

/** The largest k with 2·P(B ≤ k−1) ≤ 1 − level, B ~ Binomial(n, ½); 0 when even k = 1 misses the level. */
export function lowerRank(n: number, level: number): number {
  const alpha = (1 - level) / 2;
  let cdf = 0;
  let logPmf = -n * Math.LN2; // P(B = 0)
  for (let j = 0; j <= n >> 1; j++) {
    cdf += Math.exp(logPmf);
    // cdf is now P(B ≤ j): rank j + 1 is allowed while P(B ≤ j) ≤ alpha.
    if (cdf > alpha) return j;
    logPmf += Math.log((n - j) / (j + 1));
  }
  return n >> 1;
}

/** P(B ≤ j) for B ~ Binomial(n, ½), summed in log space so that n in the millions neither overflows nor underflows. */
export function binomialHalfCdf(n: number, j: number): number {
  let cdf = 0;
  let logPmf = -n * Math.LN2;
  for (let i = 0; i <= j; i++) {
    cdf += Math.exp(logPmf);
    logPmf += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, cdf);
}
