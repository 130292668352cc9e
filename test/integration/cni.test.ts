import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { exec } from '../../infra/exec.ts';
import { createNetns, deleteNetns, ipIn, netnsPids } from '../../infra/lab/netns.ts';
import { stopPids } from '../../infra/lab/processes.ts';
import {
  CniError,
  cniAdd,
  cniCheck,
  cniDel,
  loopbackNetwork,
  podBridgeNetwork,
  podPtpNetwork,
} from '../../infra/node-agent/cni.ts';
import type { CniNetworkList, CniResult, CniRuntime } from '../../infra/node-agent/cni.ts';
import { hostNetworkSnapshot } from './helpers.ts';

// Everything this test changes is inside these namespaces (plugins run in the node's) and under stateDir.
const nodeNs = 'scalelab_cnitest_node';
const podNs = ['scalelab_cnitest_pod1', 'scalelab_cnitest_pod2'] as const;
const stateDir = '/run/scalelab-cnitest';
const dataDir = `${stateDir}/ipam`;
const subnet = '100.64.200.0/24';
const gateway = '100.64.200.1';
const net = podBridgeNetwork({ name: 'cnitest', bridge: 'cni0', subnet, dataDir });
const opts = { execPrefix: ['ip', 'netns', 'exec', nodeNs] };

const pod = (i: 0 | 1, ifName = 'eth0'): CniRuntime => ({
  containerId: `cnitest-pod${i + 1}`,
  netnsPath: `/run/netns/${podNs[i]}`,
  ifName,
});

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (n(ip) & mask) === (n(base!) & mask);
}

const addressOf = (r: CniResult) => r.ips?.[0]?.address.split('/')[0] ?? '';
const ipamFile = (ip: string) => `${dataDir}/${net.name}/${ip}`;
const linkExists = async (ns: string, dev: string) =>
  (await exec(['ip', '-n', ns, 'link', 'show', 'dev', dev], { allowFailure: true })).exitCode === 0;

/** Stops what an earlier run left running in the namespaces, then deletes them and the IPAM state. */
async function cleanup(): Promise<void> {
  for (const ns of [nodeNs, ...podNs]) {
    await stopPids(await netnsPids(ns), 2_000);
    await deleteNetns(ns);
  }
  rmSync(stateDir, { recursive: true, force: true });
}

/** pod → ip over the bridge: ping when the machine has it, else a TCP exchange between two node processes. */
async function reaches(fromNs: string, toNs: string, ip: string): Promise<boolean> {
  const ping = await exec(['sh', '-c', 'command -v ping'], { allowFailure: true });
  if (ping.exitCode === 0) {
    const r = await exec(['ip', 'netns', 'exec', fromNs, 'ping', '-c1', '-W2', ip], { allowFailure: true });
    return r.exitCode === 0;
  }
  const serve = `require('net').createServer((s) => s.end('pong')).listen(7777, '${ip}', () => console.log('ready'))`;
  const server = spawn('ip', ['netns', 'exec', toNs, process.execPath, '-e', serve], { stdio: 'pipe' });
  try {
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error('TCP server in the pod did not start')), 15_000).unref();
      server.stdout.setEncoding('utf8').on('data', (d: string) => d.includes('ready') && resolve());
      server.on('exit', (code) => reject(new Error(`TCP server exited (${code})`)));
    });
    const connect = `const s = require('net').connect(7777, '${ip}'); s.setTimeout(3000, () => process.exit(2));
      s.on('data', (d) => { process.stdout.write(d); process.exit(0); }); s.on('error', () => process.exit(1));`;
    const r = await exec(['ip', 'netns', 'exec', fromNs, process.execPath, '-e', connect], {
      allowFailure: true,
    });
    return r.exitCode === 0 && r.stdout === 'pong';
  } finally {
    if (server.pid !== undefined) await stopPids([server.pid], 2_000);
  }
}

describe('CNI invoker with the Debian plugins, in network namespaces', { timeout: 120_000 }, () => {
  let hostBefore = '';
  const results: CniResult[] = [];

  before(async () => {
    await cleanup();
    hostBefore = await hostNetworkSnapshot();
    for (const ns of [nodeNs, ...podNs]) await createNetns(ns);
  });

  after(cleanup);

  test('ADD puts each pod on cni0 with an address in the subnet and a default route via the bridge', async () => {
    for (const i of [0, 1] as const) {
      const r = await cniAdd(net, pod(i), opts);
      results.push(r);
      const ip = addressOf(r);
      assert.equal(r.cniVersion, '1.0.0');
      assert.ok(inCidr(ip, subnet), `${ip} in ${subnet}`);
      assert.equal(r.ips?.[0]?.address, `${ip}/24`);
      assert.equal(r.ips?.[0]?.gateway, gateway);
      assert.ok(r.interfaces?.some((x) => x.name === 'eth0' && x.sandbox === pod(i).netnsPath));
      assert.match(
        await ipIn(podNs[i], ['-4', '-o', 'addr', 'show', 'dev', 'eth0']),
        new RegExp(` ${ip}/24 `),
      );
      assert.match(
        await ipIn(podNs[i], ['-4', 'route', 'show', 'default']),
        /^default via 100\.64\.200\.1 dev eth0/,
      );
      assert.ok(existsSync(ipamFile(ip)), `host-local recorded ${ip}`);
    }
    assert.notEqual(addressOf(results[0]!), addressOf(results[1]!));
    assert.match(await ipIn(nodeNs, ['-4', '-o', 'addr', 'show', 'dev', 'cni0']), / 100\.64\.200\.1\/24 /);
  });

  test('pod1 reaches pod2 across the bridge', async () => {
    assert.ok(await reaches(podNs[0], podNs[1], addressOf(results[1]!)));
  });

  test('CHECK passes for a healthy attachment and fails once its default route is gone', async () => {
    await cniCheck(net, pod(0), results[0]!, opts);
    await ipIn(podNs[1], ['route', 'del', 'default']);
    await assert.rejects(
      cniCheck(net, pod(1), results[1]!, opts),
      (e) => e instanceof CniError && e.command === 'CHECK',
    );
    await ipIn(podNs[1], ['route', 'add', 'default', 'via', gateway, 'dev', 'eth0']);
    await cniCheck(net, pod(1), results[1]!, opts);
  });

  test('the loopback network brings lo up, and its DEL takes it down', async () => {
    await ipIn(podNs[0], ['link', 'set', 'lo', 'down']);
    const r = await cniAdd(loopbackNetwork(), pod(0, 'lo'), opts);
    assert.equal(r.interfaces?.[0]?.name, 'lo');
    assert.match(await ipIn(podNs[0], ['-o', 'link', 'show', 'dev', 'lo']), /[<,]UP[,>]/);
    await cniDel(loopbackNetwork(), pod(0, 'lo'), r, opts);
    assert.doesNotMatch(await ipIn(podNs[0], ['-o', 'link', 'show', 'dev', 'lo']), /[<,]UP[,>]/);
  });

  test('DEL removes the veth pair and releases the address; DEL again, with or without prevResult, succeeds', async () => {
    const r = results[0]!;
    const hostVeth = r.interfaces?.find((x) => !x.sandbox && x.name !== 'cni0')?.name;
    assert.ok(
      hostVeth && (await linkExists(nodeNs, hostVeth)),
      'the host side of the veth is in the node namespace',
    );
    await cniDel(net, pod(0), r, opts);
    assert.equal(await linkExists(podNs[0], 'eth0'), false);
    assert.equal(await linkExists(nodeNs, hostVeth), false);
    assert.equal(existsSync(ipamFile(addressOf(r))), false, 'host-local released the address');
    assert.ok(existsSync(ipamFile(addressOf(results[1]!))), "pod2's address is still held");
    await cniDel(net, pod(0), r, opts);
    await cniDel(net, pod(0), undefined, opts);
  });

  test('an ADD naming a missing plugin fails with a CniError naming it, before any plugin runs', async () => {
    const bad: CniNetworkList = { ...net, plugins: [...net.plugins, { type: 'no-such-plugin' }] };
    const before = readdirSync(`${dataDir}/${net.name}`).sort();
    await assert.rejects(
      cniAdd(bad, pod(0), opts),
      (e) => e instanceof CniError && e.plugin === 'no-such-plugin' && e.command === 'ADD',
    );
    assert.equal(await linkExists(podNs[0], 'eth0'), false);
    assert.deepEqual(readdirSync(`${dataDir}/${net.name}`).sort(), before);
  });

  test("a plugin's error JSON becomes a CniError with its code; DEL of the failed attachment succeeds", async () => {
    const gone: CniRuntime = { ...pod(0), netnsPath: '/run/netns/scalelab_cnitest_gone' };
    const err = await cniAdd(net, gone, opts).then(
      () => assert.fail('ADD into a missing namespace succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CniError, String(err));
    assert.equal(err.plugin, 'bridge');
    assert.equal(typeof err.code, 'number');
    assert.match(err.message, /scalelab_cnitest_gone/);
    await cniDel(net, gone, undefined, opts);
  });

  test("the host's own namespace is unchanged", async () => {
    assert.equal(await hostNetworkSnapshot(), hostBefore);
  });
});

// The bgp pod network's wiring (calico's): the ptp plugin, no bridge.
const ptpNodeNs = 'scalelab_cnitest_ptpnode';
const ptpPodNs = ['scalelab_cnitest_ptp1', 'scalelab_cnitest_ptp2'] as const;
const ptpDataDir = `${stateDir}-ptp/ipam`;
const ptpSubnet = '100.64.201.0/24';
const ptpNet = podPtpNetwork({ name: 'cnitest-ptp', subnet: ptpSubnet, dataDir: ptpDataDir });
const ptpOpts = { execPrefix: ['ip', 'netns', 'exec', ptpNodeNs] };
const ptpPod = (i: 0 | 1): CniRuntime => ({
  containerId: `cnitest-ptp${i + 1}`,
  netnsPath: `/run/netns/${ptpPodNs[i]}`,
  ifName: 'eth0',
});

async function ptpCleanup(): Promise<void> {
  for (const ns of [ptpNodeNs, ...ptpPodNs]) {
    await stopPids(await netnsPids(ns), 2_000);
    await deleteNetns(ns);
  }
  rmSync(`${stateDir}-ptp`, { recursive: true, force: true });
}

/** The node's host-scope routes other than lo's: "dst dev" for each. */
async function hostRoutes(ns: string): Promise<string[]> {
  const routes = JSON.parse(await ipIn(ns, ['-j', 'route', 'show', 'scope', 'host'])) as {
    dst: string;
    dev: string;
  }[];
  return routes
    .filter((r) => r.dev !== 'lo')
    .map((r) => `${r.dst} ${r.dev}`)
    .sort();
}

describe(
  'the ptp plugin (the bgp pod network): a veth and a /32 route per pod, no bridge',
  { timeout: 120_000 },
  () => {
    let hostBefore = '';
    const results: CniResult[] = [];
    const hostVeth = (r: CniResult) => r.interfaces?.find((x) => !x.sandbox)?.name ?? '';

    before(async () => {
      await ptpCleanup();
      hostBefore = await hostNetworkSnapshot();
      for (const ns of [ptpNodeNs, ...ptpPodNs]) await createNetns(ns);
    });

    after(ptpCleanup);

    test('ADD gives each pod an address, a default route via the gateway, and the node one veth and /32 route', async () => {
      for (const i of [0, 1] as const) {
        const r = await cniAdd(ptpNet, ptpPod(i), ptpOpts);
        results.push(r);
        const ip = addressOf(r);
        assert.ok(inCidr(ip, ptpSubnet), `${ip} in ${ptpSubnet}`);
        assert.equal(r.ips?.[0]?.gateway, '100.64.201.1');
        assert.match(
          await ipIn(ptpPodNs[i], ['-4', 'route', 'show', 'default']),
          /^default via 100\.64\.201\.1 dev eth0/,
        );
        assert.ok(await linkExists(ptpNodeNs, hostVeth(r)), 'the host end of the veth is in the node');
        assert.match(
          await ipIn(ptpNodeNs, ['-4', '-o', 'addr', 'show', 'dev', hostVeth(r)]),
          / 100\.64\.201\.1\/32 /,
        );
      }
      assert.equal(await linkExists(ptpNodeNs, 'cni0'), false, 'no bridge in the node');
      const veths = JSON.parse(await ipIn(ptpNodeNs, ['-j', 'link', 'show', 'type', 'veth'])) as {
        ifname: string;
      }[];
      assert.deepEqual(veths.map((v) => v.ifname).sort(), results.map(hostVeth).sort());
      assert.deepEqual(
        await hostRoutes(ptpNodeNs),
        results.map((r) => `${addressOf(r)} ${hostVeth(r)}`).sort(),
      );
    });

    test('pod1 reaches pod2 through the node (its /32 routes), and CHECK passes', async () => {
      assert.ok(await reaches(ptpPodNs[0], ptpPodNs[1], addressOf(results[1]!)));
      for (const i of [0, 1] as const) await cniCheck(ptpNet, ptpPod(i), results[i]!, ptpOpts);
    });

    test("DEL removes the pod's veth and /32 route and releases its address; the other pod's stay", async () => {
      const [r1, r2] = [results[0]!, results[1]!];
      await cniDel(ptpNet, ptpPod(0), r1, ptpOpts);
      assert.equal(await linkExists(ptpNodeNs, hostVeth(r1)), false);
      assert.deepEqual(await hostRoutes(ptpNodeNs), [`${addressOf(r2)} ${hostVeth(r2)}`]);
      assert.equal(existsSync(`${ptpDataDir}/${ptpNet.name}/${addressOf(r1)}`), false);
      await cniDel(ptpNet, ptpPod(0), undefined, ptpOpts);
    });

    test("the host's own namespace is unchanged", async () => {
      assert.equal(await hostNetworkSnapshot(), hostBefore);
    });
  },
);
