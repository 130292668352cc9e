/**
 * The page's answer for an axis whose variants ran side by side: per figure the median difference of the
 * rounds with its 95% interval, the signed-rank p and the number of rounds; a winner where every interval
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
  return (
    `${label}: ${c.b} − ${c.a} = ${signed(key, i.estimate)} (${conf}% interval ${signed(key, i.low)} to ` +
    `${signed(key, i.high)}; signed-rank p = ${c.test.p.toPrecision(2)}; ${plural(c.diffs.length, 'round')} side by side` +
    `${c.labs > 1 ? ` in ${c.labs} labs` : ''})`
  );
}

export function pairedAnswer(
  axis: string,
  comparisons: readonly PairedComparison[],
): Omit<Answer, 'question'> {
  const lower = comparisons.map(lowerOf);
  const winners = new Set(lower.filter((x): x is string => x !== undefined));
  const shown = lower.filter(Boolean).length;
  const rounds = Math.min(...comparisons.map((c) => c.diffs.length));
  const lead =
    winners.size === 0
      ? `No difference between the ${axis}s side by side: every interval contains zero (${plural(rounds, 'round')} or more).`
      : winners.size === 1
        ? `${[...winners][0]}: lower side by side on ${shown} of ${comparisons.length} figures, beyond the rounds' noise${shown < comparisons.length ? '; the others are within it' : ''}.`
        : `Mixed: side by side, each ${axis} is lower on some figures, beyond the rounds' noise.`;
  return {
    lead,
    detail: `${comparisons.map(clause).join('; ')}. Paired by round on one lab (the median of the per-round differences, Hodges–Lehmann, with its interval; Wilcoxon signed-rank test).`,
  };
}
