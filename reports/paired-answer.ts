/**
 * The page's answer for an axis whose variants ran side by side: per figure the median difference of the
 * rounds with its 95% interval, the signed-rank p (one lab) or each lab's own estimate (several; the interval
 * then holds the spread between labs: reports/lab-bootstrap.ts) and the number of rounds; a winner where every interval
 * that excludes zero points the same way, "no difference" only where every interval contains zero.
 */
import { formatByKey, plural } from './format.ts';
import type { PairedComparison } from './paired.ts';
import type { Answer } from './section-types.ts';

/** "+7.1 ms", "−0.2%": a signed difference in the figure's unit. */
function signed(key: string, x: number): string {
  const text = formatByKey(key, Math.abs(x));
  return x > 0 ? `+${text}` : x < 0 ? `−${text}` : text;
}

/** The interval excludes zero: which value is lower (the smaller figure), or undefined when it contains zero. */
export function lowerOf(c: PairedComparison): string | undefined {
  if (c.interval.low > 0) return c.a;
  if (c.interval.high < 0) return c.b;
  return undefined;
}

export function clause(c: PairedComparison): string {
  const { key, label } = c.figure;
  const i = c.interval;
  const conf = Math.round(i.confidence * 100);
  // Across labs the rounds are not independent, so the pooled test's p would overstate; each lab's own
  // estimate shows whether the labs agree.
  const evidence =
    c.labs > 1
      ? `each lab: ${c.labEstimates.map((x) => signed(key, x)).join(', ')}; ${plural(c.diffs.length, 'round')} side by side in ${c.labs} labs`
      : `signed-rank p = ${c.test.p.toPrecision(2)}; ${plural(c.diffs.length, 'round')} side by side`;
  return (
    `${label}: ${c.b} − ${c.a} = ${signed(key, i.estimate)} (${conf}% interval ${signed(key, i.low)} to ` +
    `${signed(key, i.high)}; ${evidence})`
  );
}

const oneLabMethod =
  'Paired by round on one lab (the median of the per-round differences, Hodges–Lehmann, with its interval; Wilcoxon signed-rank test).';
const acrossLabsMethod =
  'Paired by round within each lab (the median of every per-round difference, Hodges–Lehmann); the interval resamples the labs, then the rounds within each, so it holds the spread between labs as well as between rounds, and is never narrower than the pooled rounds’ own.';
/**
 * Said when every comparison comes from one lab: its rounds share the lab's pod placement and first syncs, so
 * their interval can be narrower than the spread between runs (datadog-talk's answers moved between runs on
 * 2026-12-06 beyond one run's interval).
 */
const oneLabCaveat =
  ' The interval holds the noise between this lab’s rounds, not between runs: repeat the scenario (repetitions) to pair across labs.';

export function pairedAnswer(
  axis: string,
  comparisons: readonly PairedComparison[],
): Omit<Answer, 'question'> {
  // Each comparison whose interval excludes zero has a lower and a higher value; the rest say nothing.
  const wins = new Map<string, number>();
  const losses = new Map<string, number>();
  for (const c of comparisons) {
    const lower = lowerOf(c);
    if (!lower) continue;
    const higher = lower === c.a ? c.b : c.a;
    wins.set(lower, (wins.get(lower) ?? 0) + 1);
    losses.set(higher, (losses.get(higher) ?? 0) + 1);
  }
  const shown = [...wins.values()].reduce((a, b) => a + b, 0);
  const unbeaten = [...wins.keys()].filter((v) => !losses.has(v));
  const rounds = Math.min(...comparisons.map((c) => c.diffs.length));
  const n = comparisons.length;
  const oneLab = comparisons.every((c) => c.labs <= 1);
  const noise = oneLab ? "the rounds' noise" : 'the spread between labs and rounds';
  const lead =
    shown === 0
      ? `No difference between the ${axis}s side by side: every interval contains zero (${plural(rounds, 'round')} or more).`
      : unbeaten.length === 1
        ? `${unbeaten[0]}: lower side by side on ${wins.get(unbeaten[0]!)} of ${n} comparisons, beyond ${noise}, and higher on none${shown < n ? '; the other intervals contain zero' : ''}.`
        : `Mixed: side by side, each ${axis} is lower on some figures, beyond ${noise}.`;
  return {
    lead,
    detail: `${comparisons.map(clause).join('; ')}. ${oneLab ? oneLabMethod + oneLabCaveat : acrossLabsMethod}`,
  };
}
