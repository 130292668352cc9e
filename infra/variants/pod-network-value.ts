/**
 * What a pod network value is, apart from the list of values in pod-network.ts: the values' own files import it from here, so
 * neither imports the other.
 */
import type { CniNetworkList } from '../node-agent/cni.ts';
import type { VariantContext, VariantNode, VariantValue } from './variant.ts';

/** What the node agent knows when it asks for its CNI network: the node, its podCIDR once kcm gave one. */
export interface PodNetworkNodeInput {
  readonly node: string;
  readonly podCidr?: string;
  /** The agent's state directory: CNI IPAM state goes under it, never in /var/lib/cni. */
  readonly nodeDir: string;
  readonly flannelSubnetFile?: string;
}

export type CniNetworkOrWait = { network: CniNetworkList } | { notReady: string };

export interface PodNetworkValue<Name extends string = string> extends VariantValue<Name> {
  /** The CNI network list this node's pods join (run by the node agent), or why the node is not ready yet. */
  cniNetwork(o: PodNetworkNodeInput): CniNetworkOrWait;
  /** Routes between these nodes' podCIDRs (and from the lab namespace): routes or daemons; resolves once done. */
  bringUp(ctx: VariantContext, nodes: readonly VariantNode[]): Promise<void>;
  /** What ran, for the lab state and the run's manifest. */
  label(): string;
}
