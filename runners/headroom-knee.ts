/**
 * The verdicts of a headroom search, pure so they are tested on made-up steps: what one step says (pass, an
 * SLO broke, or nothing to judge), and where the search stopped (the knee).
 */
import type { HeadroomKnee, HeadroomResult, HeadroomStep, SloVerdict } from './results/schema.ts';

export type StepOutcome = 'pass' | 'broke' | 'not-judged';

/**
 * An invalid step is never a break: when the harness saturates or fake nodes fall behind, the lab hit its own
 * limit, not the SLO's, and a "knee" there would blame the cluster for the laboratory.
 */
export function stepOutcome(step: HeadroomStep): StepOutcome {
  if (!step.validity.valid) return 'not-judged';
  if (step.slos.some((s) => s.passed === false)) return 'broke';
  if (step.slos.some((s) => s.passed === null)) return 'not-judged';
  return 'pass';
}

/** Where the search stopped and why. `failed`: the variant failed during (or before) the last step. */
export function kneeOf(h: HeadroomResult, failed = false): HeadroomKnee {
  const fmt = (v: number) => `${v.toLocaleString('en-US')} ${h.unit}`;
  const passing = h.steps.filter((s) => stepOutcome(s) === 'pass');
  const lastPassing = passing.length ? Math.max(...passing.map((s) => s.value)) : null;
  const held = lastPassing === null ? 'no step passed' : `held at ${fmt(lastPassing)}`;
  const last = h.steps.at(-1);
  if (failed || !last)
    return {
      stop: 'failed',
      lastPassing,
      firstFailing: null,
      broken: [],
      summary: `the variant failed ${last ? `after the step at ${fmt(last.value)}` : 'before the first step'}; ${held}`,
    };
  const outcome = stepOutcome(last);
  if (outcome === 'pass')
    return {
      stop: 'max-reached',
      lastPassing,
      firstFailing: null,
      broken: [],
      summary: `no knee below max: every SLO held up to ${fmt(last.value)} (max ${fmt(h.max)})`,
    };
  if (outcome === 'not-judged') {
    const why = last.validity.valid
      ? `no figure for ${last.slos
          .filter((s) => s.passed === null)
          .map((s) => s.name)
          .join(', ')}`
      : `the step was invalid (${last.validity.reasons.join('; ')})`;
    return {
      stop: 'not-judged',
      lastPassing,
      firstFailing: last.value,
      broken: [],
      summary: `not judged at ${fmt(last.value)}: ${why}; ${held}`,
    };
  }
  const broken = last.slos.filter((s) => s.passed === false);
  return {
    stop: 'slo-broke',
    lastPassing,
    firstFailing: last.value,
    broken,
    summary: `${broken.map(describe).join(', ')} at ${fmt(last.value)}; ${held}`,
  };
}

/** "apiMutatingP99Ms broke (1,355 ms > 1,000 ms)" */
function describe(s: SloVerdict): string {
  const ms = (x: number | null) => `${Math.round(x ?? 0).toLocaleString('en-US')} ms`;
  return `${s.name} broke (${ms(s.valueMs)} > ${ms(s.thresholdMs)})`;
}
