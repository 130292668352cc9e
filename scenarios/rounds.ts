/**
 * A phase's rounds (`repeat:`): the phase run again under the names `<name>-r1`, `<name>-r2`, …, so every
 * measurement's per-phase figures hold one entry per round, and variants side by side one pair per round.
 */
import type { Phase } from './schema.ts';

export interface PhaseRound {
  readonly phase: Phase;
  /** The name the round is recorded under: the phase's own when it runs once. */
  readonly name: string;
  /** 1-based; absent when the phase runs once. */
  readonly round?: number;
}

export function phaseRounds(phases: readonly Phase[]): PhaseRound[] {
  return phases.flatMap((phase) =>
    phase.repeat > 1
      ? Array.from({ length: phase.repeat }, (_, i) => ({
          phase,
          name: `${phase.name}-r${i + 1}`,
          round: i + 1,
        }))
      : [{ phase, name: phase.name }],
  );
}
