import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { exec } from '../../infra/exec.ts';
import { labHttpGet } from '../../infra/lab/lab-connect.ts';
import { loadKubeconfig } from '../../infra/lab/kubeconfig.ts';
import { belongsToLab, listNetns } from '../../infra/lab/netns.ts';
import { execInThrowawayPod } from '../../infra/lab/pod-exec.ts';
import { pidsMentioning } from '../../infra/lab/processes.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { hostFacts } from '../../infra/lab/host-facts.ts';
import { serviceProxies } from '../../infra/variants/service-proxy.ts';
import { cgroup2Root } from '../../infra/cilium/paths.ts';
import {
  hostNetworkSnapshot,
  labMounts,
  labUpOrFail,
  metricCounter as counter,
  scalelab,
} from './helpers.ts';
import { echoService, readyEndpoints, waitUntil } from './echo-service.ts';

/**
 * One lab whose real nodes run different values (`lab up --node-values`): each node runs the proxy and DNS it
 * was given, Services work from pods on every node both ways, and DNS from each node goes the way its value
 * says. Every wait has a deadline and polls: nothing assumes how fast the machine is.
 */

const inNode = (n: RealNodeInfo, argv: readonly string[]) =>
  exec(['ip', 'netns', 'exec', n.netns, ...argv], { allowFailure: true });

/**
 * From a throwaway pod on real node `from`: polls `url` (up to 60 s, for the node's proxy to program it), then
 * asks it `count` more times. Returns every hostname that answered. The whole exec is retried until the
 * deadline, since the throwaway pod itself can be slow to start on a loaded machine.
 */
async function answersFrom(state: LabState, from: number, url: string, want: number, count = 10) {
  const script =
    `seen=""; end=$(($(date +%s)+60)); while [ $(date +%s) -lt $end ]; do ` +
    `h=$(curl -s --max-time 2 ${url}); [ -n "$h" ] && { case " $seen " in *" $h "*) ;; *) seen="$seen $h";; esac; }; ` +
    `[ $(echo $seen | wc -w) -ge ${want} ] && break; sleep 0.2; done; ` +
    `for i in $(seq ${count}); do echo "answer:$(curl -sS --max-time 5 ${url})"; done; echo "seen:$seen"`;
  const r = await execInThrowawayPod(state, from, ['sh', '-c', script], { timeoutMs: 180_000 });
  assert.equal(r.exitCode, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const seen = (lines.find((l) => l.startsWith('seen:')) ?? 'seen:').slice(5).split(' ').filter(Boolean);
  const answers = lines.filter((l) => l.startsWith('answer:')).map((l) => l.slice(7));
  return { seen, answers };
}

/** `getent hosts kubernetes` from a pod on node `from`, retried until it answers (kube-dns may be programming). */
async function lookupFrom(state: LabState, from: number): Promise<string> {
  let last = '';
  await waitUntil(
    `a lookup from a pod on real node ${from}`,
    async () => {
      const r = await execInThrowawayPod(state, from, [
        'sh',
        '-c',
        'getent hosts kubernetes; cat /etc/resolv.conf',
      ]);
      last = r.stdout + r.stderr;
      return r.exitCode === 0 && /^198\.19\.0\.1\s+kubernetes/m.test(r.stdout);
    },
    180_000,
  );
  return last;
}

/** The cluster CoreDNS pods' UDP requests, summed over replicas: what pods without a cache send. */
async function corednsUdpRequests(kc: KubeConfig, state: LabState): Promise<number> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
  let sum = 0;
  for (const p of pods.items) {
    const text = await labHttpGet(state.gatewaySocket, `http://${p.status!.podIP}:9153/metrics`);
    sum += counter(text, 'coredns_dns_requests_total', 'proto="udp"');
  }
  return sum;
}

const cacheRequests = async (state: LabState, n: RealNodeInfo) =>
  counter(await labHttpGet(state.gatewaySocket, `http://${n.ip}:9253/metrics`), 'coredns_dns_requests_total');

/** Brings the lab up; `after` takes it down and checks it left nothing, whatever failed in between. */
function mixedLab(lab: string, nodeValues: string): () => { state: LabState; kc: KubeConfig } {
  let state: LabState;
  let kc: KubeConfig;
  let hostBefore = '';
  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    hostBefore = await hostNetworkSnapshot();
    await labUpOrFail(lab, ['--fake-nodes', '5', '--real-nodes', '2', '--node-values', nodeValues]);
    state = readLabState(lab)!;
    kc = loadKubeconfig(state);
  });
  after(async () => {
    const down = await scalelab(['lab', 'down', '--name', lab]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
    assert.deepEqual(pidsMentioning(`/run/scalelab/${lab}/`), []);
    assert.deepEqual(labMounts(lab), []);
    assert.equal(await hostNetworkSnapshot(), hostBefore, "the host's namespace is untouched");
  });
  return () => ({ state, kc });
}

/** Echo Services on each node; a pod on each node reaches both, every answer from the Service's own pods. */
async function servicesBothWays(kc: KubeConfig, state: LabState): Promise<void> {
  const ip1 = await echoService(kc, 'echo-on-1', 'real-node-1', 2);
  const ip2 = await echoService(kc, 'echo-on-2', 'real-node-2', 2);
  await waitUntil(
    'echo endpoints ready',
    async () =>
      (await readyEndpoints(kc, 'echo-on-1')).length === 2 &&
      (await readyEndpoints(kc, 'echo-on-2')).length === 2,
    180_000,
  );
  const targets = [
    { service: 'echo-on-1', vip: ip1 },
    { service: 'echo-on-2', vip: ip2 },
  ];
  for (const from of [1, 2])
    for (const t of targets) {
      const pods = new Set(await readyEndpoints(kc, t.service));
      const { seen, answers } = await answersFrom(state, from, `http://${t.vip}/hostname`, 2);
      assert.deepEqual(new Set(seen), pods, `node ${from} → ${t.service}: both endpoints answer`);
      assert.ok(
        answers.length === 10 && answers.every((h) => pods.has(h)),
        `node ${from} → ${t.service} (${t.vip}) answered ${answers}`,
      );
    }
}

describe(
  'mixed nodes: kube-proxy iptables + coredns on node 1, nftables + nodelocal on node 2',
  {
    timeout: 1_200_000,
  },
  () => {
    const lab = mixedLab('mx1', 'iptables/coredns,nftables/nodelocal');

    test('each node runs the proxy mode it was given, and lab status says so', async () => {
      const { state } = lab();
      const [n1, n2] = state.realNodes!;
      assert.equal(
        (await labHttpGet(state.gatewaySocket, `http://${n1!.ip}:10249/proxyMode`)).trim(),
        'iptables',
      );
      assert.equal(
        (await labHttpGet(state.gatewaySocket, `http://${n2!.ip}:10249/proxyMode`)).trim(),
        'nftables',
      );
      // The rules themselves, in each node's namespace: iptables chains on node 1, the kube-proxy nft table on 2.
      await waitUntil(
        'KUBE-SERVICES on node 1',
        async () => /^:KUBE-SERVICES /m.test((await inNode(n1!, ['iptables-save', '-t', 'nat'])).stdout),
        120_000,
      );
      assert.notEqual((await inNode(n1!, ['nft', 'list', 'table', 'ip', 'kube-proxy'])).exitCode, 0);
      await waitUntil(
        'the kube-proxy nft table on node 2',
        async () => (await inNode(n2!, ['nft', 'list', 'table', 'ip', 'kube-proxy'])).exitCode === 0,
        120_000,
      );
      assert.doesNotMatch((await inNode(n2!, ['iptables-save', '-t', 'nat'])).stdout, /KUBE-SERVICES/);
      const status = await scalelab(['lab', 'status', '--name', 'mx1']);
      assert.match(status.stdout, /real-node-1: kube-proxy \S+, iptables mode, nft backend; CoreDNS /);
      assert.match(status.stdout, /real-node-2: kube-proxy \S+, nftables mode; NodeLocal DNSCache /);
    });

    test('the node-local cache runs on node 2 only', async () => {
      const { state, kc } = lab();
      const [n1, n2] = state.realNodes!;
      const pods = await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=node-local-dns' });
      assert.deepEqual(
        pods.items.map((p) => p.spec?.nodeName),
        ['real-node-2'],
      );
      assert.match(
        (await inNode(n2!, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'nodelocaldns'])).stdout,
        /169\.254\.20\.10/,
      );
      assert.notEqual((await inNode(n1!, ['ip', 'link', 'show', 'nodelocaldns'])).exitCode, 0);
    });

    test('a ClusterIP Service answers pods on both nodes, with endpoints on either node', async () => {
      const { state, kc } = lab();
      await servicesBothWays(kc, state);
    });

    test("DNS resolves on both nodes: node 1's pods ask CoreDNS, node 2's the node-local cache", async () => {
      const { state, kc } = lab();
      const [, n2] = state.realNodes!;
      // Node 1: no cache there, so its pod's UDP query reaches a CoreDNS pod (the cache would send TCP).
      const udpBefore1 = await corednsUdpRequests(kc, state);
      const out1 = await lookupFrom(state, 1);
      assert.match(out1, /^nameserver 198\.19\.0\.10$/m);
      assert.ok((await corednsUdpRequests(kc, state)) > udpBefore1, 'CoreDNS saw UDP from the node-1 pod');
      // Node 2: the cache answers (transparent: the pod keeps the kube-dns address), CoreDNS sees no UDP.
      const cacheBefore = await cacheRequests(state, n2!);
      const udpBefore2 = await corednsUdpRequests(kc, state);
      const out2 = await lookupFrom(state, 2);
      assert.match(out2, /^nameserver 198\.19\.0\.10$/m);
      assert.ok((await cacheRequests(state, n2!)) > cacheBefore, "node 2's cache counted the lookup");
      assert.equal(
        await corednsUdpRequests(kc, state),
        udpBefore2,
        'no UDP query from the node-2 pod at CoreDNS',
      );
    });
  },
);

// cilium beside kube-proxy: its socket hooks sit on its own node's cgroup, so the other node's pods stay with
// their kube-proxy (infra/lab/node-values.ts). Runs where cilium is built and the kernel can run it.
const ciliumReason = serviceProxies.cilium.unsupported(hostFacts()) ?? serviceProxies.cilium.notBuilt?.();
describe(
  'mixed nodes: cilium on node 1, kube-proxy iptables on node 2',
  {
    timeout: 1_200_000,
    skip: ciliumReason,
  },
  () => {
    const lab = mixedLab('mx2', 'cilium/coredns,iptables/coredns');

    test("cilium's socket hooks cover node 1's cgroup, not node 2's processes; node 2 runs kube-proxy", async () => {
      const { state } = lab();
      const [n1, n2] = state.realNodes!;
      const root = cgroup2Root();
      // Every cgroup (relative to the cgroup2 root) holding a cilium connect hook, whoever's lab it is.
      const tree = (await exec(['bpftool', 'cgroup', 'tree'])).stdout;
      const hooked = [...tree.matchAll(/^(\/\S+)\n((?:[ \t]+\d+.*\n?)+)/gm)]
        .filter((m) => /cil_sock4_connect/.test(m[2]!))
        .map((m) => m[1]!.slice(root.length) || '/');
      assert.deepEqual(
        hooked.filter((c) => c.startsWith('/scalelab_mx2/')),
        [`/scalelab_mx2/${n1!.name}`],
      );
      // Hooks apply to their cgroup and its descendants: none may be node 2's agent's (its pods' parent) or above.
      const agent2 = state.processes.find((p) => p.name === `node-agent-${n2!.index}`)!;
      const own = /^0::(\/.*)$/m.exec(readFileSync(`/proc/${agent2.pid}/cgroup`, 'utf8'))![1]!;
      for (const c of hooked)
        assert.ok(
          !(own === c || own.startsWith(c === '/' ? '/' : `${c}/`)),
          `node 2's agent (${own}) is under ${c}`,
        );
      assert.equal(
        (await labHttpGet(state.gatewaySocket, `http://${n2!.ip}:10249/proxyMode`)).trim(),
        'iptables',
      );
    });

    test("a ClusterIP answers pods on both nodes; node 2's connections are DNATed by its kube-proxy", async () => {
      const { state, kc } = lab();
      const [, n2] = state.realNodes!;
      await servicesBothWays(kc, state);
      // Translated at node 2's netfilter: its conntrack holds connections to the VIP (port 80). Node 1's pods
      // are translated at their sockets and connect to the pods' port directly.
      const ct = await inNode(n2!, ['conntrack', '-L', '-p', 'tcp', '--dport', '80']);
      assert.match(ct.stdout, /dst=198\.19\.\d+\.\d+ sport=\d+ dport=80 src=100\.64\./);
    });
  },
);

// No service proxy on a node (side by side's shared target node, runners/lab-host.ts): the node only answers
// connections to its pods' IPs, which the client's node has translated; CoreDNS runs there, off the clients' node.
describe(
  'mixed nodes: kube-proxy iptables on node 1, no service proxy on node 2',
  {
    timeout: 1_200_000,
  },
  () => {
    const lab = mixedLab('mx3', 'iptables/coredns,none/coredns');

    test('node 2 runs no proxy but every CoreDNS replica, and lab status says so', async () => {
      const { state, kc } = lab();
      const [, n2] = state.realNodes!;
      assert.deepEqual(
        state.processes.filter((p) => p.name.startsWith('kube-proxy')).map((p) => p.name),
        ['kube-proxy-1'],
      );
      assert.doesNotMatch((await inNode(n2!, ['iptables-save', '-t', 'nat'])).stdout, /KUBE-SERVICES/);
      assert.notEqual((await inNode(n2!, ['nft', 'list', 'table', 'ip', 'kube-proxy'])).exitCode, 0);
      const dns = await kc
        .makeApiClient(CoreV1Api)
        .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
      assert.deepEqual([...new Set(dns.items.map((p) => p.spec?.nodeName))], ['real-node-2']);
      const status = await scalelab(['lab', 'status', '--name', 'mx3']);
      assert.match(status.stdout, /real-node-2: no service proxy; CoreDNS /);
    });

    test("node 1's pods reach a Service whose endpoints are on node 2, and resolve names through CoreDNS there", async () => {
      const { state, kc } = lab();
      const vip = await echoService(kc, 'echo-on-2', 'real-node-2', 2);
      await waitUntil(
        'echo endpoints ready',
        async () => (await readyEndpoints(kc, 'echo-on-2')).length === 2,
        180_000,
      );
      const pods = new Set(await readyEndpoints(kc, 'echo-on-2'));
      const { seen, answers } = await answersFrom(state, 1, `http://${vip}/hostname`, 2);
      assert.deepEqual(new Set(seen), pods);
      assert.ok(answers.length === 10 && answers.every((h) => pods.has(h)), `answered ${answers}`);
      assert.match(await lookupFrom(state, 1), /^nameserver 198\.19\.0\.10$/m);
    });
  },
);
