/**
 * What a lab run and a kubeconfig run share at both ends: a variant's empty result, collecting its measurements,
 * and the process's exit code.
 */
import type { PlannedRun } from '../scenarios/plan.ts';
import type { RunResults, VariantResult } from './results/schema.ts';
import type { Measurement } from './measurements/measurement.ts';
import { timedStep, type Log } from './events.ts';

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

/**
 * Stops every measurement and puts its result in the variant's; a measurement's errors make the variant invalid
 * (through `monitor`, absent when the lab never came up) and what it skipped is said.
 */
export async function collectMeasurements(
  measurements: readonly Measurement[],
  result: VariantResult,
  monitor: { add(reason: string): void } | undefined,
  log: Log,
): Promise<void> {
  await timedStep(log, 'measurements: stop and collect', async () => {
    for (const m of measurements) {
      await m.stop().catch((err: unknown) => result.errors.push(`stopping a measurement: ${err}`));
      const r = m.collect();
      result.measurements.push(r);
      for (const e of r.errors) monitor?.add(`${r.name}: ${e}`);
      for (const s of r.skipped ?? []) log({ kind: 'warn', message: `${r.name}: ${s}` });
    }
  });
}

/** The variant's verdict once its validity and SLOs are known (a failed variant stays failed), and its end time. */
export function finishVariant(result: VariantResult): void {
  if (result.status !== 'failed') {
    result.status = !result.validity?.valid
      ? 'invalid'
      : result.slos.some((s) => s.passed === false)
        ? 'slo-failed'
        : 'passed';
  }
  result.finishedAt = new Date().toISOString();
}

/** 130 interrupted, 1 a failure, 3 an SLO failed, 0 passed (docs/cli.md). */
export function exitCodeOf(results: RunResults, aborted: boolean): number {
  const vs = results.variants;
  if (aborted) return 130;
  if (vs.some((v) => v.status === 'failed') || results.status === 'failed') return 1;
  return vs.some((v) => v.status === 'slo-failed') ? 3 : 0;
}
