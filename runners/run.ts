import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LoadedScenario } from '../scenarios/load.ts';
import { expandPlan, nodelocalUnavailable, type PlannedRun } from '../scenarios/plan.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { hostFacts, machineFacts } from '../infra/lab/host-facts.ts';
import { labUp, loadKubeconfig } from '../infra/lab/local.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import { installedVersions } from '../infra/build/debian.ts';
import { versions } from '../infra/versions.ts';
import { sleepUnlessAborted } from '../infra/lab/processes.ts';
import { timedStep, type Log } from './events.ts';
import { createMeasurement } from './measurements/registry.ts';
import type { Measurement } from './measurements/measurement.ts';
import { runChurn } from './churn/driver.ts';
import { seededRandom } from './churn/pacers.ts';
import { createBackground } from './churn/workload.ts';
import { ResultsWriter } from './results/writer.ts';
import { resultsSchemaVersion, type SloVerdict, type VariantResult } from './results/schema.ts';
import { ValidityMonitor } from './validity.ts';
import { deadComponents, injectFault, type FaultRecord } from './faults.ts';

/** Exit codes (docs/cli.md): 0 all passed or invalid-only, 1 a variant failed, 3 an SLO failed, 130 interrupted. */
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
  const plan = expandPlan(scenario, host, { nodelocal: nodelocalUnavailable });
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
  log({ kind: 'info', message: summaryTable(writer.results.variants) });
  const vs = writer.results.variants;
  const exitCode = signal.aborted
    ? 130
    : vs.some((v) => v.status === 'failed') || writer.results.status === 'failed'
      ? 1
      : vs.some((v) => v.status === 'slo-failed')
        ? 3
        : 0;
  return { exitCode, resultsPath: path };
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
  const result: VariantResult = {
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
      nodeLeaseSeconds: '240',
      realNodes: String(scenario.cluster.realNodes),
      podNetwork: run.variant.podNetwork,
      proxyMode: run.variant.proxyMode,
      iptablesBackend: run.variant.iptablesBackend,
      dns: run.variant.dns,
    });
    const state = await labUp(spec, log, signal);
    Object.assign(writer.results.manifest.versions, state.versions);
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
          scenario.background.services,
          scenario.background.endpointsPerService,
          log,
          signal,
        ),
    );
    result.background = {
      services: bg.services,
      groups: bg.groups,
      endpointsPerService: bg.endpointsPerService,
      seconds: Math.round(seconds * 1000) / 1000,
    };
    const ctx = { state, kc, log, signal: variantSignal, runId };
    monitor = new ValidityMonitor(kc, scenario.cluster.fakeNodes);
    monitor.start();
    for (const m of scenario.measurements) {
      const made = createMeasurement(m, ctx);
      measurements.push(made);
      await made.start();
    }
    for (const phase of scenario.phases) {
      const t0 = performance.now();
      const phaseFaults: FaultRecord[] = [];
      const { value: churn } = await timedStep(log, `phase ${phase.name}`, async () => {
        const injected = phase.faults.map(async (f) => {
          await sleepUnlessAborted(f.afterSeconds * 1000, signal);
          const r = await injectFault(state, kc, f, phase.name);
          phaseFaults.push(r);
          faults.push(r);
          log({
            kind: 'warn',
            message: `fault: ${r.error ? `could not kill ${r.target}: ${r.error}` : `killed ${r.target} (pid ${r.pid}) at ${r.at}`}`,
          });
        });
        const [stats] = await Promise.all([
          Promise.all(phase.churn.map((c) => runChurn(kc, runId, bg, c, random, log, signal))),
          Promise.all(injected),
        ]);
        if (phase.holdSeconds > 0) await sleepUnlessAborted(phase.holdSeconds * 1000, signal);
        return stats;
      });
      for (const c of churn)
        if (c.errors)
          log({
            kind: 'warn',
            message: `${phase.name}: ${c.errors} API errors in ${c.kind} churn, e.g. ${c.firstErrors[0]}`,
          });
      const dead = deadComponents(state, faults);
      if (!dead.length) for (const m of measurements) await m.mark?.(phase.name);
      result.phases.push({
        name: phase.name,
        churn,
        holdSeconds: phase.holdSeconds,
        seconds: Math.round(performance.now() - t0) / 1000,
        ...(phaseFaults.length ? { faults: phaseFaults } : {}),
      });
      writer.save();
      if (dead.length) throw new Error(`after phase ${phase.name}: ${dead.join('; ')}`);
    }
  } catch (err) {
    variantAbort.abort(err);
    result.status = 'failed';
    result.errors.push(err instanceof Error ? err.message : String(err));
    log({ kind: 'warn', message: `variant ${run.id} failed: ${result.errors.at(-1)}` });
  }
  await timedStep(log, 'measurements: stop and collect', async () => {
    for (const m of measurements) {
      await m.stop().catch((err: unknown) => result.errors.push(`stopping a measurement: ${err}`));
      const r = m.collect();
      result.measurements.push(r);
      for (const e of r.errors) monitor?.add(`${r.name}: ${e}`);
    }
  });
  result.validity = monitor ? await monitor.stop() : { valid: false, reasons: ['the lab never came up'] };
  result.slos = sloVerdicts(scenario, result);
  if (result.status !== 'failed') {
    result.status = !result.validity.valid
      ? 'invalid'
      : result.slos.some((s) => s.passed === false)
        ? 'slo-failed'
        : 'passed';
  }
  result.finishedAt = new Date().toISOString();
  writer.save();
  return result;
}

/** SLO thresholds from the scenario against the figures; a breach is a verdict, never an exception. */
function sloVerdicts(s: Scenario, r: VariantResult): SloVerdict[] {
  const value = (measurement: string, key: string) =>
    r.measurements.find((m) => m.name === measurement)?.summary[key] ?? null;
  const checks: [string, number | undefined, number | null][] = [
    [
      'networkProgrammingP99Ms',
      s.slos.networkProgrammingP99Ms,
      value('networkProgrammingLatency', 'kubeProxyP99Ms'),
    ],
    ['ruleSyncP99Ms', s.slos.ruleSyncP99Ms, value('ruleSync', 'syncP99Ms')],
    ['apiMutatingP99Ms', s.slos.apiMutatingP99Ms, value('controlPlane', 'apiMutatingP99Ms')],
  ];
  return checks
    .filter((c): c is [string, number, number | null] => c[1] !== undefined)
    .map(([name, thresholdMs, valueMs]) => ({
      name,
      thresholdMs,
      valueMs,
      passed: valueMs === null ? null : valueMs <= thresholdMs,
    }));
}

function summaryTable(vs: readonly VariantResult[]): string {
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
