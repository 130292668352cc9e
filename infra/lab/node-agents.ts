/**
 * A real node's agent (infra/node-agent/): the kubelet's networking work for the node, one daemon in its
 * namespace, serving the kubelet API with a certificate the lab CA signed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { flannelSubnetFile } from '../podnet/flannel.ts';
import type { DataplaneHooks } from '../variants/variant.ts';
import { tsxArgv } from './lab-hooks.ts';
import { createKubeletServingCert } from './pki.ts';
import type { RealNodeInfo } from './real-nodes.ts';

/** Starts node n's agent; `dnsIp` is the nameserver it writes into its pods' resolv.conf. */
export async function startNodeAgent(h: DataplaneHooks, n: RealNodeInfo, dnsIp: string): Promise<void> {
  const { spec, stateDir } = h.state;
  const dir = join(stateDir, 'nodes', n.name);
  mkdirSync(dir, { recursive: true });
  const serving = await createKubeletServingCert(join(stateDir, 'pki'), n.name, n.ip);
  h.start(
    `node-agent-${n.index}`,
    tsxArgv(
      'infra/node-agent/main.ts',
      '--lab',
      spec.name,
      '--node',
      n.name,
      '--ip',
      n.ip,
      '--zone',
      ['lab-a', 'lab-b', 'lab-c'][(n.index - 1) % 3]!,
      '--kubeconfig',
      h.kubeconfigs.admin,
      '--state-dir',
      dir,
      '--pod-network',
      spec.podNetwork,
      '--dns-ip',
      dnsIp,
      '--netns',
      n.netns,
      '--flannel-subnet-file',
      flannelSubnetFile(stateDir, n.name),
      '--tls-cert',
      serving.cert,
      '--tls-key',
      serving.key,
      '--client-ca',
      join(stateDir, 'pki', 'ca.crt'),
    ),
    { netns: n.netns, netOnly: true },
  );
}
