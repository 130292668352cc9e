import { podNetworks } from '../variants/pod-network.ts';
import type { PodNetworkNodeInput } from '../variants/pod-network-value.ts';
import type { PodNetworkName } from '../variants/names.ts';
import type { CniNetworkList } from './cni.ts';

export { flannelSubnetFile, networkOf } from '../podnet/flannel.ts';
export type PodNetworkMode = PodNetworkName;

/**
 * The CNI network a node's pods join, or why it is not ready yet: the pod network value's own
 * (infra/variants/pod-network/*.ts; direct and vxlan a cni0 bridge, bgp the ptp plugin).
 */
export function podNetworkFor(
  mode: PodNetworkMode,
  o: PodNetworkNodeInput,
): { network: CniNetworkList } | { notReady: string } {
  const value = podNetworks[mode];
  if (!value)
    throw new Error(
      `node-agent: --pod-network: expected one of ${Object.keys(podNetworks).join(', ')}; got "${mode}"`,
    );
  return value.cniNetwork(o);
}
