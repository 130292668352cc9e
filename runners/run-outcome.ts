/** What a lab run and a kubeconfig run share at both ends: a variant's empty result, and the process's exit code. */
import type { PlannedRun } from '../scenarios/plan.ts';
import type { RunResults, VariantResult } from './results/schema.ts';

/** A variant's result before anything ran: status running, every list empty. */
export function newVariantResult(run: PlannedRun): VariantResult {
  return {
    id: run.id,
    variant: run.variant,
    repetition: run.repetition,
    status: 'running',
    startedAt: new Date().toISOString(),
    phases: [],
    measurements: [],
    slos: [],
    errors: [],
  };
}

/** 130 interrupted, 1 a failure, 3 an SLO failed, 0 passed (docs/cli.md). */
export function exitCodeOf(results: RunResults, aborted: boolean): number {
  const vs = results.variants;
  if (aborted) return 130;
  if (vs.some((v) => v.status === 'failed') || results.status === 'failed') return 1;
  return vs.some((v) => v.status === 'slo-failed') ? 3 : 0;
}
