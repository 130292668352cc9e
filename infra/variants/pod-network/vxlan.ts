/**
 * `vxlan`: the classic overlay, the real flannel (kube subnet manager, vxlan backend, `--ip-masq`) as a daemon
 * per node, as flannel's DaemonSet runs it. Pods sit on a `cni0` bridge on the subnet and MTU flannel leased.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { binPath } from '../../build/build.ts';
import { podBridgeNetwork } from '../../node-agent/cni.ts';
import {
  flannelArgs,
  flannelSubnetFile,
  readFlannelSubnet,
  writeFlannelNetConf,
} from '../../podnet/flannel.ts';
import { pin } from '../../versions.ts';
import type { PodNetworkValue } from '../pod-network-value.ts';

export const vxlan: PodNetworkValue<'vxlan'> = {
  name: 'vxlan',
  help: 'vxlan (flannel)',
  unsupported: () => undefined,
  cniNetwork(o) {
    if (!o.flannelSubnetFile) throw new Error('pod network vxlan needs the path of flannel subnet file');
    const lease = readFlannelSubnet(o.flannelSubnetFile);
    if ('notReady' in lease) return lease;
    const dataDir = join(o.nodeDir, 'cni');
    return {
      network: podBridgeNetwork({
        name: 'scalelab',
        bridge: 'cni0',
        subnet: lease.subnet,
        dataDir,
        mtu: lease.mtu,
      }),
    };
  },
  async bringUp(ctx, nodes) {
    const { stateDir } = ctx.state;
    const netConfPath = writeFlannelNetConf(stateDir);
    for (const n of nodes) {
      const subnetFile = flannelSubnetFile(stateDir, n.name);
      ctx.start(
        `flannel-${n.index}`,
        [binPath('flannel'), ...flannelArgs({ kubeconfig: ctx.kubeconfigs.admin, netConfPath, subnetFile })],
        { netns: n.netns, env: { ...process.env, NODE_NAME: n.name } },
      );
    }
    await ctx.wait('flannel subnet files', async () =>
      nodes.every((n) => existsSync(flannelSubnetFile(stateDir, n.name))),
    );
  },
  label: () =>
    `flannel ${pin('flannel').version}, vxlan backend; pods on a cni0 bridge (CNI bridge, host-local)`,
};
