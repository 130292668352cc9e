/**
 * A headroom search as the report reads it from a results file: steps, each watched SLO's figure and verdict,
 * the knee's sentence and values. The file was checked against its definition when read.
 */
import type { HeadroomStep, VariantResult } from '../runners/results/schema.ts';

export interface HeadroomFigures {
  readonly unit: string;
  readonly slos: readonly string[];
  readonly steps: readonly HeadroomStep[];
  /** The knee's sentence; undefined while the search ran or after a crash. */
  readonly summary?: string;
  /** Why the search stopped (slo-broke, max-reached, not-judged, failed); null when unfinished. */
  readonly stop: string | null;
  readonly lastPassing: number | null;
  readonly firstFailing: number | null;
}

export function headroomOf(v: VariantResult): HeadroomFigures | undefined {
  const h = v.headroom;
  if (!h) return undefined;
  return {
    unit: h.unit,
    slos: h.slos,
    steps: h.steps,
    summary: h.knee?.summary,
    stop: h.knee?.stop ?? null,
    lastPassing: h.knee?.lastPassing ?? null,
    firstFailing: h.knee?.firstFailing ?? null,
  };
}

/** A step's verdict as the table and chart say it (runners/headroom-knee.ts decides the same way). */
export function stepVerdict(s: HeadroomStep): 'held' | 'broke' | 'not judged' {
  if (!s.validity.valid) return 'not judged';
  if (s.slos.some((x) => x.passed === false)) return 'broke';
  return s.slos.some((x) => x.passed === null) ? 'not judged' : 'held';
}
