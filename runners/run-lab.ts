/**
 * One planned lab, on whatever host (runners/variant-host.ts): open it (the host creates the background when it
 * suits it: a lab before its real nodes start), start each variant's measurements on its own view of the host,
 * run the phases (every round of a repeated one, or a headroom search), collect, judge, keep the evidence of a
 * failure, close. Usually one variant; variants side by side (variants.sideBySide) share the lab's background
 * and phases and are measured at the same moments, so a round's noise hits all of them. Every error is the
 * lab's variants': their results say what failed, and what was gathered until then is kept.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedLab } from '../scenarios/lab-groups.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { phaseRounds } from '../scenarios/rounds.ts';
import { timedStep, type Log } from './events.ts';
import { createMeasurement } from './measurements/registry.ts';
import { timedMeasurement } from './measurements/timed.ts';
import type { Measurement, MeasurementContext } from './measurements/measurement.ts';
import type { Background } from './churn/workload.ts';
import { createBackground } from './churn/background.ts';
import type { ResultsWriter } from './results/writer.ts';
import type { VariantResult } from './results/schema.ts';
import { ValidityMonitor } from './validity.ts';
import type { FaultRecord } from './faults.ts';
import { runPhase, type PhaseEnv } from './phase.ts';
import { runHeadroom } from './headroom.ts';
import { sloVerdicts } from './slos.ts';
import { collectMeasurements, finishVariant, keepEvidence, newVariantResult } from './run-outcome.ts';
import { mergeVersions } from './results/merge-versions.ts';
import type { BackgroundPlace, VariantHost } from './variant-host.ts';
import type { KubeConfig } from '@kubernetes/client-node';

export async function runLab(
  scenario: Scenario,
  lab: PlannedLab,
  labNumber: number,
  host: VariantHost,
  writer: ResultsWriter,
  random: () => number,
  log: Log,
  signal: AbortSignal,
): Promise<VariantResult[]> {
  const results = lab.runs.map(newVariantResult);
  writer.results.variants.push(...results);
  writer.save();
  const runId = randomBytes(4).toString('hex');
  // Each variant's measurements, in the order of lab.runs.
  const measurements: Measurement[][] = lab.runs.map(() => []);
  let monitor: ValidityMonitor | undefined;
  // Aborted on an interrupt or when the lab fails: measurements then only clean up.
  const labAbort = new AbortController();
  const labSignal = AbortSignal.any([signal, labAbort.signal]);
  try {
    let made: Background | undefined;
    const opened = await host.open({
      lab,
      results,
      runId,
      log,
      signal,
      createBackground: async (kc, where) => {
        made = await background(scenario, kc, where, runId, results, log, signal);
      },
    });
    for (const r of results) if (r.sideBySide) r.sideBySide.lab = labNumber;
    mergeVersions(writer.results.manifest.versions, opened.versions);
    writer.save();
    if (!made) throw new Error('the host opened without creating the background');
    const bg: Background = made;
    const contexts: MeasurementContext[] = opened.views.map((view) => ({
      state: view.state,
      target: view.target,
      kc: opened.kc,
      log,
      signal: labSignal,
      runId,
      backgroundNamespaces: bg.namespaces,
    }));
    // Watched from here: what bringing the lab up and the background cost is not the measurements' to judge.
    monitor = new ValidityMonitor(opened.kc, opened.fakeNodes);
    monitor.start();
    const faults: FaultRecord[] = [];
    const env: PhaseEnv = { state: opened.state, kc: opened.kc, runId, bg, random, log, signal, faults };
    if (scenario.headroom)
      await runHeadroom(scenario, scenario.headroom, env, contexts[0]!, results[0]!, () => writer.save());
    else await runPhases(scenario, env, contexts, measurements, results, () => writer.save());
  } catch (err) {
    labAbort.abort(err);
    const message = err instanceof Error ? err.message : String(err);
    for (const r of results) {
      r.status = 'failed';
      r.errors.push(message);
    }
    log({ kind: 'warn', message: `${lab.runs.map((r) => r.id).join(' + ')} failed: ${message}` });
  }
  // Side by side, every variant's active probes at stop run at once, as their phases did. A measurement's
  // errors make its own variant invalid; what the monitor finds (the harness, the fake nodes) is the lab's.
  // What the variants share (controlPlane: the harness's CPU) closes after every variant's other measurements,
  // so each reads the same window (a variant whose stop was short read the others' busiest seconds only).
  const own = results.map(() => new Set<string>());
  for (const last of [false, true])
    await Promise.all(
      results.map((r, k) =>
        collectMeasurements(
          measurements[k]!.filter((m) => Boolean(m.closesLast) === last),
          r,
          monitor && { add: (x) => own[k]!.add(x) },
          log,
          last ? 'shared measurements: stop and collect' : undefined,
        ),
      ),
    );
  const validity = monitor
    ? await monitor.stop()
    : { valid: false, reasons: ['nothing was measured: the variant failed before its measurements started'] };
  for (const n of validity.notes ?? []) log({ kind: 'warn', message: n });
  for (const [k, r] of results.entries()) {
    const reasons = [...validity.reasons, ...own[k]!];
    r.validity = { ...validity, valid: reasons.length === 0, reasons, notes: [...(validity.notes ?? [])] };
    r.slos = sloVerdicts(scenario.slos, r.measurements);
    finishVariant(r);
  }
  // While what it ran on still exists; an interrupt is not the variant's failure, and must not wait for copies.
  if (!signal.aborted) {
    // Side by side, the variants share one lab: its evidence is copied once, the others point to it.
    let copiedTo: string | undefined;
    const collect = async (dir: string) => {
      if (copiedTo)
        return writeFileSync(join(dir, 'lab-evidence.txt'), `the shared lab's evidence: ${copiedTo}\n`);
      copiedTo = dir;
      return host.keepEvidence(dir, log);
    };
    for (const r of results) await keepEvidence(r, writer.path, collect, log);
  }
  await host.close(results, log);
  for (const r of results) finishVariant(r);
  writer.save();
  return results;
}

/** The background, once for the lab, recorded in every variant's result. */
async function background(
  scenario: Scenario,
  kc: KubeConfig,
  where: BackgroundPlace,
  runId: string,
  results: readonly VariantResult[],
  log: Log,
  signal: AbortSignal,
): Promise<Background> {
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
          namespace: where.namespace,
          bindToFakeNodes: b.bind === 'scheduler' ? 0 : where.bindToFakeNodes,
          barePods: b.bind === 'pods',
        },
        log,
        signal,
      ),
  );
  for (const r of results)
    r.background = {
      services: bg.services,
      groups: bg.groups,
      namespaces: bg.namespaces.length,
      endpointsPerService: bg.endpointsPerService,
      bind: b.bind,
      seconds: Math.round(seconds * 1000) / 1000,
    };
  return bg;
}

/** Starts every variant's measurements, then runs each phase (each round of a repeated one) once for all. */
async function runPhases(
  scenario: Scenario,
  env: PhaseEnv,
  contexts: readonly MeasurementContext[],
  measurements: Measurement[][],
  results: readonly VariantResult[],
  save: () => void,
): Promise<void> {
  await Promise.all(
    contexts.map(async (ctx, k) => {
      for (const m of scenario.measurements) {
        const made = timedMeasurement(createMeasurement(m, ctx), `${results[k]!.id}: ${m.name}`, env.log);
        measurements[k]!.push(made);
        await made.start();
      }
    }),
  );
  for (const { phase, name, round } of phaseRounds(scenario.phases)) {
    const end = round ? { round, rounds: phase.repeat } : {};
    const { result: done, dead } = await runPhase(phase, env, measurements, name, end);
    const recorded = round ? { ...done, round: { of: phase.name, round } } : done;
    for (const r of results) r.phases.push(recorded);
    save();
    if (dead.length) throw new Error(`after phase ${name}: ${dead.join('; ')}`);
  }
}
