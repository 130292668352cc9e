/**
 * The local lab as the host: a lab brought up fresh for each planned lab under one name (the previous one taken
 * down first), taken down at the end of the run. One variant: its values are the lab's settings. Several side
 * by side (variants.sideBySide): each gets `nodesPerVariant` real nodes running its proxy and DNS values
 * (`--node-values`), and a namespace of its own for what its measurements create.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Scenario } from '../scenarios/schema.ts';
import { labRealNodes, sharedTargetNode, type PlannedLab } from '../scenarios/lab-groups.ts';
import { peakServices } from '../scenarios/peak-services.ts';
import { labUp } from '../infra/lab/local.ts';
import { loadKubeconfig } from '../infra/lab/kubeconfig.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import { keepLabArtifacts } from '../infra/lab/artifacts.ts';
import { labTarget } from './cluster/target.ts';
import { variantView } from './variant-view.ts';
import type { VariantHost } from './variant-host.ts';

export function labHost(scenario: Scenario, labName: string): VariantHost {
  return {
    async open({ lab, results, log, signal, createBackground }) {
      await labDown(labName, log);
      const place = { namespace: 'default', bindToFakeNodes: scenario.cluster.fakeNodes };
      const state = await labUp(labSpec(scenario, labName, lab), log, signal, (kc) =>
        createBackground(kc, place),
      );
      const kc = loadKubeconfig(state);
      for (const r of results)
        r.lab = { flags: state.flags, configFiles: state.configFiles, stepSeconds: state.stepSeconds };
      const shared = lab.runs.length > 1;
      const views = shared
        ? await Promise.all(
            lab.runs.map(async (_, k) => {
              const namespace = `side-${k + 1}`;
              await createNamespace(kc, namespace);
              return variantView(state, k, lab.nodesPerVariant, namespace, sharedTargetNode(lab));
            }),
          )
        : [{ target: labTarget(state), state }];
      if (shared)
        results.forEach((r, k) => {
          const others = results.filter((o) => o !== r).map((o) => o.id);
          const nodes = views[k]!.target.nodes.filter((n) => !n.borrowed).map((n) => n.name);
          const targetNode = views[k]!.target.nodes.find((n) => n.borrowed)?.name;
          r.sideBySide = { lab: 0, with: others, nodes, ...(targetNode ? { targetNode } : {}) };
        });
      return {
        kc,
        state,
        views,
        fakeNodes: scenario.cluster.fakeNodes,
        versions: state.versions,
      };
    },
    keepEvidence: (dir) => keepLabArtifacts(labName, dir),
    // The lab stays up until the next lab's open: its logs are the evidence of what just ran.
    close: async () => {},
    closeRun: async (log) => {
      await labDown(labName, log);
    },
  };
}

/** `lab up`'s options for a planned lab: the variant's values, or each variant's on its own nodes. */
function labSpec(scenario: Scenario, name: string, lab: PlannedLab) {
  const [first] = lab.runs;
  const v = first!.variant;
  const perNode = lab.runs.flatMap((r) =>
    Array.from({ length: lab.nodesPerVariant }, () => `${r.variant.proxyMode}/${r.variant.dns}`),
  );
  // The shared target node, if any, runs no service proxy: it only answers connections to its pods' IPs, which
  // each client's node has translated, and a proxy there would reload every Service's rules on the same cores.
  if (sharedTargetNode(lab)) perNode.push('none/coredns');
  return parseLabUpOptions({
    name,
    fakeNodes: String(scenario.cluster.fakeNodes),
    nodeLeaseSeconds: String(scenario.cluster.nodeLeaseSeconds),
    realNodes: String(labRealNodes(lab)),
    podNetwork: v.podNetwork,
    iptablesBackend: v.iptablesBackend,
    kubernetesVersion: v.kubernetesVersion,
    maxServices: String(peakServices(scenario)),
    ...(lab.runs.length > 1 ? { nodeValues: perNode.join(',') } : { proxyMode: v.proxyMode, dns: v.dns }),
  });
}

async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } }).catch((err: { code?: number }) => {
    if (err.code !== 409) throw err;
  });
}
