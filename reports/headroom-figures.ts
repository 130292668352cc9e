/**
 * A headroom search as the report reads it from a results file: steps, each watched SLO's figure and verdict,
 * the knee. The results are `unknown` JSON from disk, so every field is checked; a malformed search is left out.
 */
import type { VariantResult } from '../runners/results/schema.ts';
import { isObject, listOf, num, str } from './guards.ts';

export interface HeadroomSloFigure {
  readonly name: string;
  readonly thresholdMs: number;
  readonly valueMs: number | null;
  readonly passed: boolean | null;
}

export interface HeadroomStepFigures {
  readonly value: number;
  readonly slos: HeadroomSloFigure[];
  readonly valid: boolean;
  readonly reasons: string[];
}

export interface HeadroomFigures {
  readonly unit: string;
  readonly slos: string[];
  readonly steps: HeadroomStepFigures[];
  /** The knee's sentence; undefined while the search ran or after a crash. */
  readonly summary?: string;
  /** Why the search stopped (slo-broke, max-reached, not-judged, failed); null when unfinished. */
  readonly stop: string | null;
  readonly lastPassing: number | null;
  readonly firstFailing: number | null;
}

export function headroomOf(v: VariantResult): HeadroomFigures | undefined {
  const h: unknown = v.headroom;
  if (!isObject(h)) return undefined;
  const unit = str(h.unit);
  if (unit === null || !Array.isArray(h.slos)) return undefined;
  const steps = listOf(h, 'steps').flatMap((s): HeadroomStepFigures[] => {
    const value = num(s.value);
    if (value === null) return [];
    const validity = isObject(s.validity) ? s.validity : {};
    return [
      {
        value,
        slos: listOf(s, 'slos').flatMap((x) => {
          const name = str(x.name);
          const thresholdMs = num(x.thresholdMs);
          if (name === null || thresholdMs === null) return [];
          const passed = typeof x.passed === 'boolean' ? x.passed : null;
          return [{ name, thresholdMs, valueMs: num(x.valueMs), passed }];
        }),
        valid: validity.valid !== false,
        reasons: Array.isArray(validity.reasons) ? validity.reasons.filter((r) => typeof r === 'string') : [],
      },
    ];
  });
  const knee = isObject(h.knee) ? h.knee : undefined;
  return {
    unit,
    slos: h.slos.filter((x): x is string => typeof x === 'string'),
    steps,
    summary: knee ? (str(knee.summary) ?? undefined) : undefined,
    stop: knee ? str(knee.stop) : null,
    lastPassing: knee ? num(knee.lastPassing) : null,
    firstFailing: knee ? num(knee.firstFailing) : null,
  };
}

/** A step's verdict as the table and chart say it (runners/headroom-knee.ts decides the same way). */
export function stepVerdict(s: HeadroomStepFigures): 'held' | 'broke' | 'not judged' {
  if (!s.valid) return 'not judged';
  if (s.slos.some((x) => x.passed === false)) return 'broke';
  return s.slos.some((x) => x.passed === null) ? 'not judged' : 'held';
}
