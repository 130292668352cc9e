/**
 * One variant, on whatever host (runners/variant-host.ts): open it, create the background, start the
 * measurements, run the phases (or a headroom search), collect, judge, keep the evidence of a failure, close.
 * Every error is the variant's: the result says what failed, and what was gathered until then is kept.
 */
import { randomBytes } from 'node:crypto';
import type { PlannedRun } from '../scenarios/plan.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { timedStep, type Log } from './events.ts';
import { createMeasurement } from './measurements/registry.ts';
import type { Measurement } from './measurements/measurement.ts';
import { createBackground } from './churn/workload.ts';
import type { ResultsWriter } from './results/writer.ts';
import type { VariantResult } from './results/schema.ts';
import { ValidityMonitor } from './validity.ts';
import type { FaultRecord } from './faults.ts';
import { runPhase } from './phase.ts';
import { runHeadroom } from './headroom.ts';
import { sloVerdicts } from './slos.ts';
import { collectMeasurements, finishVariant, keepEvidence, newVariantResult } from './run-outcome.ts';
import { mergeVersions } from './results/merge-versions.ts';
import type { VariantHost } from './variant-host.ts';

export async function runVariant(
  scenario: Scenario,
  run: PlannedRun,
  host: VariantHost,
  writer: ResultsWriter,
  random: () => number,
  log: Log,
  signal: AbortSignal,
): Promise<VariantResult> {
  const result = newVariantResult(run);
  writer.results.variants.push(result);
  writer.save();
  const runId = randomBytes(4).toString('hex');
  const measurements: Measurement[] = [];
  let monitor: ValidityMonitor | undefined;
  // Aborted on an interrupt or when this variant fails: measurements then only clean up.
  const variantAbort = new AbortController();
  const variantSignal = AbortSignal.any([signal, variantAbort.signal]);
  const faults: FaultRecord[] = [];
  try {
    const opened = await host.open({ run, result, runId, log, signal });
    mergeVersions(writer.results.manifest.versions, opened.versions);
    writer.save();
    const { kc, state } = opened;
    const b = scenario.background;
    const { value: bg, seconds } = await timedStep(
      log,
      `background: ${b.services} Services × ${b.endpointsPerService} endpoints`,
      () =>
        createBackground(
          kc,
          runId,
          {
            ...b,
            namespace: opened.namespace,
            bindToFakeNodes: b.bind === 'direct' ? opened.bindToFakeNodes : 0,
          },
          log,
          signal,
        ),
    );
    result.background = {
      services: bg.services,
      groups: bg.groups,
      namespaces: bg.namespaces.length,
      endpointsPerService: bg.endpointsPerService,
      seconds: Math.round(seconds * 1000) / 1000,
    };
    const ctx = {
      state,
      target: opened.target,
      kc,
      log,
      signal: variantSignal,
      runId,
      backgroundNamespaces: bg.namespaces,
    };
    // Watched from here: what bringing the lab up and the background cost is not the measurements' to judge.
    monitor = new ValidityMonitor(kc, opened.fakeNodes);
    monitor.start();
    const env = { state, kc, runId, bg, random, log, signal, faults };
    if (scenario.headroom)
      await runHeadroom(scenario, scenario.headroom, env, ctx, result, () => writer.save());
    else {
      for (const m of scenario.measurements) {
        const made = createMeasurement(m, ctx);
        measurements.push(made);
        await made.start();
      }
      for (const phase of scenario.phases) {
        const { result: done, dead } = await runPhase(phase, env, measurements);
        result.phases.push(done);
        writer.save();
        if (dead.length) throw new Error(`after phase ${phase.name}: ${dead.join('; ')}`);
      }
    }
  } catch (err) {
    variantAbort.abort(err);
    result.status = 'failed';
    result.errors.push(err instanceof Error ? err.message : String(err));
    log({ kind: 'warn', message: `variant ${run.id} failed: ${result.errors.at(-1)}` });
  }
  await collectMeasurements(measurements, result, monitor, log);
  result.validity = monitor
    ? await monitor.stop()
    : { valid: false, reasons: ['nothing was measured: the variant failed before its measurements started'] };
  result.slos = sloVerdicts(scenario.slos, result.measurements);
  finishVariant(result);
  // While what it ran on still exists; an interrupt is not the variant's failure, and must not wait for copies.
  if (!signal.aborted) await keepEvidence(result, writer.path, (dir) => host.keepEvidence(dir, log), log);
  await host.close(result, log);
  finishVariant(result);
  writer.save();
  return result;
}
