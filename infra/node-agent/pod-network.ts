import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podBridgeNetwork, type CniNetworkList } from './cni.ts';

export type PodNetworkMode = 'direct' | 'vxlan' | 'bgp';

/** flannel's subnet file for a node (flannel writes it once it holds a lease on the node's subnet). */
export function flannelSubnetFile(stateDir: string, node: string): string {
  return join(stateDir, 'flannel', `${node}.env`);
}

/**
 * The CNI network a node's pods join, or why it is not ready yet. direct and bgp: a bridge on the node's
 * podCIDR (routing between nodes is the fabric's or BGP's job). vxlan: the subnet and MTU flannel leased.
 */
export function podNetworkFor(
  mode: PodNetworkMode,
  o: { node: string; podCidr?: string; nodeDir: string; flannelSubnetFile?: string },
): { network: CniNetworkList } | { notReady: string } {
  const dataDir = join(o.nodeDir, 'cni');
  if (mode === 'vxlan') {
    const file = o.flannelSubnetFile;
    if (!file) throw new Error('pod network vxlan needs the path of flannel subnet file');

    if (!existsSync(file)) return { notReady: `waiting for flannel to write ${file}` };
    const env = Object.fromEntries(
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => l.split('=', 2) as [string, string]),
    );
    const subnet = env.FLANNEL_SUBNET;
    if (!subnet) return { notReady: `${file} has no FLANNEL_SUBNET` };
    return {
      network: podBridgeNetwork({
        name: 'scalelab',
        bridge: 'cni0',
        subnet: networkOf(subnet),
        dataDir,
        mtu: Number(env.FLANNEL_MTU ?? 1450),
      }),
    };
  }
  if (!o.podCidr) return { notReady: 'waiting for kube-controller-manager to allocate a podCIDR' };
  return { network: podBridgeNetwork({ name: 'scalelab', bridge: 'cni0', subnet: o.podCidr, dataDir }) };
}

/** 100.64.5.1/24 → 100.64.5.0/24 (flannel writes the gateway address). */
export function networkOf(cidr: string): string {
  const [ip, bits] = cidr.split('/');
  const n = ip!.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${bits}`;
}
