/**
 * The node agent: the kubelet's networking work for one real node, run inside the node's namespace.
 *
 *   nsenter --net=/run/netns/scalelab_<lab>_node-N -- node --import tsx infra/node-agent/main.ts \
 *     --netns scalelab_<lab>_node-N --lab L --node real-node-N --ip 198.18.1.N --kubeconfig K --state-dir D --pod-network direct --dns-ip 198.19.0.10 \
 *     [--tls-cert C --tls-key K --client-ca CA]   # the kubelet API on :10250 (pods/log), when given
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { registerNode, renewLease, setNodeReady } from './node-registration.ts';
import { PodManager } from './pod-manager.ts';
import { podNetworkFor, type PodNetworkMode } from './pod-network.ts';
import { serveKubeletApi } from './kubelet-api.ts';
import { kubeConfigFromFile } from '../api/pooled-kubeconfig.ts';

const { values: a } = parseArgs({
  options: {
    lab: { type: 'string' },
    node: { type: 'string' },
    ip: { type: 'string' },
    zone: { type: 'string', default: 'lab-a' },
    kubeconfig: { type: 'string' },
    'state-dir': { type: 'string' },
    'pod-network': { type: 'string', default: 'direct' },
    'dns-ip': { type: 'string' },
    netns: { type: 'string' },
    'flannel-subnet-file': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'client-ca': { type: 'string' },
  },
});
for (const k of ['lab', 'node', 'ip', 'kubeconfig', 'state-dir', 'dns-ip', 'netns'] as const) {
  if (!a[k]) throw new Error(`node-agent: --${k} is required`);
}
const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
const kc = kubeConfigFromFile(a.kubeconfig!);
const core = kc.makeApiClient(CoreV1Api);
const ac = new AbortController();
const id = { name: a.node!, ip: a.ip!, zone: a.zone! };
const stateDir = a['state-dir']!;

await registerNode(kc, id);
log(`registered node ${id.name} (${id.ip})`);
void renewLease(kc, id.name, ac.signal, (e) => log(`lease: ${e}`));

// NotReady until the pod network is, as a kubelet with no CNI config reports NetworkPluginNotReady.
let network;
for (;;) {
  const node = await core.readNode({ name: id.name });
  const r = podNetworkFor(a['pod-network'] as PodNetworkMode, {
    node: id.name,
    podCidr: node.spec?.podCIDR,
    nodeDir: stateDir,
    flannelSubnetFile: a['flannel-subnet-file'],
  });
  if ('network' in r) {
    network = r.network;
    break;
  }
  await setNodeReady(kc, id.name, false, r.notReady).catch((e) => log(`status: ${e}`));
  await new Promise((r) => setTimeout(r, 500));
}
await setNodeReady(kc, id.name, true, 'scalelab node agent is posting ready status');
log(`node ready; pod network ${JSON.stringify(network.plugins[0])}`);
const heartbeat = setInterval(
  () =>
    setNodeReady(kc, id.name, true, 'scalelab node agent is posting ready status').catch((e) =>
      log(`status: ${e}`),
    ),
  60_000,
);

const pods = new PodManager(
  kc,
  { name: id.name, ip: id.ip },
  {
    lab: a.lab!,
    nodeNetns: a.netns!,
    podsDir: join(stateDir, 'pods'),
    network,
    dns: { nameserver: a['dns-ip']!, clusterDomain: 'cluster.local' },
  },
  log,
);
const kubeletApi =
  a['tls-cert'] && a['tls-key'] && a['client-ca']
    ? serveKubeletApi(
        core,
        {
          ip: id.ip,
          port: 10250,
          cert: a['tls-cert'],
          key: a['tls-key'],
          clientCa: a['client-ca'],
          podsDir: join(stateDir, 'pods'),
        },
        log,
      )
    : undefined;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, async () => {
    log(`${sig}: stopping pods`);
    clearInterval(heartbeat);
    kubeletApi?.close();
    ac.abort();
    await pods.stopAll();
    process.exit(0);
  });
}
await pods.run(ac.signal);
