/**
 * `scalelab run FILE --kubeconfig PATH`: the scenario against an existing cluster through its kubeconfig alone.
 * One variant (the cluster decides the matrix's axes: cluster-facts.ts) per repetition, each in a namespace of
 * its own that is deleted, and waited for, at the end whatever happened (cluster-variant.ts).
 */
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { LoadedScenario } from '../../scenarios/load.ts';
import { machineFacts } from '../../infra/lab/host-facts.ts';
import type { Log } from '../events.ts';
import { UserError } from '../errors.ts';
import { ResultsWriter } from '../results/writer.ts';
import { scalelabVersion } from '../version.ts';
import { resultsSchemaVersion } from '../results/schema.ts';
import { seededRandom } from '../churn/pacers.ts';
import { summaryTable } from '../run.ts';
import { workerNodes } from './kubeconfig-target.ts';
import { clusterVariant, readClusterFacts } from './cluster-facts.ts';
import { runClusterVariant, type ClusterRunOptions } from './cluster-variant.ts';
import { exitCodeOf } from '../run-outcome.ts';
import { checkPermissions } from './preflight-rbac.ts';
import { checkImagePull } from './preflight-image.ts';

export type { ClusterRunOptions } from './cluster-variant.ts';

export async function runScenarioOnCluster(
  loaded: LoadedScenario,
  outDir: string,
  opts: ClusterRunOptions,
  log: Log,
  signal: AbortSignal,
): Promise<{ exitCode: number; resultsPath: string }> {
  const { scenario } = loaded;
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  // Pre-flights (exit 2, nothing created): every permission the run uses, then a pull of the agent image.
  await checkPermissions(kc, { allowClusterWrites: opts.allowClusterWrites });
  const facts = await readClusterFacts(kc, await workerNodes(kc));
  const needsKwok =
    scenario.background.services > 0 || scenario.phases.some((p) => p.churn.some((c) => c.kind === 'pods'));
  if (needsKwok && facts.kwokNodes === 0)
    throw new UserError(
      `${opts.kubeconfig}: the cluster has no kwok nodes (type=kwok), which the background and churn pods need`,
      'install kwok in the cluster, or run a scenario without background Services and churn',
    );
  const [clientNode] = await workerNodes(kc);
  if (clientNode) await checkImagePull(kc, { image: opts.agentImage, node: clientNode.name });
  const { id, variant } = clusterVariant(facts);
  log({
    kind: 'info',
    message: `cluster ${facts.context} (${facts.server}, ${facts.version}): kube-proxy ${facts.proxyMode} (${facts.proxyModeSource}), DNS ${facts.dns}; the scenario's cluster and variants sections are not used`,
  });
  const startedAt = new Date();
  const path = join(outDir, `${scenario.name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const writer = new ResultsWriter(path, {
    schema: resultsSchemaVersion,
    status: 'running',
    manifest: {
      scenario: { name: scenario.name, file: loaded.file, sha256: loaded.hash, text: loaded.text },
      seed: scenario.seed,
      startedAt: startedAt.toISOString(),
      host: machineFacts(),
      versions: { 'kube-apiserver': facts.version },
      debianPackages: {},
      command: process.argv.slice(1).join(' '),
      scalelab: scalelabVersion(),
      overrides: loaded.overrides,
    },
    skipped: [],
    variants: [],
    errors: [],
  });
  log({ kind: 'info', message: `results: ${path}` });
  const random = seededRandom(scenario.seed);
  try {
    for (let rep = 1; rep <= scenario.repetitions; rep++) {
      signal.throwIfAborted();
      const step = `[${rep}/${scenario.repetitions}] ${id}`;
      log({ kind: 'step', step, status: 'start' });
      const run = { id, variant, repetition: rep };
      const v = await runClusterVariant(scenario, run, facts, kc, opts, writer, random, log, signal);
      log({ kind: 'step', step, status: v.status === 'failed' ? 'fail' : 'done', detail: v.status });
    }
    signal.throwIfAborted();
    writer.results.status = 'finished';
  } catch (err) {
    writer.results.status = signal.aborted ? 'interrupted' : 'failed';
    writer.results.errors.push(err instanceof Error ? err.message : String(err));
  } finally {
    writer.results.manifest.finishedAt = new Date().toISOString();
    writer.save();
  }
  log({ kind: 'summary', message: summaryTable(writer.results.variants) });
  return { exitCode: exitCodeOf(writer.results, signal.aborted), resultsPath: path };
}
