/** What the report's chart specs share: the plot width, how unjudgeable variants are drawn, repetition notes. */
import { countedReps, type VariantGroup } from './groups.ts';

export const width = 560;

/** Opacity by whether the figure can be judged: variants none of whose runs is valid are drawn faded. */
export const judgedOpacity = { condition: { test: 'datum.judged', value: 1 }, value: 0.35 } as const;

/** "median over up to N repetitions; " when variants were repeated, else nothing. */
export function repsNote(groups: readonly VariantGroup[]): string {
  const n = Math.max(...groups.map((g) => countedReps(g).reps.length));
  return n > 1 ? `median over up to ${n} repetitions; ` : '';
}
