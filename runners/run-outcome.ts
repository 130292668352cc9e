/**
 * What a lab run and a kubeconfig run share at both ends: a variant's empty result, collecting its measurements,
 * and the process's exit code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  what = 'measurements: stop and collect',
): Promise<void> {
  if (!measurements.length) return;
  await timedStep(log, what, async () => {
    for (const m of measurements) {
      await m.stop().catch((err: unknown) => result.errors.push(`stopping a measurement: ${err}`));
      const r = m.collect();
      result.measurements.push(r);
      for (const e of r.errors) monitor?.add(`${r.name}: ${e}`);
      for (const s of r.skipped ?? []) log({ kind: 'warn', message: `${r.name}: ${s}` });
    }
  });
}

/**
 * Keeps the evidence of a failed or invalid variant beside the results (`<stem>-artifacts/<variant>/`) before
 * what it ran on goes: `collect` copies what the target has (a lab's logs, state, rule dumps and status; a
 * cluster namespace's pods and events), and the variant's errors and validity reasons are written beside them.
 * Records the directory in the result; a collection that fails is said in a warning, never fails the run.
 */
export async function keepEvidence(
  result: VariantResult,
  resultsPath: string,
  collect: (dir: string) => Promise<unknown>,
  log: Log,
): Promise<void> {
  if (result.status !== 'failed' && result.status !== 'invalid') return;
  const rel = artifactsPath(resultsPath, result.id);
  const dir = join(dirname(resultsPath), rel);
  mkdirSync(dir, { recursive: true });
  const why = [
    `variant ${result.id}: ${result.status}`,
    ...result.errors.map((e) => `error: ${e}`),
    ...(result.validity?.reasons ?? []).map((r) => `invalid: ${r}`),
  ];
  writeFileSync(join(dir, 'errors.txt'), `${why.join('\n')}\n`);
  await timedStep(log, `evidence of ${result.id}: ${dir}`, () => collect(dir)).catch((err: unknown) =>
    log({ kind: 'warn', message: `keeping the evidence of ${result.id} in ${dir}: ${err}` }),
  );
  result.artifacts = rel;
}

/** `<results stem>-artifacts/<variant id>`, the id made a single safe path segment (`v1.37.2_direct…-rep2`). */
export function artifactsPath(resultsPath: string, variantId: string): string {
  const stem = basename(resultsPath).replace(/\.json$/, '');
  const id = variantId.replace(/#(\d+)$/, '-rep$1').replace(/[^\w.-]/g, '_');
  return `${stem}-artifacts/${id}`;
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

/**
 * 130 interrupted, 1 a failure, 5 not judged (no variant passed or failed its SLOs: every one invalid, or none
 * ran), 3 an SLO failed, 0 passed (docs/cli.md). "Not judged" is its own code so that CI can tell a broken lab
 * from a good night: an all-invalid run used to exit 0.
 */
export function exitCodeOf(results: RunResults, aborted: boolean): number {
  const vs = results.variants;
  if (aborted) return 130;
  if (vs.some((v) => v.status === 'failed') || results.status === 'failed') return 1;
  if (!vs.some(isJudged)) return notJudgedExitCode;
  return vs.some((v) => v.status === 'slo-failed') ? 3 : 0;
}

/** The exit code of a run (and a night) that measured nothing it could judge. */
export const notJudgedExitCode = 5;

/** A variant whose SLO verdicts stand: it finished, and the self-audit found the lab fit to measure. */
export function isJudged(v: VariantResult): boolean {
  return v.status === 'passed' || v.status === 'slo-failed';
}
