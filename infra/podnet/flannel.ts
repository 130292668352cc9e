import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labAddresses } from '../lab/addresses.ts';

/** flannel's network config: the cluster's pod CIDR, the vxlan backend (the classic overlay). */
export function flannelNetConf(): string {
  return JSON.stringify({ Network: labAddresses.podCidr, Backend: { Type: 'vxlan' } }, null, 2) + '\n';
}

/**
 * The real flannel daemon for one node, outside a pod: NODE_NAME tells the kube subnet manager which Node's
 * podCIDR is its lease; the subnet file is per node because every namespace shares this filesystem; --ip-masq
 * masquerades pod traffic leaving the overlay (to the apiserver on the fabric) as flannel does in clusters.
 */
export function flannelArgs(o: { kubeconfig: string; netConfPath: string; subnetFile: string }): string[] {
  return [
    '--kube-subnet-mgr',
    `--kubeconfig-file=${o.kubeconfig}`,
    '--iface=eth0',
    `--net-config-path=${o.netConfPath}`,
    `--subnet-file=${o.subnetFile}`,
    '--ip-masq',
    '--healthz-port=0',
  ];
}

export function writeFlannelNetConf(stateDir: string): string {
  const dir = join(stateDir, 'flannel');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'net-conf.json');
  writeFileSync(path, flannelNetConf());
  return path;
}

/** flannel's subnet file for a node (flannel writes it once it holds a lease on the node's subnet). */
export function flannelSubnetFile(stateDir: string, node: string): string {
  return join(stateDir, 'flannel', `${node}.env`);
}

/** The subnet and MTU flannel leased to a node, from its subnet file, or why they are not there yet. */
export function readFlannelSubnet(file: string): { subnet: string; mtu: number } | { notReady: string } {
  if (!existsSync(file)) return { notReady: `waiting for flannel to write ${file}` };
  const env = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const subnet = env.FLANNEL_SUBNET;
  if (!subnet) return { notReady: `${file} has no FLANNEL_SUBNET` };
  return { subnet: networkOf(subnet), mtu: Number(env.FLANNEL_MTU ?? 1450) };
}

/** 100.64.5.1/24 → 100.64.5.0/24 (flannel writes the gateway address). */
export function networkOf(cidr: string): string {
  const [ip, bits] = cidr.split('/');
  const n = ip!.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${bits}`;
}
