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
const allNetns = [labNs, ...nodes.map((n) => n.netns)];
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
    // A port-less bridge stands in for the pod bridge (this kernel has no dummy driver).
    await ipIn(n.netns, ['link', 'add', 'cni0', 'type', 'bridge']);
    await ipIn(n.netns, ['addr', 'add', `${n.podGw}/24`, 'dev', 'cni0']);
    await ipIn(n.netns, ['link', 'set', 'cni0', 'up']);
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

describe(
  'BGP pod network: real bird2, a route reflector and two nodes in namespaces',
  { timeout: 120_000 },
  () => {
    const started: StartedProcess[] = [];
    let dir = '';
    let hostBefore = '';
    let node2Bird: StartedProcess | undefined;

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
    });

    after(async () => {
      await cleanup(started);
    });

    test("each node routes the other's podCIDR via the other's fabric IP, and nothing else", async () => {
      assert.deepEqual(await birdRoutes(node1.netns), [{ dst: node2.podCidr, via: node2.ip }]);
      assert.deepEqual(await birdRoutes(node2.netns), [{ dst: node1.podCidr, via: node1.ip }]);
      assert.match(
        await ipIn(node1.netns, ['route', 'show', node2.podCidr]),
        /^100\.64\.11\.0\/24 via 198\.18\.1\.2 dev eth0 proto bird\b/,
      );
      assert.match(
        await ipIn(node2.netns, ['route', 'show', node1.podCidr]),
        /^100\.64\.10\.0\/24 via 198\.18\.1\.1 dev eth0 proto bird\b/,
      );
    });

    test('the lab namespace (the reflector) routes both podCIDRs to their nodes', async () => {
      const routes = await birdRoutes(labNs);
      assert.deepEqual(
        routes.sort((a, b) => a.dst.localeCompare(b.dst)),
        nodes.map((n) => ({ dst: n.podCidr, via: n.ip })),
      );
    });

    test("node-1, from its pod gateway address, opens a TCP connection to node-2's pod gateway", async () => {
      const server = startDaemon({
        name: 'pong',
        netns: node2.netns,
        log: join(dir, 'pong.log'),
        argv: [
          process.execPath,
          '-e',
          `require('net').createServer((s) => s.end('pong')).listen(7777, '${node2.podGw}')`,
        ],
      });
      started.push(server);
      // Bound to node-1's pod address, so the reply needs node-2's BGP route back to node-1's podCIDR.
      const client = `
      const net = require('net');
      let tries = 0;
      const attempt = () => {
        const s = net.connect({ host: '${node2.podGw}', port: 7777, localAddress: '${node1.podGw}', timeout: 2000 });
        let data = '';
        s.on('data', (d) => (data += d));
        s.on('end', () => { console.log(data); process.exit(0); });
        s.on('timeout', () => { console.error('timed out'); process.exit(1); });
        s.on('error', (e) => {
          if (e.code === 'ECONNREFUSED' && ++tries < 20) setTimeout(attempt, 250);
          else { console.error(e.message); process.exit(1); }
        });
      };
      attempt();`;
      const reply = await output(['ip', 'netns', 'exec', node1.netns, process.execPath, '-e', client]);
      assert.equal(reply, 'pong');
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
