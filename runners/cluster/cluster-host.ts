/**
 * An existing cluster as a variant's host: each variant (one per repetition: the cluster decides the axes) in
 * a namespace of its own, and the background's extra namespaces beside it, deleted and waited for when the
 * variant ends, whatever happened.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Scenario } from '../../scenarios/schema.ts';
import { timedStep, type Log } from '../events.ts';
import { backgroundNamespaces } from '../churn/workload.ts';
import type { VariantResult } from '../results/schema.ts';
import type { VariantHost } from '../variant-host.ts';
import { kubeconfigTarget } from './kubeconfig-target.ts';
import { createRunNamespace, deleteRunNamespace } from './namespace.ts';
import type { ClusterFacts } from './cluster-facts.ts';
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

export function clusterHost(
  scenario: Scenario,
  kc: KubeConfig,
  facts: ClusterFacts,
  opts: ClusterRunOptions,
): VariantHost {
  /** The variant's namespaces: its own first, then the spread background's (background.namespaces). */
  let namespaces: string[] = [];
  return {
    async open({ lab, results, runId, log, createBackground }) {
      const [result] = results;
      // A cluster's nodes run what the cluster runs: it hosts one variant at a time (plan never groups them).
      if (lab.runs.length !== 1 || !result)
        throw new Error(`a cluster hosts one variant at a time, not ${lab.runs.length} side by side`);
      namespaces = [];
      const namespace = await createRunNamespace(kc, runId);
      const b = scenario.background;
      // Known before they exist, so a background that fails half-way is still cleaned up.
      const spread = backgroundNamespaces(namespace, b.services ? b.namespaces : 1);
      namespaces = [namespace, ...spread.filter((n) => n !== namespace)];
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
      log({ kind: 'info', message: `namespace ${namespace}; nodes ${result.cluster.nodes.join(', ')}` });
      await createBackground(kc, { namespace, bindToFakeNodes: 0 });
      // No fake-node count to watch: the cluster's nodes are not the harness's to judge.
      return { kc, views: [{ target }], fakeNodes: 0, versions: {} };
    },
    keepEvidence: async (dir) => {
      if (namespaces.length) await keepNamespaceArtifacts(kc, namespaces, dir);
    },
    close: (results, log) => deleteNamespaces(kc, namespaces, results[0]!, log),
    closeRun: async () => {},
  };
}

async function deleteNamespaces(kc: KubeConfig, all: string[], result: VariantResult, log: Log) {
  if (!all.length) return;
  const [ns] = all;
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
