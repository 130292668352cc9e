/**
 * "Does the upgrade change anything?": the answer at the top of a run that compared Kubernetes versions,
 * from the same per-variant, per-figure Mann–Whitney verdicts as the upgrade table (versions.ts).
 */
import type { Answer } from './section-types.ts';
import type { FigureComparison } from './baseline.ts';
import { formatByKey, formatChange, plural } from './format.ts';
import type { ScenarioGroup } from './groups.ts';
import { compareVersions } from './versions.ts';

/** The figures quoted in the answer when the runs are too few for a verdict: one or two per measurement. */
const headline = new Set([
  'kubeProxyP99Ms',
  'probeAddP50Ms',
  'syncP50Ms',
  'connectP50Ms',
  'apiMutatingP99Ms',
]);

export function upgradeAnswer(s: ScenarioGroup): Answer | undefined {
  const comparisons = compareVersions(s);
  if (!comparisons.length) return undefined;
  const question = `Does the upgrade change anything (${comparisons.map((c) => `${c.from} → ${c.to}`).join(', ')})?`;
  const rows = comparisons.flatMap((c) =>
    c.comparison.variants.flatMap((v) => v.figures.map((f) => ({ to: c.to, variant: v.id, f }))),
  );
  const label = (r: { to: string; variant: string; f: FigureComparison }) =>
    `${r.f.figure.label} on ${r.variant} ${formatByKey(r.f.figure.key, r.f.baselineMedian)} → ${formatByKey(r.f.figure.key, r.f.currentMedian)} (${formatChange(r.f.change)}, p = ${r.f.p?.toPrecision(2)})`;
  const by = (verdict: string) => rows.filter((r) => r.f.verdict === verdict);
  const notJudged = comparisons.flatMap((c) =>
    c.comparison.variants.filter((v) => v.notJudged).map((v) => `${c.to} ${v.id}: ${v.notJudged}`),
  );
  const tail = notJudged.length ? ` Not judged: ${notJudged.join('; ')}.` : '';
  const regressions = by('regression');
  const improvements = by('improvement');
  if (regressions.length)
    return {
      question,
      lead: `Yes: worse beyond run-to-run noise on ${plural(regressions.length, 'figure')}.`,
      detail: `Regressions: ${regressions.map(label).join('; ')}.${improvements.length ? ` Improvements: ${improvements.map(label).join('; ')}.` : ''}${tail}`,
    };
  if (improvements.length)
    return {
      question,
      lead: `No regression; better beyond run-to-run noise on ${plural(improvements.length, 'figure')}.`,
      detail: `Improvements: ${improvements.map(label).join('; ')}.${tail}`,
    };
  const judged = rows.filter((r) => r.f.verdict === 'no change');
  if (judged.length && judged.length === rows.filter((r) => r.f.verdict !== 'no data').length)
    return {
      question,
      lead: 'No change beyond run-to-run noise.',
      detail: `${plural(judged.length, 'figure')} compared, none differs beyond noise (Mann–Whitney, p ≥ 0.05).${tail}`,
    };
  // Too few repetitions: say so, and show the medians of the headline figures so the reader sees the size.
  const runs = [...new Set(rows.flatMap((r) => [r.f.baselineN, r.f.currentN]))].sort((a, b) => a - b);
  const shown = rows.filter(
    (r) => headline.has(r.f.figure.key) && r.f.baselineMedian !== null && r.f.currentMedian !== null,
  );
  const medians = [...new Set(shown.map((r) => `${r.to} ${r.variant}`))].map((key) => {
    const figures = shown
      .filter((r) => `${r.to} ${r.variant}` === key)
      .map(
        (r) =>
          `${r.f.figure.label} ${formatByKey(r.f.figure.key, r.f.baselineMedian)} → ${formatByKey(r.f.figure.key, r.f.currentMedian)} (${formatChange(r.f.change)})`,
      );
    return `${comparisons.length > 1 ? key : key.split(' ')[1]}: ${figures.join(', ')}`;
  });
  return {
    question,
    lead: `Too close to call with ${runs.length === 1 ? plural(runs[0]!, 'run') : `${runs.join('–')} runs`} per variant and version.`,
    detail: `${medians.length ? `Medians: ${medians.join('; ')}. ` : ''}The Mann–Whitney test over repetitions needs at least 4 runs of each variant on each version (repetitions: 4) to tell a difference from run-to-run noise.${tail}`,
  };
}
