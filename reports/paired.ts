/**
 * Paired comparisons of variants that ran side by side (variants.sideBySide): every round of a phase gives each
 * variant a figure measured in the same seconds, so their difference carries little of the machine's noise. Per
 * figure: the differences round by round (b − a), the Wilcoxon signed-rank test of them and the Hodges–Lehmann
 * estimate with its interval (reports/signed-rank.ts). Variants in separate labs are never paired here: the
 * unpaired Mann–Whitney path (reports/baseline.ts) stays theirs.
 */
import type { RunResults, VariantResult } from '../runners/results/schema.ts';
import type { Variant } from '../scenarios/plan.ts';
import { measurementOf } from './figures.ts';
import { judgeable } from './groups.ts';
import { acrossLabs } from './lab-bootstrap.ts';
import { hodgesLehmann, signedRank, type HodgesLehmann, type SignedRankResult } from './signed-rank.ts';

/** A figure each variant has once per round (per phase), read from its measurement's per-phase details. */
export interface RoundFigure {
  readonly label: string;
  /** How the figure is formatted (reports/format.ts formatByKey): a key ending in Ms, Rate, … */
  readonly key: string;
  byPhase(v: VariantResult): Map<string, number>;
}

export const roundFigures = {
  ruleSyncP50: {
    label: 'rule sync p50',
    key: 'syncP50Ms',
    byPhase: (v) => phaseMap(measurementOf(v, 'ruleSync')?.details?.phases, (p) => [p.phase, p.p50Ms]),
  },
  connectP50: {
    label: 'new-connection p50',
    key: 'connectP50Ms',
    byPhase: (v) =>
      phaseMap(measurementOf(v, 'connectionLatency')?.details?.bySize, (p) => [p.phase, p.connectP50Ms]),
  },
  connectP99: {
    label: 'new-connection p99',
    key: 'connectP99Ms',
    byPhase: (v) =>
      phaseMap(measurementOf(v, 'connectionLatency')?.details?.bySize, (p) => [p.phase, p.connectP99Ms]),
  },
  dnsP50: {
    label: 'DNS lookup p50',
    key: 'p50Ms',
    byPhase: (v) => phaseMap(measurementOf(v, 'dns')?.details?.phases, (p) => [p.name, p.p50Ms]),
  },
  dnsP99: {
    label: 'DNS lookup p99',
    key: 'p99Ms',
    byPhase: (v) => phaseMap(measurementOf(v, 'dns')?.details?.phases, (p) => [p.name, p.p99Ms]),
  },
  dnsFailureRate: {
    label: 'DNS failure rate',
    key: 'failureRate',
    byPhase: (v) => phaseMap(measurementOf(v, 'dns')?.details?.phases, (p) => [p.name, p.failureRate]),
  },
} satisfies Record<string, RoundFigure>;

function phaseMap<T>(
  list: readonly T[] | undefined,
  entry: (x: T) => [string, number | null | undefined],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const x of list ?? []) {
    const [phase, value] = entry(x);
    if (value !== null && value !== undefined && Number.isFinite(value)) out.set(phase, value);
  }
  return out;
}

export interface PairedComparison {
  readonly figure: RoundFigure;
  /** The two values of the axis compared: b − a is the difference. */
  readonly a: string;
  readonly b: string;
  /** One difference per round both variants measured, pooled over the labs that paired them. */
  readonly diffs: readonly number[];
  /** How many labs (side-by-side groups, repetitions) the rounds came from. */
  readonly labs: number;
  /** Each lab's own Hodges–Lehmann estimate, in the order the labs ran. */
  readonly labEstimates: readonly number[];
  /** Of the rounds pooled: across labs it treats them as independent, so the page gives it for one lab only. */
  readonly test: SignedRankResult;
  /** One lab: the exact interval of its rounds; several: one that holds the spread between labs too. */
  readonly interval: HodgesLehmann;
}

/**
 * Pairs of variants that shared a lab and differ in `valueOf` alone (`sameOtherwise` says they agree on every
 * other axis), each pair's per-round differences of each figure, pooled by pair of values. Only judgeable
 * variants count; the rounds are the phases recorded as rounds, or every phase where none repeated.
 */
export function pairedComparisons(
  runs: readonly RunResults[],
  valueOf: (v: Variant) => string,
  sameOtherwise: (a: Variant, b: Variant) => boolean,
  figures: readonly RoundFigure[],
): PairedComparison[] {
  const pooled = new Map<string, { a: string; b: string; figure: RoundFigure; byLab: number[][] }>();
  for (const run of runs)
    for (const lab of sideBySideLabs(run)) {
      const ok = lab.filter((v) => judgeable({ run, result: v }));
      // a before b in the run's order, which is the scenario's: the difference is b − a.
      for (const [i, a] of ok.entries())
        for (const b of ok.slice(i + 1)) {
          if (!sameOtherwise(a.variant, b.variant) || valueOf(a.variant) === valueOf(b.variant)) continue;
          for (const figure of figures) {
            const diffs = roundDiffs(figure, a, b);
            if (!diffs.length) continue;
            const key = `${valueOf(a.variant)}|${valueOf(b.variant)}|${figure.label}`;
            const e = pooled.get(key) ?? { a: valueOf(a.variant), b: valueOf(b.variant), figure, byLab: [] };
            e.byLab.push(diffs);
            pooled.set(key, e);
          }
        }
    }
  return [...pooled.values()].map(({ byLab, ...e }) => ({
    ...e,
    diffs: byLab.flat(),
    labs: byLab.length,
    labEstimates: byLab.map((d) => hodgesLehmann(d)!.estimate),
    test: signedRank(byLab.flat()),
    interval: acrossLabs(byLab),
  }));
}

/** The variants of a run grouped by the lab they shared, in run order. */
function sideBySideLabs(run: RunResults): VariantResult[][] {
  const labs = new Map<number, VariantResult[]>();
  for (const v of run.variants)
    if (v.sideBySide) labs.set(v.sideBySide.lab, [...(labs.get(v.sideBySide.lab) ?? []), v]);
  return [...labs.values()].filter((l) => l.length > 1);
}

/** b − a for each round both have, in round order. */
function roundDiffs(figure: RoundFigure, a: VariantResult, b: VariantResult): number[] {
  const rounds = a.phases.filter((p) => p.round).map((p) => p.name);
  const phases = rounds.length ? rounds : a.phases.map((p) => p.name);
  const [fa, fb] = [figure.byPhase(a), figure.byPhase(b)];
  return phases.flatMap((p) => {
    const [x, y] = [fa.get(p), fb.get(p)];
    return x === undefined || y === undefined ? [] : [y - x];
  });
}
