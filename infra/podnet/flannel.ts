import { mkdirSync, writeFileSync } from 'node:fs';
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
