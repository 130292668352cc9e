import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LoadedScenario } from '../scenarios/load.ts';
import {
  expandPlan,
  notBuiltForPlan,
  scenarioKubernetesVersions,
  type PlannedRun,
} from '../scenarios/plan.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { peakServices } from '../scenarios/peak-services.ts';
import { hostFacts, machineFacts } from '../infra/lab/host-facts.ts';
import { labUp } from '../infra/lab/local.ts';
import { loadKubeconfig } from '../infra/lab/kubeconfig.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import { installedVersions } from '../infra/build/debian.ts';
import { requireKubernetesBuilt } from '../infra/build/build.ts';
import { UserError } from './errors.ts';
import { versions } from '../infra/versions.ts';
import { timedStep, type Log } from './events.ts';
import { createMeasurement } from './measurements/registry.ts';
import type { Measurement } from './measurements/measurement.ts';
import { seededRandom } from './churn/pacers.ts';
import { createBackground } from './churn/workload.ts';
import { ResultsWriter } from './results/writer.ts';
import { scalelabVersion } from './version.ts';
import { mergeVersions } from './results/merge-versions.ts';
import { resultsSchemaVersion, type VariantResult } from './results/schema.ts';
import { ValidityMonitor } from './validity.ts';
import { labTarget } from './cluster/target.ts';
import type { FaultRecord } from './faults.ts';
import { runPhase } from './phase.ts';
import { runHeadroom } from './headroom.ts';
import { sloVerdicts } from './slos.ts';
import {
  collectMeasurements,
  finishVariant,
  newVariantResult,
  exitCodeOf,
  keepEvidence,
} from './run-outcome.ts';
import { keepLabArtifacts } from '../infra/lab/artifacts.ts';

/** Exit codes (docs/cli.md): 0 all judged passed, 1 a variant failed, 3 an SLO failed, 5 none judged, 130 interrupted. */
/**
 * Runs every planned variant of a scenario, one lab at a time (brought up fresh per variant under labName),
 * writing the results file as it goes.
 */
export async function runScenario(
  loaded: LoadedScenario,
  outDir: string,
  log: Log,
  signal: AbortSignal,
  runLab = 'run',
): Promise<{ exitCode: number; resultsPath: string }> {
  const { scenario } = loaded;
  const host = hostFacts();
  const plan = expandPlan(scenario, host);
  requireKubernetesBuilt(scenarioKubernetesVersions(scenario));
  const notBuilt = notBuiltForPlan(plan);
  if (notBuilt.length)
    throw new UserError(`${loaded.file}: variants need what is not built yet:\n  ${notBuilt.join('\n  ')}`);
  const startedAt = new Date();
  const path = join(outDir, `${scenario.name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const writer = new ResultsWriter(path, {
    schema: resultsSchemaVersion,
    status: 'running',
    manifest: {
      scenario: { name: scenario.name, file: loaded.file, sha256: loaded.hash, text: loaded.text },
      seed: scenario.seed,
      startedAt: startedAt.toISOString(),
      host: { ...machineFacts(), ipvsMissing: host.ipvsMissing },
      versions: {},
      debianPackages: await installedVersions(versions.debian),
      command: process.argv.slice(1).join(' '),
      scalelab: scalelabVersion(),
      overrides: loaded.overrides,
    },
    skipped: plan.skipped,
    variants: [],
    errors: [],
  });
  for (const s of plan.skipped) log({ kind: 'warn', message: `skipping ${s.id}: ${s.reason}` });
  log({ kind: 'info', message: `results: ${path}` });
  const random = seededRandom(scenario.seed);
  try {
    for (const [i, run] of plan.runs.entries()) {
      signal.throwIfAborted();
      log({ kind: 'step', step: `[${i + 1}/${plan.runs.length}] variant ${run.id}`, status: 'start' });
      const v = await runVariant(scenario, run, writer, random, log, signal, runLab);
      log({
        kind: 'step',
        step: `[${i + 1}/${plan.runs.length}] variant ${run.id}`,
        status: v.status === 'failed' ? 'fail' : 'done',
        detail: v.status,
      });
    }
    // A variant stops itself on an interrupt; the run as a whole must still say it was interrupted.
    signal.throwIfAborted();
    writer.results.status = 'finished';
  } catch (err) {
    writer.results.status = signal.aborted ? 'interrupted' : 'failed';
    writer.results.errors.push(err instanceof Error ? err.message : String(err));
  } finally {
    writer.results.manifest.finishedAt = new Date().toISOString();
    writer.save();
    await labDown(runLab, log);
  }
  log({ kind: 'summary', message: summaryTable(writer.results.variants) });
  return { exitCode: exitCodeOf(writer.results, signal.aborted), resultsPath: path };
}

async function runVariant(
  scenario: Scenario,
  run: PlannedRun,
  writer: ResultsWriter,
  random: () => number,
  log: Log,
  signal: AbortSignal,
  runLab: string,
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
    await labDown(runLab, log);
    const spec = parseLabUpOptions({
      name: runLab,
      fakeNodes: String(scenario.cluster.fakeNodes),
      nodeLeaseSeconds: String(scenario.cluster.nodeLeaseSeconds),
      realNodes: String(scenario.cluster.realNodes),
      podNetwork: run.variant.podNetwork,
      proxyMode: run.variant.proxyMode,
      iptablesBackend: run.variant.iptablesBackend,
      dns: run.variant.dns,
      kubernetesVersion: run.variant.kubernetesVersion,
      maxServices: String(peakServices(scenario)),
    });
    const state = await labUp(spec, log, signal);
    mergeVersions(writer.results.manifest.versions, state.versions);
    result.lab = { flags: state.flags, configFiles: state.configFiles, stepSeconds: state.stepSeconds };
    writer.save();
    const kc = loadKubeconfig(state);
    const { value: bg, seconds } = await timedStep(
      log,
      `background: ${scenario.background.services} Services × ${scenario.background.endpointsPerService} endpoints`,
      () =>
        createBackground(
          kc,
          runId,
          {
            ...scenario.background,
            namespace: 'default',
            bindToFakeNodes: scenario.background.bind === 'direct' ? scenario.cluster.fakeNodes : 0,
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
      target: labTarget(state),
      kc,
      log,
      signal: variantSignal,
      runId,
      backgroundNamespaces: bg.namespaces,
    };
    monitor = new ValidityMonitor(kc, scenario.cluster.fakeNodes);
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
  result.validity = monitor ? await monitor.stop() : { valid: false, reasons: ['the lab never came up'] };
  result.slos = sloVerdicts(scenario.slos, result.measurements);
  finishVariant(result);
  // Before the next variant's (or the run's last) labDown deletes the logs the error points at; an interrupt
  // is not the lab's failure, and must not wait for copies.
  if (!signal.aborted) await keepEvidence(result, writer.path, (dir) => keepLabArtifacts(runLab, dir), log);
  writer.save();
  return result;
}

export function summaryTable(vs: readonly VariantResult[]): string {
  const rows = vs.map((v) => {
    const get = (m: string, k: string) => {
      const x = v.measurements.find((r) => r.name === m)?.summary[k];
      return x === undefined || x === null ? '-' : String(x);
    };
    return [
      v.id,
      v.status,
      get('networkProgrammingLatency', 'kubeProxyP50Ms'),
      get('networkProgrammingLatency', 'probeAddP50Ms'),
      get('ruleSync', 'syncP50Ms'),
      get('ruleSync', 'rules'),
      get('controlPlane', 'apiMutatingP99Ms'),
    ];
  });
  const head = [
    'variant',
    'status',
    'kube-proxy p50 ms',
    'probe add p50 ms',
    'sync p50 ms',
    'rules',
    'api mut p99 ms',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n  ');
}
