/**
 * `direct`: "VPC-native" routing, as a cloud VPC routes pod ranges (GKE's VPC-native, AWS VPC routes). Each
 * node's pods sit on a `cni0` bridge (CNI bridge + host-local, the podCIDR's first address as gateway); every
 * node and the lab namespace route each other node's podCIDR via its fabric address. No encapsulation, no daemon.
 */
import { join } from 'node:path';
import { podBridgeNetwork } from '../../node-agent/cni.ts';
import { installDirectRoutes } from '../../podnet/direct.ts';
import type { PodNetworkValue } from '../pod-network-value.ts';

export const direct: PodNetworkValue<'direct'> = {
  name: 'direct',
  help: 'direct',
  unsupported: () => undefined,
  cniNetwork: (o) =>
    o.podCidr
      ? {
          network: podBridgeNetwork({
            name: 'scalelab',
            bridge: 'cni0',
            subnet: o.podCidr,
            dataDir: join(o.nodeDir, 'cni'),
          }),
        }
      : { notReady: 'waiting for kube-controller-manager to allocate a podCIDR' },
  bringUp: (ctx, nodes) => installDirectRoutes(ctx.state.spec.name, nodes),
  label: () => 'direct routes between nodes (VPC-native); pods on a cni0 bridge (CNI bridge, host-local)',
};
