/**
 * The local lab as a variant's host: a lab brought up fresh for each variant under one name (the previous
 * variant's taken down first), the variant's values as its settings; taken down at the end of the run.
 */
import type { Scenario } from '../scenarios/schema.ts';
import { peakServices } from '../scenarios/peak-services.ts';
import { labUp } from '../infra/lab/local.ts';
import { loadKubeconfig } from '../infra/lab/kubeconfig.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import { keepLabArtifacts } from '../infra/lab/artifacts.ts';
import { labTarget } from './cluster/target.ts';
import type { VariantHost } from './variant-host.ts';

export function labHost(scenario: Scenario, labName: string): VariantHost {
  return {
    async open({ run, result, log, signal }) {
      await labDown(labName, log);
      const spec = parseLabUpOptions({
        name: labName,
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
      result.lab = { flags: state.flags, configFiles: state.configFiles, stepSeconds: state.stepSeconds };
      return {
        kc: loadKubeconfig(state),
        target: labTarget(state),
        state,
        namespace: 'default',
        bindToFakeNodes: scenario.cluster.fakeNodes,
        fakeNodes: scenario.cluster.fakeNodes,
        versions: state.versions,
      };
    },
    keepEvidence: (dir) => keepLabArtifacts(labName, dir),
    // The lab stays up until the next variant's open: its logs are the evidence of what just ran.
    close: async () => {},
    closeRun: async (log) => {
      await labDown(labName, log);
    },
  };
}
