/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), two-sided: is one set of repetitions shifted against the other
 * by more than the shuffling of the same values would give? No assumption of normality, which latency
 * percentiles from a handful of runs would not meet. Ties get midranks and the exact distribution is computed
 * with those ranks (so ties are handled exactly, not approximated), by counting rank sums over every way of
 * choosing which values belong to the first set. Past 60 values in all, the normal approximation with the
 * tie correction is used instead.
 */

export interface MannWhitneyResult {
  /** U of the first sample: pairs (a, b) with a > b, ties counting one half. */
  readonly u: number;
  /** Two-sided p-value. */
  readonly p: number;
  /** The smallest p these sample sizes can give at all; when it is above alpha no difference can be shown. */
  readonly minP: number;
  readonly method: 'exact' | 'normal';
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: 0, p: 1, minP: 1, method: 'exact' };
  const ranks = midranks([...a, ...b]);
  const w = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = w - (n1 * (n1 + 1)) / 2;
  const minP = smallestP(n1, n2);
  if (n1 + n2 <= 60) return { u, p: exactP(ranks, n1, w), minP, method: 'exact' };
  return { u, p: normalP(ranks, n1, n2, w), minP, method: 'normal' };
}

/** 2 / C(n1 + n2, n1): the p of the most extreme arrangement, without ties. */
export function smallestP(n1: number, n2: number): number {
  let c = 1;
  for (let i = 1; i <= n1; i++) c = (c * (n2 + i)) / i;
  return Math.min(1, 2 / c);
}

/** Ranks 1..N with the mean rank for tied values. */
export function midranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * P(|W - E[W]| ≥ |w - E[W]|) under the null, W the rank sum of n1 values drawn from these ranks: a count of
 * subsets by size and rank sum (ranks doubled so midranks are integers).
 */
function exactP(ranks: readonly number[], n1: number, w: number): number {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const maxSum = doubled.reduce((s, r) => s + r, 0);
  // ways[k][s]: subsets of size k with doubled rank sum s, over the ranks seen so far.
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  for (const r of doubled)
    for (let k = n1; k >= 1; k--) {
      const from = ways[k - 1]!;
      const to = ways[k]!;
      for (let s = maxSum - r; s >= 0; s--) if (from[s]) to[s + r]! += from[s]!;
    }
  const total = ways[n1]!.reduce((s, x) => s + x, 0);
  const mean = (n1 * (ranks.length + 1)) / 2;
  const observed = Math.abs(w - mean);
  let extreme = 0;
  ways[n1]!.forEach((count, s) => {
    if (count && Math.abs(s / 2 - mean) >= observed - 1e-9) extreme += count;
  });
  return Math.min(1, extreme / total);
}

function normalP(ranks: readonly number[], n1: number, n2: number, w: number): number {
  const n = n1 + n2;
  const counts = new Map<number, number>();
  for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
  let tie = 0;
  for (const t of counts.values()) tie += t ** 3 - t;
  const variance = ((n1 * n2) / 12) * (n + 1 - tie / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(w - (n1 * (n + 1)) / 2) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
}

/** Φ(z) by the Abramowitz–Stegun 7.1.26 approximation of erf (error below 1.5e-7). */
function normalCdf(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * (1 + (1 - poly * Math.exp(-x * x)));
}
