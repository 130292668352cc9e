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

/** What must be the same for variants to share a lab: what a lab sets for all its nodes. */
function labKey(r: PlannedRun): string {
  const v = r.variant;
  return [v.podNetwork, v.iptablesBackend, v.kubernetesVersion, r.repetition].join('|');
}

export function groupLabs(s: Scenario, runs: readonly PlannedRun[]): PlannedLab[] {
  const alone = s.cluster.realNodes;
  if (!s.variants.sideBySide) return runs.map((r) => ({ runs: [r], nodesPerVariant: alone, why: '' }));
  const n = s.variants.sideBySideNodes ?? alone;
  const perLab = Math.max(1, Math.floor(maxRealNodes / n));
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
        close(`at most ${perLab} variants of ${n} real nodes fit in ${maxRealNodes}`);
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
