import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, output } from '../../infra/exec.ts';
import { createNetns, deleteNetns, ipIn, netnsPids } from '../../infra/lab/netns.ts';
import { isRunning, sleep, startDaemon, stopPids, type StartedProcess } from '../../infra/lab/processes.ts';
import {
  birdRoutes,
  labAsn,
  nodeConfig,
  reflectorConfig,
  startBird,
  waitForBgpConvergence,
} from '../../infra/podnet/bgp.ts';
import { cniAdd, podPtpNetwork, type CniResult } from '../../infra/node-agent/cni.ts';
import { hostNetworkSnapshot } from './helpers.ts';

const labNs = 'scalelab_bgptest';
const labIp = '198.18.0.1';
const nodes = [
  {
    name: 'node-1',
    netns: `${labNs}_node-1`,
    ip: '198.18.1.1',
    podCidr: '100.64.10.0/24',
    podGw: '100.64.10.1',
  },
  {
    name: 'node-2',
    netns: `${labNs}_node-2`,
    ip: '198.18.1.2',
    podCidr: '100.64.11.0/24',
    podGw: '100.64.11.1',
  },
] as const;
const [node1, node2] = nodes;
/** Pods wired as the bgp pod network wires them (CNI ptp): two on node-1, one on node-2. */
const pods = [
  { name: 'pod-a', node: node1, netns: `${labNs}_pod-a` },
  { name: 'pod-b', node: node1, netns: `${labNs}_pod-b` },
  { name: 'pod-c', node: node2, netns: `${labNs}_pod-c` },
] as const;
const allNetns = [labNs, ...nodes.map((n) => n.netns), ...pods.map((p) => p.netns)];
const tmpPrefix = 'scalelab-bgptest-';
/** The hold time in bgp.ts: a stopped peer must be withdrawn within it. */
const holdMs = 9_000;

/** Stops whatever runs in the test namespaces (this run's or a crashed run's), deletes them and the temp dirs. */
async function cleanup(started: readonly StartedProcess[]): Promise<void> {
  const pids = new Set(started.filter((p) => isRunning(p.record)).map((p) => p.record.pid));
  for (const ns of allNetns) for (const pid of await netnsPids(ns)) pids.add(pid);
  await stopPids([...pids]);
  for (const ns of allNetns) await deleteNetns(ns);
  for (const entry of readdirSync(tmpdir()))
    if (entry.startsWith(tmpPrefix)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
}

/** Every change below names a test namespace: the host's own namespace is never touched. */
async function buildFabric(): Promise<void> {
  await createNetns(labNs);
  await ipIn(labNs, ['link', 'add', 'fabric0', 'type', 'bridge']);
  await ipIn(labNs, ['addr', 'add', `${labIp}/16`, 'dev', 'fabric0']);
  await ipIn(labNs, ['link', 'set', 'fabric0', 'up']);
  for (const n of nodes) {
    await createNetns(n.netns);
    const port = `v${n.name}`;
    await ipIn(labNs, ['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n.netns]);
    await ipIn(labNs, ['link', 'set', port, 'master', 'fabric0', 'up']);
    await ipIn(n.netns, ['addr', 'add', `${n.ip}/16`, 'dev', 'eth0']);
    await ipIn(n.netns, ['link', 'set', 'eth0', 'up']);
    await exec(['ip', 'netns', 'exec', n.netns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  }
}

/** Polls a namespace's bird routes until pred holds; returns the elapsed ms, or throws after timeoutMs. */
async function waitRoutes(
  netns: string,
  pred: (r: { dst: string; via: string }[]) => boolean,
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const routes = await birdRoutes(netns);
    if (pred(routes)) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`${netns}: routes still ${JSON.stringify(routes)} after ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** A TCP server in a pod, on the pod's address, answering every connection with the pod's name. */
function servePod(dir: string, pod: (typeof pods)[number], ip: string): StartedProcess {
  return startDaemon({
    name: `serve-${pod.name}`,
    netns: pod.netns,
    log: join(dir, `serve-${pod.name}.log`),
    argv: [
      process.execPath,
      '-e',
      `require('net').createServer((s) => s.end('${pod.name}')).listen(7777, '${ip}')`,
    ],
  });
}

/** What host:port answers to a TCP connection from inside netns (retried while the server starts). */
async function askFrom(netns: string, host: string, port: number): Promise<string> {
  const client = `
    const net = require('net');
    let tries = 0;
    const attempt = () => {
      const s = net.connect({ host: '${host}', port: ${port}, timeout: 3000 });
      let data = '';
      s.on('data', (d) => (data += d));
      s.on('end', () => { console.log(data); process.exit(0); });
      s.on('timeout', () => { console.error('timed out'); process.exit(1); });
      s.on('error', (e) => {
        if (e.code === 'ECONNREFUSED' && ++tries < 40) setTimeout(attempt, 250);
        else { console.error(e.message); process.exit(1); }
      });
    };
    attempt();`;
  return output(['ip', 'netns', 'exec', netns, process.execPath, '-e', client]);
}

const podIp = (r: CniResult) => r.ips?.[0]?.address.split('/')[0] ?? '';

describe(
  'BGP pod network: real bird2, a route reflector and two nodes in namespaces',
  { timeout: 120_000 },
  () => {
    const started: StartedProcess[] = [];
    let dir = '';
    let hostBefore = '';
    let node2Bird: StartedProcess | undefined;
    const wired = new Map<string, { ip: string; hostVeth: string }>();

    before(async () => {
      await cleanup([]);
      hostBefore = await hostNetworkSnapshot();
      dir = mkdtempSync(join(tmpdir(), tmpPrefix));
      await buildFabric();
      started.push(
        startBird({
          netns: labNs,
          dir,
          name: 'bird-reflector',
          config: reflectorConfig({ routerId: labIp, asn: labAsn, nodes }),
        }),
      );
      for (const n of nodes) {
        const p = startBird({
          netns: n.netns,
          dir,
          name: `bird-${n.name}`,
          config: nodeConfig({ routerId: n.ip, asn: labAsn, reflectorIp: labIp, podCidr: n.podCidr }),
        });
        started.push(p);
        if (n === node2) node2Bird = p;
      }
      const t0 = Date.now();
      await waitForBgpConvergence({ nodes, alsoRouting: [labNs], timeoutMs: 30_000, watch: started });
      console.log(`BGP converged in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const p of pods) {
        await createNetns(p.netns);
        const net = podPtpNetwork({
          name: 'bgptest',
          subnet: p.node.podCidr,
          dataDir: join(dir, p.node.name),
        });
        const r = await cniAdd(
          net,
          { containerId: p.name, netnsPath: `/run/netns/${p.netns}`, ifName: 'eth0' },
          { execPrefix: ['ip', 'netns', 'exec', p.node.netns] },
        );
        const hostVeth = r.interfaces?.find((x) => !x.sandbox)?.name ?? '';
        wired.set(p.name, { ip: podIp(r), hostVeth });
      }
      for (const p of pods) started.push(servePod(dir, p, wired.get(p.name)!.ip));
    });

    after(async () => {
      await cleanup(started);
    });

    test("each node routes the other's podCIDR via the other's fabric IP, and blackholes its own block", async () => {
      const sorted = (r: { dst: string; via: string }[]) => r.sort((a, b) => a.dst.localeCompare(b.dst));
      assert.deepEqual(sorted(await birdRoutes(node1.netns)), [
        { dst: node1.podCidr, via: '' },
        { dst: node2.podCidr, via: node2.ip },
      ]);
      assert.deepEqual(sorted(await birdRoutes(node2.netns)), [
        { dst: node1.podCidr, via: node1.ip },
        { dst: node2.podCidr, via: '' },
      ]);
      assert.match(
        await ipIn(node1.netns, ['route', 'show', node2.podCidr]),
        /^100\.64\.11\.0\/24 via 198\.18\.1\.2 dev eth0 proto bird\b/,
      );
      assert.match(
        await ipIn(node1.netns, ['route', 'show', node1.podCidr]),
        /^blackhole 100\.64\.10\.0\/24 proto bird\b/,
      );
    });

    test('the lab namespace (the reflector) routes both podCIDRs to their nodes', async () => {
      const routes = await birdRoutes(labNs);
      assert.deepEqual(
        routes.sort((a, b) => a.dst.localeCompare(b.dst)),
        nodes.map((n) => ({ dst: n.podCidr, via: n.ip })),
      );
    });

    test('ptp wiring: no cni0 bridge, one veth and one /32 route per pod on its node, the gateway on the veth', async () => {
      for (const n of nodes) {
        const links = JSON.parse(await ipIn(n.netns, ['-j', 'link', 'show'])) as {
          ifname: string;
          link_type?: string;
        }[];
        assert.ok(!links.some((l) => l.ifname === 'cni0'), `${n.netns} has no cni0`);
        const mine = pods.filter((p) => p.node === n).map((p) => wired.get(p.name)!);
        // eth0 is the node's own veth to the fabric; every other veth is a pod's.
        const veths = JSON.parse(await ipIn(n.netns, ['-j', 'link', 'show', 'type', 'veth'])) as {
          ifname: string;
        }[];
        assert.deepEqual(
          veths
            .map((v) => v.ifname)
            .filter((v) => v !== 'eth0')
            .sort(),
          mine.map((w) => w.hostVeth).sort(),
        );
        const routes = JSON.parse(await ipIn(n.netns, ['-j', 'route', 'show', 'scope', 'host'])) as {
          dst: string;
          dev: string;
        }[];
        assert.deepEqual(
          routes
            .filter((r) => r.dev !== 'lo')
            .map((r) => `${r.dst} ${r.dev}`)
            .sort(),
          mine.map((w) => `${w.ip} ${w.hostVeth}`).sort(),
          'one /32 route per pod, through its veth',
        );
        for (const w of mine)
          assert.match(
            await ipIn(n.netns, ['-4', '-o', 'addr', 'show', 'dev', w.hostVeth]),
            new RegExp(` ${n.podGw.replace(/\./g, '\\.')}/32 `),
          );
      }
      const a = wired.get('pod-a')!;
      assert.match(
        await ipIn(pods[0].netns, ['-4', 'route', 'show', 'default']),
        /^default via 100\.64\.10\.1 dev eth0/,
      );
      assert.match(
        await ipIn(pods[0].netns, ['-4', '-o', 'addr', 'show', 'dev', 'eth0']),
        new RegExp(` ${a.ip}/24 `),
      );
    });

    test('a pod reaches a pod on its own node and one on the other node (BGP routes both ways)', async () => {
      assert.equal(await askFrom(pods[0].netns, wired.get('pod-b')!.ip, 7777), 'pod-b');
      assert.equal(await askFrom(pods[0].netns, wired.get('pod-c')!.ip, 7777), 'pod-c');
      assert.equal(await askFrom(pods[2].netns, wired.get('pod-a')!.ip, 7777), 'pod-a');
    });

    test('through a DNATed virtual IP, a pod reaches a remote pod and itself (hairpin, no bridge)', async () => {
      // The kernel's NAT, written as kube-proxy's iptables mode writes it for one Service (DNAT in PREROUTING,
      // masquerade when a pod reaches itself): this checks the ptp wiring carries both the DNATed packet and the
      // reply; dataplane.test.ts runs the real kube-proxy on a bgp lab.
      const a = wired.get('pod-a')!.ip;
      const c = wired.get('pod-c')!.ip;
      const nat = (...rule: string[]) =>
        exec(['ip', 'netns', 'exec', node1.netns, 'iptables', '-t', 'nat', ...rule]);
      await nat(
        '-A',
        'PREROUTING',
        '-d',
        '198.19.200.1/32',
        '-p',
        'tcp',
        '--dport',
        '80',
        '-j',
        'DNAT',
        '--to-destination',
        `${a}:7777`,
      );
      await nat(
        '-A',
        'PREROUTING',
        '-d',
        '198.19.200.2/32',
        '-p',
        'tcp',
        '--dport',
        '80',
        '-j',
        'DNAT',
        '--to-destination',
        `${c}:7777`,
      );
      await nat('-A', 'POSTROUTING', '-s', `${a}/32`, '-d', `${a}/32`, '-j', 'MASQUERADE');
      assert.equal(
        await askFrom(pods[0].netns, '198.19.200.2', 80),
        'pod-c',
        'pod-a → VIP → pod-c on node-2',
      );
      assert.equal(
        await askFrom(pods[1].netns, '198.19.200.1', 80),
        'pod-a',
        'pod-b → VIP → pod-a on its node',
      );
      assert.equal(
        await askFrom(pods[0].netns, '198.19.200.1', 80),
        'pod-a',
        'pod-a → VIP → pod-a (hairpin)',
      );
    });

    test("after node-2's bird stops, its route leaves node-1 and the lab within the hold time", async () => {
      assert.ok(node2Bird);
      const t0 = Date.now();
      await stopPids([node2Bird.record.pid]);
      const gone = (r: { dst: string }[]) => !r.some((x) => x.dst === node2.podCidr);
      await waitRoutes(node1.netns, gone, holdMs);
      await waitRoutes(labNs, gone, holdMs);
      const elapsed = Date.now() - t0;
      console.log(`node-2's podCIDR withdrawn after ${(elapsed / 1000).toFixed(1)} s`);
      assert.ok(elapsed <= holdMs, `withdrawn after ${elapsed} ms`);
      // node-2 keeps nothing bird put there either: bird removes its kernel routes when it stops.
      assert.deepEqual(await birdRoutes(node2.netns), []);
    });

    test("the host's own namespace is untouched", async () => {
      assert.equal(await hostNetworkSnapshot(), hostBefore);
    });
  },
);
