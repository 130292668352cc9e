/**
 * One variant's view of a lab it shares with others (variants.sideBySide): its own real nodes (client node
 * first), its own namespace for the objects its measurements create, and the lab's state narrowed to those
 * nodes with the values they run. The measurements then run unchanged: they read `target.nodes`, `state.spec`
 * and `state.realNodes` as they would on a lab of their own, and cannot touch another variant's nodes.
 */
import type { LabState } from '../infra/lab/state.ts';
import { valuesOfNode } from '../infra/lab/state.ts';
import { labTarget, type ClusterTarget } from './cluster/target.ts';

export interface VariantView {
  readonly target: ClusterTarget;
  /** The lab's state as this variant sees it; absent through a kubeconfig. */
  readonly state?: LabState;
}

/** Processes of one real node are named `<component>-<node index>` (kube-proxy-2, node-agent-2, flannel-2). */
function nodeOf(processName: string): number | undefined {
  const m = /-(\d+)$/.exec(processName);
  return m ? Number(m[1]) : undefined;
}

/**
 * Variant k (0-based) of a lab whose variants have `perVariant` real nodes each, in order: nodes
 * k·perVariant+1 … (k+1)·perVariant; its objects go to `namespace`. With one node each, the lab's shared target
 * node (`targetNode`, scenarios/lab-groups.ts) is lent as the second, for targets and probe backends.
 */
export function variantView(
  state: LabState,
  k: number,
  perVariant: number,
  namespace: string,
  targetNode?: number,
): VariantView {
  const first = k * perVariant + 1;
  const mine = (index: number) => index >= first && index < first + perVariant;
  const values = valuesOfNode(state.spec, first);
  // Only the shared target node runs no proxy, and it is no variant's first node.
  if (values.proxyMode === 'none') throw new Error(`variant ${k + 1}'s node ${first} runs no service proxy`);
  const narrowed: LabState = {
    ...state,
    spec: {
      ...state.spec,
      realNodes: perVariant,
      proxyMode: values.proxyMode,
      dns: values.dns,
      nodeValues: undefined,
    },
    realNodes: (state.realNodes ?? []).filter((n) => mine(n.index)),
    processes: state.processes.filter((p) => {
      const node = nodeOf(p.name);
      return node === undefined || mine(node);
    }),
  };
  const target = labTarget(narrowed);
  const lent = targetNode === undefined ? undefined : lentNode(state, targetNode);
  return {
    state: narrowed,
    target: { ...target, namespace, nodes: lent ? [...target.nodes, lent] : target.nodes },
  };
}

function lentNode(state: LabState, index: number) {
  const n = state.realNodes?.find((x) => x.index === index);
  return n && { name: n.name, ip: n.ip, borrowed: true };
}
