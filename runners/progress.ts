/**
 * How much of a run is left, for the progress lines (runners/events.ts prints them). Before a variant has
 * finished, only the plan is known: each phase lasts at least as long as its churn's schedule (the pace decides
 * when the last change starts) and its hold. Lab up, the background and the measurements' own tails come on top
 * and are not in the plan, so that first figure is a floor. Once variants have finished, their measured mean
 * is the better guide and replaces it.
 */
import { phaseRounds } from '../scenarios/rounds.ts';
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
  return phaseRounds(phases).reduce((sum, { phase: p }) => {
    const churn = Math.max(0, ...p.churn.map((c) => schedule(c.pace, c.count, random).at(-1) ?? 0));
    const faults = Math.max(0, ...p.faults.map((f) => f.afterSeconds));
    return sum + Math.max(churn, faults) + p.holdSeconds;
  }, 0);
}

/** Where a run is: variants planned and finished, their seconds, and how far into the current one it is. */
