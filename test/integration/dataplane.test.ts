import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { labHttpGet } from '../../infra/lab/lab-connect.ts';
import { loadKubeconfig } from '../../infra/lab/kubeconfig.ts';
import { execInThrowawayPod } from '../../infra/lab/pod-exec.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { hostFacts } from '../../infra/lab/host-facts.ts';
import { hostNetworkSnapshot, scalelab, labUpOrFail } from './helpers.ts';
import { echoService, readyEndpoints, waitUntil } from './echo-service.ts';

/**
 * Every pod network × proxy mode this machine supports (IPVS only where the kernel has it). A lab per pod
 * network, its real nodes each running one proxy mode (--node-values): a connection from node i goes through
 * node i's rules, so each proxy mode is exercised on each pod network at one bring-up per network. The legacy
 * iptables backend is lab-wide and differs only inside the node: one lab on direct routing covers it.
 */
const proxyModes = ['iptables', 'nftables', ...(hostFacts().ipvsMissing ? [] : ['ipvs'])];
const combos: { podNetwork: string; proxyModes: string[]; backend: string }[] = [
  ...['direct', 'vxlan', 'bgp'].map((podNetwork) => ({ podNetwork, proxyModes, backend: 'nft' })),
  { podNetwork: 'direct', proxyModes: ['iptables', 'iptables'], backend: 'legacy' },
];

/**
 * Hostnames answered by `count` new connections to url, from a pod on real node `from`. It first waits (up to
 * 15 s) for the VIP to answer at all: endpoints Ready in the API are not yet rules on the node.
 */
/**
 * Asks `url` `count` times from a throwaway pod on real node `from`. First it waits (up to ~20 s) until the
 * dataplane has answered from `backends` distinct pods: the API can list both endpoints ready while
 * kube-proxy's next sync (minSyncPeriod 1 s) has programmed only the first.
 */
async function hostnamesFrom(
  state: LabState,
  from: number,
  url: string,
  count: number,
  backends = 1,
): Promise<{ warmup: string[]; answers: string[] }> {
  const warmup =
    `seen=""; for i in $(seq 80); do h=$(curl -s --max-time 1 ${url}); ` +
    `case " $seen " in *" $h "*) ;; *) [ -n "$h" ] && seen="$seen $h";; esac; ` +
    `[ $(echo $seen | wc -w) -ge ${backends} ] && break; sleep 0.25; done; echo "warmup:$seen"`;
  const loop = `${warmup}; for i in $(seq ${count}); do curl -sS --max-time 2 ${url}; echo; done`;

  const r = await execInThrowawayPod(state, from, ['sh', '-c', loop]);
  assert.equal(r.exitCode, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  const warmupLine = lines.find((l) => l.startsWith('warmup:')) ?? 'warmup:';
  return {
    warmup: warmupLine.slice('warmup:'.length).split(' ').filter(Boolean),
    answers: lines.filter((l) => !l.startsWith('warmup:')),
  };
}

for (const c of combos) {
  const lab = `dp-${c.podNetwork.slice(0, 3)}-${c.backend}`;
  const nodes = c.proxyModes.length;
  /** The real node whose pods back the Service node i's pods reach: the next one round. */
  const nextNode = (i: number) => (i % nodes) + 1;
  describe(
    `real nodes: pod network ${c.podNetwork}, kube-proxy ${c.proxyModes.join(' / ')} on nodes 1–${nodes} (${c.backend})`,
    { timeout: 600_000 },
    () => {
      let state: LabState;
      let kc: KubeConfig;
      let hostBefore = '';

      before(async () => {
        await scalelab(['lab', 'down', '--name', lab]);
        hostBefore = await hostNetworkSnapshot();
        await labUpOrFail(lab, [
          '--fake-nodes',
          '20',
          '--real-nodes',
          String(nodes),
          '--pod-network',
          c.podNetwork,
          '--node-values',
          c.proxyModes.map((m) => `${m}/coredns`).join(','),
          '--iptables-backend',
          c.backend,
        ]);
        state = readLabState(lab)!;
        kc = loadKubeconfig(state);
      });
      after(async () => {
        await scalelab(['lab', 'down', '--name', lab]);
      });

      test("a pod on each real node reaches a ClusterIP whose endpoints are on the next node, through its node's proxy", async () => {
        const ips: string[] = [];
        for (let i = 1; i <= nodes; i++) ips.push(await echoService(kc, `echo-on-${i}`, `real-node-${i}`, 2));
        await waitUntil('echo endpoints ready', async () => {
          for (let i = 1; i <= nodes; i++)
            if ((await readyEndpoints(kc, `echo-on-${i}`)).length !== 2) return false;
          return true;
        });
        for (let from = 1; from <= nodes; from++) {
          const to = nextNode(from);
          const pods = new Set(await readyEndpoints(kc, `echo-on-${to}`));
          const url = `http://${ips[to - 1]}/hostname`;
          const { warmup: seen, answers: got } = await hostnamesFrom(state, from, url, 12, 2);
          assert.equal(got.length, 12, `node ${from} → ${url}`);
          assert.ok(
            got.every((h) => pods.has(h)),
            `node ${from} (${c.proxyModes[from - 1]}) → ${url} answered ${got}`,
          );
          assert.deepEqual(new Set([...seen, ...got]), pods, `both endpoints answer node ${from}`);
        }
      });

      test("an endpoint removed stops receiving traffic, on every node's proxy", async () => {
        await kc
          .makeApiClient(AppsV1Api)
          .patchNamespacedDeploymentScale(
            { name: 'echo-on-2', namespace: 'default', body: { spec: { replicas: 1 } } },
            (await import('@kubernetes/client-node')).setHeaderOptions(
              'Content-Type',
              'application/merge-patch+json',
            ),
          );
        await waitUntil(
          'one endpoint left',
          async () => (await readyEndpoints(kc, 'echo-on-2')).length === 1,
        );
        const [left] = await readyEndpoints(kc, 'echo-on-2');
        const ip = (
          await kc.makeApiClient(CoreV1Api).readNamespacedService({ name: 'echo-on-2', namespace: 'default' })
        ).spec!.clusterIP!;
        // kube-proxy's minSyncPeriod (1 s) may still be running: give it a moment, then every answer is the survivor.
        await sleep(3000);
        for (let from = 1; from <= nodes; from++) {
          const { answers: got } = await hostnamesFrom(state, from, `http://${ip}/hostname`, 10);
          assert.deepEqual([...new Set(got)], [left], `node ${from} (${c.proxyModes[from - 1]})`);
        }
      });

      test('names resolve through CoreDNS by the search path: svc, svc.ns and the full name', async () => {
        const ip = (
          await kc.makeApiClient(CoreV1Api).readNamespacedService({ name: 'echo-on-1', namespace: 'default' })
        ).spec!.clusterIP!;
        const r = await execInThrowawayPod(state, 2, [
          'sh',
          '-c',
          'getent hosts echo-on-1; getent hosts echo-on-1.default; getent hosts echo-on-1.default.svc.cluster.local; cat /etc/resolv.conf',
        ]);
        assert.equal(r.exitCode, 0, r.stderr);
        const lines = r.stdout.split('\n');
        assert.equal(lines.filter((l) => l.startsWith(`${ip} `)).length, 3, r.stdout);
        assert.match(r.stdout, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
        assert.match(r.stdout, /^nameserver 198\.19\.0\.10$/m);
        assert.match(r.stdout, /^options ndots:5$/m);
      });

      test("kube-proxy's metrics are read on every real node", async () => {
        for (const n of state.realNodes!) {
          const text = await labHttpGet(state.gatewaySocket, `http://${n.ip}:10249/metrics`);
          const m = /^kubeproxy_sync_proxy_rules_duration_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text);
          assert.ok(m && Number(m[1]) > 0, `no syncs reported by ${n.name}`);
          assert.match(text, /kubeproxy_network_programming_duration_seconds_bucket/);
        }
      });

      test('down leaves nothing, with real nodes and their daemons running', async () => {
        const down = await scalelab(['lab', 'down', '--name', lab]);
        assert.equal(down.code, 0, down.stderr);
        const { listNetns, belongsToLab } = await import('../../infra/lab/netns.ts');
        const { pidsMentioning } = await import('../../infra/lab/processes.ts');
        assert.deepEqual(
          (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
          [],
        );
        assert.deepEqual(pidsMentioning(`/run/scalelab/${lab}/`), []);
        assert.equal(await hostNetworkSnapshot(), hostBefore);
      });
    },
  );
}
