/**
 * How a report sees its input: runs grouped by scenario, and within a scenario one column per variant holding
 * every repetition of it (from one file's `repetitions` or from several files of the same scenario).
 */
import type { RunResults, VariantResult } from '../runners/results/schema.ts';
import type { Variant } from '../scenarios/plan.ts';

/** One repetition of one variant, with the run it came from. */
export interface Rep {
  readonly run: RunResults;
  readonly result: VariantResult;
}

export interface VariantGroup {
  /** The variant id without the repetition suffix: `direct.iptables-nft.coredns`. */
  readonly id: string;
  readonly variant: Variant;
  readonly reps: Rep[];
}

export interface ScenarioGroup {
  readonly name: string;
  readonly runs: RunResults[];
  readonly variants: VariantGroup[];
  readonly skipped: { id: string; reason: string }[];
}

/**
 * A repetition whose figures can be judged: it finished and the self-audit found nothing wrong. Invalid,
 * failed and unfinished repetitions are shown as what they are and never count as a pass or a regression.
 */
export function judgeable(rep: Rep): boolean {
  const v = rep.result;
  return (v.status === 'passed' || v.status === 'slo-failed') && v.validity?.valid !== false;
}

/** The repetitions whose figures count; when none is judgeable, all of them, for showing (marked). */
export function countedReps(g: VariantGroup): { reps: Rep[]; judged: boolean } {
  const ok = g.reps.filter(judgeable);
  return ok.length ? { reps: ok, judged: true } : { reps: g.reps, judged: false };
}

/** The first counted repetition: what tables too detailed to take a median of (DNS conditions) show. */
export function firstCountedRep(g: VariantGroup): VariantResult | undefined {
  return countedReps(g).reps[0]?.result;
}

/** The label a variant carries on the page: its id, marked when none of its repetitions can be judged. */
export function variantLabel(g: VariantGroup): string {
  return countedReps(g).judged ? g.id : `${g.id} (${groupState(g)})`;
}

/** passed, slo-failed, invalid, failed or running: the worst state among the judgeable repetitions. */
export function groupState(g: VariantGroup): VariantResult['status'] {
  const { reps, judged } = countedReps(g);
  if (judged) return reps.some((r) => r.result.status === 'slo-failed') ? 'slo-failed' : 'passed';
  for (const s of ['invalid', 'failed', 'running'] as const)
    if (reps.some((r) => r.result.status === s)) return s;
  return 'invalid';
}

function baseVariantId(id: string): string {
  return id.replace(/#\d+$/, '');
}

/** The proxy as the matrix names it: `iptables-nft`, `iptables-legacy`, `nftables`, `ipvs`. */
export function proxyLabel(v: Variant): string {
  return v.proxyMode === 'iptables' ? `iptables-${v.iptablesBackend}` : v.proxyMode;
}

export function groupRuns(runs: readonly RunResults[]): ScenarioGroup[] {
  const scenarios = new Map<string, ScenarioGroup>();
  const sorted = [...runs].sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt));
  for (const run of sorted) {
    const name = run.manifest.scenario.name;
    let s = scenarios.get(name);
    if (!s) scenarios.set(name, (s = { name, runs: [], variants: [], skipped: [] }));
    s.runs.push(run);
    for (const result of run.variants) {
      const id = baseVariantId(result.id);
      let g = s.variants.find((x) => x.id === id);
      if (!g) s.variants.push((g = { id, variant: result.variant, reps: [] }));
      g.reps.push({ run, result });
    }
    for (const k of run.skipped)
      if (!s.skipped.some((x) => x.id === k.id)) s.skipped.push({ id: k.id, reason: k.reason });
  }
  return [...scenarios.values()];
}

/** The median of the counted repetitions' values of a figure, and how many there were. */
export function medianOf(
  g: VariantGroup,
  value: (v: VariantResult) => number | null,
): { value: number | null; n: number; judged: boolean } {
  const { reps, judged } = countedReps(g);
  const xs = reps.map((r) => value(r.result)).filter((x): x is number => x !== null);
  return { value: xs.length ? median(xs) : null, n: xs.length, judged };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
