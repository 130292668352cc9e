/**
 * `bgp`: pods wired as calico's BGP mode wires them. The CNI `ptp` plugin gives each pod a veth and the node a
 * /32 route to it (no bridge); bird2 on each node announces the node's podCIDR (a blackhole route beneath the
 * /32s, as calico's block) to a route reflector in the lab namespace, and installs the other nodes' blocks.
 */
import { join } from 'node:path';
import { podPtpNetwork } from '../../node-agent/cni.ts';
import { labAsn, nodeConfig, reflectorConfig, startBird, waitForBgpConvergence } from '../../podnet/bgp.ts';
import { labAddresses as A } from '../../lab/addresses.ts';
import { labNetns } from '../../lab/netns.ts';
import type { PodNetworkValue } from '../pod-network-value.ts';

export const bgp: PodNetworkValue<'bgp'> = {
  name: 'bgp',
  help: 'bgp (bird2, CNI ptp)',
  unsupported: () => undefined,
  cniNetwork: (o) =>
    o.podCidr
      ? { network: podPtpNetwork({ name: 'scalelab', subnet: o.podCidr, dataDir: join(o.nodeDir, 'cni') }) }
      : { notReady: 'waiting for kube-controller-manager to allocate a podCIDR' },
  async bringUp(ctx, nodes) {
    const lab = ctx.state.spec.name;
    const dir = join(ctx.state.stateDir, 'bird');
    const birds = [
      startBird({
        netns: labNetns(lab),
        dir,
        name: 'reflector',
        config: reflectorConfig({ routerId: A.controlPlane, asn: labAsn, nodes }),
      }),
      ...nodes.map((n) =>
        startBird({
          netns: n.netns,
          dir,
          name: n.name,
          config: nodeConfig({
            routerId: n.ip,
            asn: labAsn,
            reflectorIp: A.controlPlane,
            podCidr: n.podCidr,
          }),
        }),
      ),
    ];
    for (const b of birds) ctx.adopt(b, 'bird');
    await waitForBgpConvergence({
      nodes,
      alsoRouting: [labNetns(lab)],
      timeoutMs: 60_000,
      signal: ctx.signal,
      watch: birds,
    });
  },
  label: () =>
    'bird2 (BGP, a route reflector in the lab); a veth and a /32 route per pod (CNI ptp, host-local)',
};
