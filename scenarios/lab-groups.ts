/**
 * Which planned runs share a lab (`variants.sideBySide`). A cluster configures its service proxy per node and
 * rolls node-local DNS caches out node by node, so variants that differ only in those (proxyMode, dns) can run
 * side by side on separate real nodes of one lab: one control plane, one background, one churn, measured in
 * the same seconds, so the noise of a moment hits all of them (issue 18). What a node cannot differ in (the pod
 * network, the iptables backend, the Kubernetes version) and each repetition still get a lab of their own.
 */
import { maxRealNodes } from '../infra/lab/spec.ts';
import { mixingProblems } from '../infra/lab/node-values.ts';
import type { PlannedRun } from './planned-run.ts';
import type { Scenario } from './schema.ts';

/** One lab of the run: the variants it hosts, each on `nodesPerVariant` real nodes in turn, and why. */
export interface PlannedLab {
  readonly runs: readonly PlannedRun[];
  /** Real nodes each variant gets (cluster.realNodes): variant k has nodes k·n+1 … (k+1)·n. */
  readonly nodesPerVariant: number;
  /** Why these variants share this lab, or why a variant runs alone; said by `plan`. */
  readonly why: string;
}

/**
 * With one real node per variant side by side, the lab gets one more real node, after theirs, that holds every
 * variant's traffic targets and probe backends: a connection then differs between variants only in the client's
 * node, the one the variant is about. (Lending each variant the next variant's node made the target node's
 * proxy part of the figure: a pod IP arriving at an iptables node walks its KUBE-SERVICES, at an nftables node
 * a map lookup.) It runs no service proxy (runners/lab-host.ts). undefined: each variant has two nodes of its own.
 */
export function sharedTargetNode(lab: PlannedLab): number | undefined {
  return lab.nodesPerVariant === 1 && lab.runs.length > 1 ? lab.runs.length + 1 : undefined;
}

/** Real nodes of the lab: each variant's, and the shared target node if there is one. */
export function labRealNodes(lab: PlannedLab): number {
  return lab.nodesPerVariant * lab.runs.length + (sharedTargetNode(lab) ? 1 : 0);
}

/** What must be the same for variants to share a lab: what a lab sets for all its nodes. */
function labKey(r: PlannedRun): string {
  const v = r.variant;
  return [v.podNetwork, v.iptablesBackend, v.kubernetesVersion, r.repetition].join('|');
}

export function groupLabs(s: Scenario, runs: readonly PlannedRun[]): PlannedLab[] {
  const alone = s.cluster.realNodes;
  if (!s.variants.sideBySide) return runs.map((r) => ({ runs: [r], nodesPerVariant: alone, why: '' }));
  const n = s.variants.sideBySideNodes ?? alone;
  // With one node each, one node of the lab is the shared target node.
  const perLab = Math.max(1, Math.floor((maxRealNodes - (n === 1 ? 1 : 0)) / n));
  const byKey = new Map<string, PlannedRun[]>();
  for (const r of runs) byKey.set(labKey(r), [...(byKey.get(labKey(r)) ?? []), r]);
  const labs: PlannedLab[] = [];
  for (const group of byKey.values()) {
    let current: PlannedRun[] = [];
    const close = (why: string) => {
      const nodesPerVariant = current.length > 1 ? n : alone;
      if (current.length) labs.push({ runs: current, nodesPerVariant, why: whyOf(current, why) });
      current = [];
    };
    for (const r of group) {
      const withIt = [...current, r];
      if (withIt.length > perLab)
        close(
          `at most ${perLab} variants of ${n} real node${n > 1 ? 's' : ''}${n === 1 ? ' and a shared target node' : ''} fit in ${maxRealNodes}`,
        );
      else if (mixingProblems(withIt.map((x) => x.variant)).length)
        close('their node-local caches would need different modes');
      current.push(r);
    }
    close('');
  }
  return labs;
}

function whyOf(runs: readonly PlannedRun[], split: string): string {
  if (runs.length === 1)
    return split ? `alone: ${split}` : 'alone: no other variant differs from it only in proxyMode and dns';
  return `side by side: they differ only in proxyMode and dns, which are set per node${split ? ` (split: ${split})` : ''}`;
}
