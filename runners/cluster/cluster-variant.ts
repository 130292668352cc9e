/**
 * One repetition against a cluster: a namespace of its own, the background, the measurements around the phases,
 * the verdicts; then the namespace is deleted and waited for, also after a failure or an interrupt. The steps
 * are the lab run's (runners/run.ts) minus bringing a lab up and down.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Scenario } from '../../scenarios/schema.ts';
import type { PlannedRun } from '../../scenarios/plan.ts';
import { timedStep, type Log } from '../events.ts';
import { createMeasurement } from '../measurements/registry.ts';
import type { Measurement } from '../measurements/measurement.ts';
import { backgroundNamespaces, createBackground } from '../churn/workload.ts';
import type { ResultsWriter } from '../results/writer.ts';
import type { VariantResult } from '../results/schema.ts';
import { ValidityMonitor } from '../validity.ts';
import type { FaultRecord } from '../faults.ts';
import { runPhase } from '../phase.ts';
import { sloVerdicts } from '../slos.ts';
import { kubeconfigTarget } from './kubeconfig-target.ts';
import { createRunNamespace, deleteRunNamespace } from './namespace.ts';
import type { ClusterFacts } from './cluster-facts.ts';
import { collectMeasurements, finishVariant, keepEvidence, newVariantResult } from '../run-outcome.ts';
import { keepNamespaceArtifacts } from './namespace-artifacts.ts';

export interface ClusterRunOptions {
  readonly kubeconfig: string;
  /** The traffic agent's image (runners/traffic/agent.ts); the lab's node agent maps the default. */
  readonly agentImage: string;
  /** Workers per traffic Job. */
  readonly workers: number;
  /** Whether the run may write outside its namespace (the DNS measurement's CoreDNS rollout). */
  readonly allowClusterWrites: boolean;
}

export async function runClusterVariant(
  scenario: Scenario,
  run: PlannedRun,
  facts: ClusterFacts,
  kc: KubeConfig,
  opts: ClusterRunOptions,
  writer: ResultsWriter,
  random: () => number,
  log: Log,
  signal: AbortSignal,
): Promise<VariantResult> {
  const result = newVariantResult(run);
  writer.results.variants.push(result);
  const runId = randomBytes(4).toString('hex');
  const measurements: Measurement[] = [];
  // No fake-node count to watch: the cluster's nodes are not the harness's to judge.
  const monitor = new ValidityMonitor(kc, 0);
  monitor.start();
  const variantAbort = new AbortController();
  const variantSignal = AbortSignal.any([signal, variantAbort.signal]);
  let namespace: string | undefined;
  /** The spread background's namespaces beside the run's own (background.namespaces), deleted with it. */
  let extraNamespaces: string[] = [];
  try {
    namespace = await createRunNamespace(kc, runId);
    const target = await kubeconfigTarget(kc, namespace, opts.agentImage, {
      workers: opts.workers,
      writesOutsideNamespace: opts.allowClusterWrites,
    });
    result.cluster = {
      context: facts.context,
      server: facts.server,
      version: facts.version,
      proxyMode: facts.proxyMode,
      proxyModeSource: facts.proxyModeSource,
      namespace,
      nodes: target.nodes.map((n) => n.name),
      agentImage: opts.agentImage,
    };
    writer.save();
    log({ kind: 'info', message: `namespace ${namespace}; nodes ${result.cluster.nodes.join(', ')}` });
    const b = scenario.background;
    const ns = namespace;
    // Known before they exist, so a background that fails half-way is still cleaned up.
    extraNamespaces = backgroundNamespaces(ns, b.services ? b.namespaces : 1).filter((n) => n !== ns);
    const { value: bg, seconds } = await timedStep(
      log,
      `background: ${b.services} Services × ${b.endpointsPerService} endpoints`,
      () => createBackground(kc, runId, { ...b, namespace: ns, bindToFakeNodes: 0 }, log, signal),
    );
    result.background = {
      services: bg.services,
      groups: bg.groups,
      namespaces: bg.namespaces.length,
      endpointsPerService: bg.endpointsPerService,
      seconds: Math.round(seconds * 1000) / 1000,
    };
    const ctx = { target, kc, log, signal: variantSignal, runId, backgroundNamespaces: bg.namespaces };
    const faults: FaultRecord[] = [];
    const env = { kc, runId, bg, random, log, signal, faults };
    for (const m of scenario.measurements) {
      const made = createMeasurement(m, ctx);
      measurements.push(made);
      await made.start();
    }
    for (const phase of scenario.phases) {
      const { result: done } = await runPhase(phase, env, measurements);
      result.phases.push(done);
      writer.save();
    }
  } catch (err) {
    variantAbort.abort(err);
    result.status = 'failed';
    result.errors.push(err instanceof Error ? err.message : String(err));
    log({ kind: 'warn', message: `variant ${run.id} failed: ${result.errors.at(-1)}` });
  }
  await collectMeasurements(measurements, result, monitor, log);
  result.validity = await monitor.stop();
  result.slos = sloVerdicts(scenario.slos, result.measurements);
  if (namespace && !signal.aborted) {
    // The verdict before cleanup, so a failed or invalid variant's evidence is read while its namespaces exist.
    finishVariant(result);
    const all = [namespace, ...extraNamespaces];
    await keepEvidence(result, writer.path, (dir) => keepNamespaceArtifacts(kc, all, dir), log);
  }
  if (namespace) {
    const ns = namespace;
    const all = [ns, ...extraNamespaces];
    await timedStep(
      log,
      `delete namespace ${all.length > 1 ? `${ns} and ${all.length - 1} more` : ns}`,
      async () => {
        let seconds = 0;
        for (const n of all) seconds += await deleteRunNamespace(kc, n);
        return seconds;
      },
    )
      .then(({ value }) => {
        if (result.cluster) result.cluster.cleanupSeconds = value;
      })
      .catch((err: unknown) => {
        result.status = 'failed';
        result.errors.push(`cleanup: ${err instanceof Error ? err.message : err}`);
      });
  }
  finishVariant(result);
  writer.save();
  return result;
}
