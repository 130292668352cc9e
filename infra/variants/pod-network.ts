/**
 * The pod network axis: how pods get addresses and how traffic between nodes' podCIDRs is routed. Each value is
 * one file in pod-network/; this object is the one list the schema, `lab up` and `plan` read.
 */
import type { CniNetworkList } from '../node-agent/cni.ts';
import type { VariantContext, VariantNode, VariantValue } from './variant.ts';
import { valueNames } from './variant.ts';
import { direct } from './pod-network/direct.ts';
import { vxlan } from './pod-network/vxlan.ts';
import { bgp } from './pod-network/bgp.ts';

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

export const podNetworks = { direct, vxlan, bgp } satisfies Record<string, PodNetworkValue>;
export type PodNetworkName = keyof typeof podNetworks;
export const podNetworkNames = valueNames(podNetworks);
