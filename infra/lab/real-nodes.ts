import { exec } from '../exec.ts';
import { labAddresses as A, realNodeIp } from './addresses.ts';
import { createNetns, ipIn, labNetns } from './netns.ts';

/** A real dataplane node: its own namespace on the fabric, a Node object kept Ready by the node agent. */
export interface RealNodeInfo {
  readonly index: number;
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
}

export function realNodeInfo(lab: string, index: number): RealNodeInfo {
  return { index, name: `real-node-${index}`, netns: labNetns(lab, `node-${index}`), ip: realNodeIp(index) };
}

/**
 * The node's namespace, joined to the lab's fabric bridge by a veth pair (rn-N in the lab, eth0 in the node);
 * its default route points at the lab namespace, which routes between fabric, pods and services.
 */
export async function createRealNodeNetns(lab: string, node: RealNodeInfo): Promise<void> {
  const labNs = labNetns(lab);
  await createNetns(node.netns);
  const peer = `rn-${node.index}`;
  await ipIn(labNs, ['link', 'add', peer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  await ipIn(labNs, ['link', 'set', peer, 'master', 'fabric0', 'up']);
  await ipIn(node.netns, ['addr', 'add', `${node.ip}/${A.fabricPrefix}`, 'dev', 'eth0']);
  await ipIn(node.netns, ['link', 'set', 'eth0', 'up']);
  await ipIn(node.netns, ['route', 'add', 'default', 'via', A.controlPlane]);
  // Pods sit behind a bridge: forwarding on, and bridged traffic through netfilter, as kube-proxy requires.
  await sysctl(node.netns, {
    'net.ipv4.ip_forward': '1',
    'net.bridge.bridge-nf-call-iptables': '1',
    'net.ipv4.conf.all.rp_filter': '0',
  });
}

export async function sysctl(netns: string, values: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(values))
    await exec(['ip', 'netns', 'exec', netns, 'sysctl', '-qw', `${k}=${v}`]);
}
