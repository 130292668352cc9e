/**
 * A headroom search in one variant's lab: the phases again at each step's value (scenarios/headroom-plan.ts),
 * fresh measurements around each step so its SLOs are judged on that step alone, stopping at the first step
 * that breaks a watched SLO (or cannot be judged) or after the last step below max.
 *
 * One lab for all steps, not one per step: a lab takes minutes to come up here, and the capacity question is
 * how this cluster copes as the load rises, which is what a pre-upgrade test asks. The cost is that a step
 * inherits what the ones before left (Services created by earlier steps stay); the results say what ran.
 */
import type { HeadroomSpec, Scenario } from '../scenarios/schema.ts';
import { headroomUnit, stepPhases, stepValues, watchedSlos } from '../scenarios/headroom-plan.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurements/measurement.ts';
import { createMeasurement } from './measurements/registry.ts';
import { runChurn } from './churn/driver.ts';
import { defaultMaxInFlight } from './churn/paced.ts';
import type { HeadroomResult, HeadroomStep, VariantResult } from './results/schema.ts';
import { ValidityMonitor } from './validity.ts';
import { runPhase, type PhaseEnv } from './phase.ts';
import { sloVerdicts } from './slos.ts';
import { kneeOf, stepOutcome } from './headroom-knee.ts';
import { timedStep } from './events.ts';

/**
 * Runs the search, recording every step in result.headroom as it goes. The variant's own measurements and
 * slos become those of the last passing step (or of the first step, if none passed), so the rest of the
 * report and the exit code read "the load this cluster carries within its SLOs".
 */
export async function runHeadroom(
  scenario: Scenario,
  h: HeadroomSpec,
  env: PhaseEnv,
  ctx: MeasurementContext,
  result: VariantResult,
  save: () => void,
): Promise<void> {
  const unit = headroomUnit(h.vary);
  const hr: HeadroomResult = { vary: h.vary, unit, max: h.max, slos: watchedSlos(scenario, h), steps: [] };
  result.headroom = hr;
  let kept: MeasurementResult[] | undefined;
  try {
    for (const value of stepValues(h)) {
      env.signal.throwIfAborted();
      if (h.vary === 'services' && env.bg.services < value) await grow(env, value, h.growQps, result, save);
      const { step, measurements, dead } = await runStep(scenario, h, value, env, ctx, result, save);
      hr.steps.push(step);
      save();
      if (dead.length) throw new Error(`after the headroom step at ${value} ${unit}: ${dead.join('; ')}`);
      const outcome = stepOutcome(step);
      const figures = step.slos.map((s) => `${s.name} ${s.valueMs ?? '-'} / ${s.thresholdMs} ms`).join(', ');
      env.log({
        kind: outcome === 'pass' ? 'info' : 'warn',
        message: `headroom ${value} ${unit}: ${outcome} (${figures})`,
      });
      if (outcome === 'pass' || !kept) kept = measurements;
      if (outcome !== 'pass') break;
    }
    hr.knee = kneeOf(hr);
  } catch (err) {
    hr.knee = kneeOf(hr, true);
    throw err;
  } finally {
    if (kept) result.measurements = kept;
    save();
  }
  env.log({ kind: 'info', message: `headroom knee: ${hr.knee.summary}` });
}

/** One step: measurements started fresh, the step's phases, then stop, collect and judge. */
async function runStep(
  scenario: Scenario,
  h: HeadroomSpec,
  value: number,
  env: PhaseEnv,
  ctx: MeasurementContext,
  result: VariantResult,
  save: () => void,
): Promise<{ step: HeadroomStep; measurements: MeasurementResult[]; dead: string[] }> {
  const t0 = performance.now();
  const monitor = new ValidityMonitor(env.kc, scenario.cluster.fakeNodes);
  monitor.start();
  const started: Measurement[] = [];
  const collected: MeasurementResult[] = [];
  let dead: string[] = [];
  try {
    for (const spec of scenario.measurements) {
      const m = createMeasurement(spec, ctx);
      started.push(m);
      await m.start();
    }
    for (const phase of stepPhases(scenario, h, value)) {
      const r = await runPhase(phase, env, [started], `${phase.name}@${value}`);
      result.phases.push(r.result);
      save();
      dead = r.dead;
      if (dead.length) break;
    }
  } finally {
    // Also after a failure: a measurement's probe pods and scrapes must not outlive the step.
    await timedStep(env.log, `measurements of step ${value}: stop and collect`, async () => {
      for (const m of started) {
        await m.stop().catch((err: unknown) => monitor.add(`stopping a measurement: ${err}`));
        const r = m.collect();
        collected.push(r);
        for (const e of r.errors) monitor.add(`${r.name}: ${e}`);
      }
    });
  }
  const validity = await monitor.stop();
  const step: HeadroomStep = {
    value,
    slos: sloVerdicts(scenario.slos, collected, watchedSlos(scenario, h)),
    validity,
    summaries: Object.fromEntries(collected.map((r) => [r.name, r.summary])),
    seconds: Math.round(performance.now() - t0) / 1000,
  };
  return { step, measurements: collected, dead };
}

/** Grows the cluster to `services` Services before a step, unmeasured; recorded as a phase `grow@<n>`. */
async function grow(
  env: PhaseEnv,
  services: number,
  qps: number,
  result: VariantResult,
  save: () => void,
): Promise<void> {
  const t0 = performance.now();
  const pace = { type: 'qps', qps } as const;
  const { value: stats } = await timedStep(env.log, `grow to ${services} Services`, () =>
    runChurn(
      env.kc,
      env.runId,
      env.bg,
      { kind: 'services', count: services - env.bg.services, pace, maxInFlight: defaultMaxInFlight },
      env.random,
      env.log,
      env.signal,
    ),
  );
  result.phases.push({
    name: `grow@${services}`,
    churn: [stats],
    holdSeconds: 0,
    seconds: Math.round(performance.now() - t0) / 1000,
  });
  save();
}
