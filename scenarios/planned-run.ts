/** One run of the plan: a variant, one repetition of it. A leaf, so plan.ts and lab-groups.ts both use it. */
import type { Variant } from '../runners/results/definition.ts';

export interface PlannedRun {
  readonly id: string;
  readonly variant: Variant;
  readonly repetition: number;
}
