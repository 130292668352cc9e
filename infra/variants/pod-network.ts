/**
 * The pod network axis: how pods get addresses and how traffic between nodes' podCIDRs is routed. Each value is
 * one file in pod-network/, named in pod-network-value.ts; this object is the one list `lab up` and `plan` read.
 */
import type { PodNetworkValue } from './pod-network-value.ts';
import type { PodNetworkName } from './names.ts';
import { direct } from './pod-network/direct.ts';
import { vxlan } from './pod-network/vxlan.ts';
import { bgp } from './pod-network/bgp.ts';

export const podNetworks: { readonly [K in PodNetworkName]: PodNetworkValue<K> } = { direct, vxlan, bgp };
