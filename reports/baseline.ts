/**
 * Baseline comparison: a figure regressed only when the difference is beyond run-to-run noise. The unit of
 * evidence is the repetition (a fresh lab each), not the samples inside one run: samples from one lab share
 * its state and would make any small shift look certain. Each figure's per-repetition values are compared
 * with the two-sided Mann–Whitney U test (mann-whitney.ts) at alpha = 0.05; when the repetitions are too few
 * for any arrangement to reach alpha, the verdict says so instead of guessing.
 */
import { mannWhitney } from './mann-whitney.ts';
import { countedReps, median, type ScenarioGroup, type VariantGroup } from './groups.ts';
import { summaryValue } from './figures.ts';
import { keyFigures, type KeyFigure } from './key-figures.ts';

export const alpha = 0.05;

/** The method as the page states it. */
export const regressionMethod =
  'Each figure is compared over repetitions (each repetition is a fresh lab): the per-repetition values of the ' +
  'baseline against those of this run, with the two-sided Mann–Whitney U test (exact, midranks for ties). ' +
  `A figure is a regression when p < ${alpha} and its median is worse, an improvement when p < ${alpha} and ` +
  'its median is better, and "no change" otherwise. With fewer than 4 repetitions on each side (or 3 against ' +
  `5) no arrangement of the values can reach p < ${alpha}: the verdict is then "not enough repetitions to ` +
  'judge", whatever the medians say. Repetitions the self-audit marked invalid, and failed ones, are left ' +
  'out; a variant with none left is "not judged".';

export type Verdict =
  'regression' | 'improvement' | 'no change' | 'not enough repetitions to judge' | 'not judged' | 'no data';

export interface SampleComparison {
  readonly verdict: Verdict;
  readonly baselineMedian: number | null;
  readonly currentMedian: number | null;
  /** (current - baseline) / baseline. */
  readonly change: number | null;
  readonly p: number | null;
}

/** Lower is better: the verdict for current against baseline values of one figure. */
export function compareSamples(baseline: readonly number[], current: readonly number[]): SampleComparison {
  const baselineMedian = baseline.length ? median(baseline) : null;
  const currentMedian = current.length ? median(current) : null;
  const change =
    baselineMedian !== null && currentMedian !== null && baselineMedian !== 0
      ? (currentMedian - baselineMedian) / Math.abs(baselineMedian)
      : null;
  if (baselineMedian === null || currentMedian === null)
    return { verdict: 'no data', baselineMedian, currentMedian, change, p: null };
  const r = mannWhitney(current, baseline);
  if (r.minP >= alpha)
    return { verdict: 'not enough repetitions to judge', baselineMedian, currentMedian, change, p: null };
  const verdict: Verdict =
    r.p >= alpha || currentMedian === baselineMedian
      ? 'no change'
      : currentMedian > baselineMedian
        ? 'regression'
        : 'improvement';
  return { verdict, baselineMedian, currentMedian, change, p: r.p };
}

export interface FigureComparison extends SampleComparison {
  readonly figure: KeyFigure;
  readonly baselineN: number;
  readonly currentN: number;
}

export interface VariantComparison {
  readonly id: string;
  /** Why the variant is not judged at all (invalid, failed, absent from the baseline), or null. */
  readonly notJudged: string | null;
  readonly figures: FigureComparison[];
}

export interface BaselineComparison {
  readonly scenario: string;
  /** Caveats about the baseline as a whole (another version of the scenario), empty when none. */
  readonly notes: string[];
  readonly variants: VariantComparison[];
}

export function compareWithBaseline(current: ScenarioGroup, baseline: ScenarioGroup): BaselineComparison {
  const notes: string[] = [];
  const hashes = (s: ScenarioGroup) => new Set(s.runs.map((r) => r.manifest.scenario.sha256));
  const base = hashes(baseline);
  if ([...hashes(current)].some((h) => !base.has(h)))
    notes.push(
      'The baseline ran a different version of the scenario file (its sha256 differs): read the changes with that in mind.',
    );
  const variants = current.variants.map((g) =>
    compareVariant(
      g,
      baseline.variants.find((b) => b.id === g.id),
    ),
  );
  return { scenario: current.name, notes, variants };
}

function compareVariant(current: VariantGroup, baseline: VariantGroup | undefined): VariantComparison {
  const cur = countedReps(current);
  const base = baseline ? countedReps(baseline) : undefined;
  const notJudged = !base
    ? 'not in the baseline'
    : !cur.judged
      ? `not judged: no repetition of this run is valid (${reasons(current)})`
      : !base.judged
        ? `not judged: no repetition of the baseline is valid (${reasons(baseline!)})`
        : null;
  const figures: FigureComparison[] = [];
  for (const figure of keyFigures.filter((k) => k.lowerIsBetter)) {
    const values = (reps: typeof cur.reps) =>
      reps
        .map((r) => summaryValue(r.result, figure.measurement, figure.key))
        .filter((x): x is number => x !== null);
    const c = values(cur.reps);
    const b = base ? values(base.reps) : [];
    if (c.length === 0 && b.length === 0) continue;
    const cmp = compareSamples(b, c);
    figures.push({
      ...cmp,
      verdict: notJudged && cmp.verdict !== 'no data' ? 'not judged' : cmp.verdict,
      figure,
      baselineN: b.length,
      currentN: c.length,
    });
  }
  return { id: current.id, notJudged, figures };
}

function reasons(g: VariantGroup): string {
  const all = g.reps.flatMap((r) => [
    ...(r.result.validity?.reasons ?? []),
    ...(r.result.status === 'failed' ? r.result.errors : []),
    ...(r.result.status === 'running' ? ['it did not finish'] : []),
  ]);
  return [...new Set(all)].join('; ') || g.reps.map((r) => r.result.status).join(', ');
}
