/**
 * `scalelab run FILE --kubeconfig PATH`: the scenario against an existing cluster through its kubeconfig alone.
 * One variant (the cluster decides the matrix's axes: cluster-facts.ts) per repetition, each in a namespace of
 * its own that is deleted, and waited for, at the end whatever happened (cluster-host.ts); the run itself is
 * the lab's (run-plan.ts).
 */
import type { LoadedScenario } from '../../scenarios/load.ts';
import { machineFacts } from '../../infra/lab/host-facts.ts';
import type { Log } from '../events.ts';
import { UserError } from '../errors.ts';
import { workerNodes } from './kubeconfig-target.ts';
import { clusterVariant, readClusterFacts } from './cluster-facts.ts';
import { clusterHost, type ClusterRunOptions } from './cluster-host.ts';
import { runPlan } from '../run-plan.ts';
import { checkPermissions } from './preflight-rbac.ts';
import { checkImagePull } from './preflight-image.ts';
import { kubeConfigFromFile } from '../../infra/api/pooled-kubeconfig.ts';

export type { ClusterRunOptions } from './cluster-host.ts';

export async function runScenarioOnCluster(
  loaded: LoadedScenario,
  outDir: string,
  opts: ClusterRunOptions,
  log: Log,
  signal: AbortSignal,
): Promise<{ exitCode: number; resultsPath: string }> {
  const { scenario } = loaded;
  const kc = kubeConfigFromFile(opts.kubeconfig);
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
  const runs = Array.from({ length: scenario.repetitions }, (_, k) => ({ id, variant, repetition: k + 1 }));
  const head = {
    host: machineFacts(),
    versions: { 'kube-apiserver': facts.version },
    debianPackages: {},
    skipped: [],
  };
  // The cluster's nodes run what the cluster runs: one variant, each repetition in a namespace of its own.
  const labs = runs.map((r) => ({ runs: [r], nodesPerVariant: scenario.cluster.realNodes, why: '' }));
  return runPlan(loaded, outDir, head, labs, clusterHost(scenario, kc, facts, opts), log, signal);
}
