/**
 * What a nightly run of one scenario comes to, as an exit code: a failure, a real regression against the last
 * good run, an SLO failed, or fine. "Real" is the report's own test (reports/baseline.ts: Mann–Whitney over
 * repetitions at alpha 0.05): "no change" and "not enough repetitions to judge" are fine, never a failure,
 * so a single noisy night cannot page anyone. A headroom search adds one figure: its knee (the last value at
 * which every SLO held), higher is better, judged the same way.
 */
import type { RunResults } from './results/schema.ts';
import { compareSamples, compareWithBaseline } from '../reports/baseline.ts';
import { countedReps, groupRuns, type VariantGroup } from '../reports/groups.ts';
import { headroomOf } from '../reports/headroom-figures.ts';
import { formatChange, formatNumber } from '../reports/format.ts';
import { notJudgedExitCode } from './run-outcome.ts';

/**
 * Exit codes of `scalelab nightly`, worst first: 1 failure, 4 regression, 3 SLO failed, 5 not judged (a variant
 * invalid, or nothing measured: the night says nothing either way and never becomes a baseline), 0 fine.
 */
export type NightlyStatus = 'failed' | 'regression' | 'slo-failed' | 'not-judged' | 'ok';
export const nightlyExitCodes: Record<NightlyStatus, number> = {
  failed: 1,
  regression: 4,
  'slo-failed': 3,
  'not-judged': notJudgedExitCode,
  ok: 0,
};
/** Worst first: the night's status is the first of these any scenario reached. */
export const nightlyOrder: readonly NightlyStatus[] = [
  'failed',
  'regression',
  'slo-failed',
  'not-judged',
  'ok',
];

export interface NightlyVerdict {
  readonly status: NightlyStatus;
  /** One line per finding (a regression with its medians and p, a failed variant), then a count of the rest. */
  readonly lines: string[];
}

/** The verdict of this night's results (one scenario) against the last good run's (empty: the first night). */
export function nightlyVerdict(
  current: readonly RunResults[],
  baseline: readonly RunResults[],
): NightlyVerdict {
  const lines: string[] = [];
  const failed = current.flatMap((r) => [
    ...(r.status === 'finished'
      ? []
      : [`the run ${r.status}: ${r.errors.join('; ') || 'no error recorded'}`]),
    ...r.variants
      .filter((v) => v.status === 'failed' || v.status === 'running')
      .map((v) => `variant ${v.id} ${v.status}: ${v.errors.join('; ')}`),
  ]);
  lines.push(...failed);
  const sloFailed = current.flatMap((r) =>
    r.variants.filter((v) => v.status === 'slo-failed').map((v) => v.id),
  );
  if (sloFailed.length) lines.push(`an SLO failed in ${sloFailed.join(', ')}`);
  // An invalid variant (the self-audit found the lab unfit to measure) proves nothing either way: a night with
  // one is not judged, so a broken lab can neither pass nor become tomorrow's baseline.
  const invalid = current.flatMap((r) => r.variants.filter((v) => v.status === 'invalid'));
  for (const v of invalid)
    lines.push(`not judged: ${v.id} invalid: ${v.validity?.reasons.join('; ') || 'no reason recorded'}`);
  const measuredNothing = current.every((r) => r.variants.length === 0);
  if (measuredNothing) lines.push('not judged: no variant ran (every one skipped or none planned)');

  const [cur] = groupRuns(current);
  const base = groupRuns(baseline).find((b) => b.name === cur?.name);
  const verdicts: string[] = [];
  // A headroom run's figures are those of its last passing step, which moves with the knee: comparing them
  // night to night would compare different loads (a knee that rose would look like slower figures). Its one
  // comparable figure is the knee.
  const headroom = current.some((r) => r.variants.some((v) => v.headroom));
  if (cur && base) {
    const cmp = compareWithBaseline(cur, base);
    if (!headroom)
      for (const v of cmp.variants)
        for (const f of v.figures) {
          verdicts.push(f.verdict);
          if (f.verdict === 'regression')
            lines.push(
              `regression: ${v.id} ${f.figure.label}: median ${formatNumber(f.baselineMedian)} → ${formatNumber(f.currentMedian)} (${formatChange(f.change)}), p = ${formatNumber(f.p)}, ${f.baselineN} vs ${f.currentN} repetitions`,
            );
        }
    for (const g of cur.variants) {
      const k = kneeComparison(
        g,
        base.variants.find((b) => b.id === g.id),
      );
      if (!k) continue;
      verdicts.push(k.verdict);
      if (k.verdict === 'regression') lines.push(`regression: ${g.id} headroom knee: ${k.line}`);
    }
  } else lines.push('no baseline: the first good (ok) run of this scenario becomes it');
  if (verdicts.length) lines.push(`figures against the baseline: ${countOf(verdicts)}`);
  const status: NightlyStatus = failed.length
    ? 'failed'
    : lines.some((l) => l.startsWith('regression:'))
      ? 'regression'
      : sloFailed.length
        ? 'slo-failed'
        : invalid.length || measuredNothing
          ? 'not-judged'
          : 'ok';
  return { status, lines };
}

/** Knees per counted repetition, negated so that compareSamples' "lower is better" reads "higher is better". */
function kneeComparison(
  cur: VariantGroup,
  base: VariantGroup | undefined,
): { verdict: string; line: string } | undefined {
  if (!base) return undefined;
  const knees = (g: VariantGroup) =>
    countedReps(g).judged
      ? countedReps(g).reps.flatMap((r) => {
          const h = headroomOf(r.result);
          // A search that failed or could not judge a step has no knee to compare; nothing held counts as 0.
          return h && (h.stop === 'slo-broke' || h.stop === 'max-reached') ? [h.lastPassing ?? 0] : [];
        })
      : [];
  const c = knees(cur);
  const b = knees(base);
  if (c.length === 0 && b.length === 0) return undefined;
  const cmp = compareSamples(
    b.map((x) => -x),
    c.map((x) => -x),
  );
  const m = (x: number | null) => (x === null ? '–' : formatNumber(-x));
  return {
    verdict: cmp.verdict,
    line: `median ${m(cmp.baselineMedian)} → ${m(cmp.currentMedian)}, p = ${formatNumber(cmp.p)}, ${b.length} vs ${c.length} repetitions`,
  };
}

/** "12 no change, 3 not enough repetitions to judge" */
function countOf(xs: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
