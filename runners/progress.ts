/**
 * How much of a run is left, for the progress lines (runners/events.ts prints them). Before a variant has
 * finished, only the plan is known: each phase lasts at least as long as its churn's schedule (the pace decides
 * when the last change starts) and its hold. Lab up, the background and the measurements' own tails come on top
 * and are not in the plan, so that first figure is a floor. Once variants have finished, their measured mean
 * is the better guide and replaces it.
 */
import type { Phase, Scenario } from '../scenarios/schema.ts';
import { schedule, seededRandom } from './churn/pacers.ts';
import { stepPhases, stepValues } from '../scenarios/headroom-plan.ts';

/** Seconds the phases of one variant take at least, by the plan (every step of a headroom search). */
export function plannedPhaseSeconds(s: Scenario): number {
  if (!s.headroom) return phasesSeconds(s.phases, s.seed);
  const h = s.headroom;
  return stepValues(h).reduce((sum, v) => sum + phasesSeconds(stepPhases(s, h, v), s.seed), 0);
}

function phasesSeconds(phases: readonly Phase[], seed: number): number {
  const random = seededRandom(seed);
  return phases.reduce((sum, p) => {
    const churn = Math.max(0, ...p.churn.map((c) => schedule(c.pace, c.count, random).at(-1) ?? 0));
    const faults = Math.max(0, ...p.faults.map((f) => f.afterSeconds));
    return sum + Math.max(churn, faults) + p.holdSeconds;
  }, 0);
}

/** Where a run is: variants planned and finished, their seconds, and how far into the current one it is. */
export interface RunProgress {
  readonly variants: number;
  /** Seconds each finished variant took. */
  readonly finished: readonly number[];
  /** Seconds since the current variant started (0 between variants). */
  readonly currentSeconds: number;
  /** plannedPhaseSeconds of the scenario, when the caller knows it. */
  readonly plannedPhaseSeconds?: number;
}

/** "about 12 min left (3 of 6 variants to go at 4.1 min each, measured)", or undefined when nothing is known. */
export function remainingEstimate(p: RunProgress): string | undefined {
  const toGo = p.variants - p.finished.length;
  if (toGo <= 0) return undefined;
  if (p.finished.length > 0) {
    const mean = p.finished.reduce((a, b) => a + b, 0) / p.finished.length;
    const left = Math.max(0, toGo * mean - p.currentSeconds);
    return `about ${minutes(left)} left (${toGo} of ${p.variants} variants to go at ${minutes(mean)} each, the mean of those finished)`;
  }
  if (p.plannedPhaseSeconds === undefined) return undefined;
  const left = Math.max(0, toGo * p.plannedPhaseSeconds - p.currentSeconds);
  return `at least ${minutes(left)} left (${toGo} of ${p.variants} variants × ${minutes(p.plannedPhaseSeconds)} of phases by the plan; lab up and measurements come on top until a variant has finished)`;
}

/** 42 s, 3.5 min, 2.1 h. */
export function minutes(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
