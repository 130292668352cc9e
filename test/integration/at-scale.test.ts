import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import { exec } from '../../infra/exec.ts';
import { loadKubeconfig } from '../../infra/lab/kubeconfig.ts';
import { readLabState, valuesOfNode, type LabState } from '../../infra/lab/state.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { runPool } from '../../infra/pool.ts';
import { scalelab, labUpOrFail } from './helpers.ts';

const fakeNodes = 1000;
const pods = 1000;
const groups = 500;
const services = 2000;

/** Kwok pods bound straight to fake nodes (no scheduler: this test is about kube-proxy), two per group. */
async function createBackgroundPods(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  await runPool(32, pods, async (i) => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: `bg-${i}`, labels: { group: `g${i % groups}`, 'scalelab.io/run': 'itest' } },
        spec: {
          nodeName: `kwok-node-${i % fakeNodes}`,
          containers: [
            { name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['pause'] },
          ],
        },
      },
    });
  });
}

async function createServices(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  await runPool(32, services, async (j) => {
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: `svc-${j}`, labels: { 'scalelab.io/run': 'itest' } },
        spec: { selector: { group: `g${j % groups}` }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
  });
}

/** Service ports that have at least one ready endpoint, per the API: what every kube-proxy must program. */
async function servicePortsWithEndpoints(kc: KubeConfig): Promise<number> {
  const slices = await kc.makeApiClient(DiscoveryV1Api).listEndpointSliceForAllNamespaces({});
  const withEndpoints = new Set<string>();
  for (const s of slices.items) {
    if (!(s.endpoints ?? []).some((e) => e.conditions?.ready)) continue;
    const svc = `${s.metadata!.namespace}/${s.metadata!.labels?.['kubernetes.io/service-name']}`;
    for (const p of s.ports ?? []) withEndpoints.add(`${svc}/${p.protocol}/${p.name ?? ''}`);
  }
  return withEndpoints.size;
}

/** Per-service chains on a node: KUBE-SVC-* in iptables' nat table, service-* chains in nftables. */
async function programmedServicePorts(state: LabState, node: RealNodeInfo): Promise<number> {
  if (valuesOfNode(state.spec, node.index).proxyMode === 'nftables') {
    const r = await exec(['ip', 'netns', 'exec', node.netns, 'nft', 'list', 'table', 'ip', 'kube-proxy']);
    // service-<hash>-<ns>/<name>/<proto>/<port>; other chains (service-endpoints-check) are shared.
    return (r.stdout.match(/^\s*chain service-[A-Z0-9]{8}-/gm) ?? []).length;
  }
  const save = state.spec.iptablesBackend === 'legacy' ? 'iptables-legacy-save' : 'iptables-nft-save';
  const r = await exec(['ip', 'netns', 'exec', node.netns, save, '-t', 'nat']);
  return (r.stdout.match(/^:KUBE-SVC-/gm) ?? []).length;
}

// One lab, kube-proxy iptables on real node 1 and nftables on real node 2 (--node-values): each proxy mode
// programs the same 2,000 Services from the same API, for one bring-up instead of two.
const lab = 'scale-mixed';
describe(
  `${fakeNodes} fake nodes, ${services} Services on kwok pods: kube-proxy iptables and nftables`,
  { timeout: 900_000 },
  () => {
    let state: LabState;
    let kc: KubeConfig;
    before(async () => {
      await scalelab(['lab', 'down', '--name', lab]);
      await labUpOrFail(lab, [
        '--fake-nodes',
        String(fakeNodes),
        '--real-nodes',
        '2',
        '--node-values',
        'iptables/coredns,nftables/coredns',
      ]);
      state = readLabState(lab)!;
      kc = loadKubeconfig(state);
    });
    after(async () => {
      await scalelab(['lab', 'down', '--name', lab]);
    });

    test("each real node's kube-proxy programs one service chain per service port the API has endpoints for", async () => {
      await createBackgroundPods(kc);
      await createServices(kc);
      let want = 0;
      let got: number[] = [];
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline) {
        want = await servicePortsWithEndpoints(kc);
        got = await Promise.all(state.realNodes!.map((n) => programmedServicePorts(state, n)));
        if (want >= services && got.every((g) => g === want)) break;
        await sleep(2000);
      }
      assert.ok(want >= services, `only ${want} service ports have endpoints`);
      assert.deepEqual(
        got,
        state.realNodes!.map(() => want),
        `chains per node (iptables, nftables) ${got}, API ${want}`,
      );
    });
  },
);
