import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CniError,
  cniAdd,
  cniCheck,
  cniDel,
  cniErrorFrom,
  loopbackNetwork,
  parseCniResult,
  pluginConfig,
  pluginEnv,
  podBridgeNetwork,
} from './cni.ts';
import type { CniNetworkList, CniRuntime } from './cni.ts';

const rt: CniRuntime = { containerId: 'pod-1', netnsPath: '/run/netns/x', ifName: 'eth0' };
const result = {
  cniVersion: '1.0.0',
  interfaces: [
    { name: 'cni0', mac: '5a:17:42:ea:cb:ff' },
    { name: 'eth0', sandbox: '/run/netns/x' },
  ],
  ips: [{ interface: 1, address: '100.64.200.2/24', gateway: '100.64.200.1' }],
  routes: [{ dst: '0.0.0.0/0' }],
  dns: {},
};

describe('pluginConfig', () => {
  const net: CniNetworkList = { cniVersion: '1.0.0', name: 'pods', plugins: [] };
  const plugin = {
    type: 'portmap',
    name: 'ignored',
    cniVersion: '0.3.1',
    capabilities: { portMappings: true, bandwidth: false },
    snat: true,
    nested: { keep: ['this'] },
  };

  test("gives the list's name and version, drops capabilities and passes every other field through", () => {
    assert.deepEqual(pluginConfig(net, plugin), {
      type: 'portmap',
      name: 'pods',
      cniVersion: '1.0.0',
      snat: true,
      nested: { keep: ['this'] },
    });
    assert.deepEqual(
      plugin.capabilities,
      { portMappings: true, bandwidth: false },
      'the input is not changed',
    );
  });

  test('adds prevResult when given, and runtimeConfig only for capabilities the plugin declares true', () => {
    const caps = {
      portMappings: [{ hostPort: 80, containerPort: 8080, protocol: 'tcp' }],
      bandwidth: {},
      mac: 'x',
    };
    const conf = pluginConfig(net, plugin, result, caps);
    assert.deepEqual(conf.runtimeConfig, { portMappings: caps.portMappings });
    assert.deepEqual(conf.prevResult, result);
    assert.equal('runtimeConfig' in pluginConfig(net, { type: 'bridge' }, undefined, caps), false);
  });
});

describe('pluginEnv', () => {
  test("sets the six protocol variables and keeps the caller's environment minus its CNI_* variables", () => {
    const base = { PATH: '/usr/bin', HOME: '/root', CNI_ARGS: 'stale=1', CNI_NETNS: '/stale' };
    const env = pluginEnv(
      'CHECK',
      { ...rt, args: { IgnoreUnknown: '1', K8S_POD_NAME: 'web-0' } },
      '/opt/cni',
      base,
    );
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      HOME: '/root',
      CNI_COMMAND: 'CHECK',
      CNI_CONTAINERID: 'pod-1',
      CNI_NETNS: '/run/netns/x',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web-0',
      CNI_PATH: '/opt/cni',
    });
  });

  test('CNI_ARGS is empty without args, and a pair that would break its K=V;K=V form is refused', () => {
    assert.equal(pluginEnv('ADD', rt, '/opt/cni', {}).CNI_ARGS, '');
    assert.throws(() => pluginEnv('ADD', { ...rt, args: { A: 'b;C=d' } }, '/opt/cni', {}), /CNI_ARGS/);
    assert.throws(() => pluginEnv('ADD', { ...rt, args: { 'A=B': 'c' } }, '/opt/cni', {}), /CNI_ARGS/);
  });
});

describe('parseCniResult', () => {
  test('returns the result as the plugin wrote it, unknown fields included', () => {
    const withExtra = { ...result, ips: [{ ...result.ips[0], version: '4' }] };
    assert.deepEqual(parseCniResult(JSON.stringify(withExtra), 'bridge'), withExtra);
  });

  const bad: [string, string, RegExp][] = [
    ['output that is not JSON', 'oops', /not JSON/],
    ['a result without cniVersion', '{"ips":[]}', /no cniVersion/],
    ['a spec 0.2.0 result', '{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24"}}', /0\.2\.0 result format/],
    ['ips that are not a list', '{"cniVersion":"1.0.0","ips":{}}', /ips is not a list/],
    ['an ips entry without address', '{"cniVersion":"1.0.0","ips":[{"gateway":"10.0.0.1"}]}', /no address/],
  ];
  for (const [what, stdout, message] of bad) {
    test(`rejects ${what}, naming the plugin`, () => {
      assert.throws(
        () => parseCniResult(stdout, 'bridge'),
        (e: unknown) => e instanceof CniError && e.plugin === 'bridge' && message.test(e.message),
      );
    });
  }
});

describe('cniErrorFrom', () => {
  test("takes code, msg and details from the plugin's error JSON", () => {
    const stdout =
      '{"cniVersion":"1.0.0","code":7,"msg":"Invalid Configuration","details":"subnet too small"}';
    const e = cniErrorFrom('host-local', 'ADD', { stdout, stderr: 'log line', exitCode: 1 });
    assert.equal(e.plugin, 'host-local');
    assert.equal(e.command, 'ADD');
    assert.equal(e.code, 7);
    assert.equal(e.details, 'subnet too small');
    assert.equal(e.message, 'CNI ADD host-local: Invalid Configuration (code 7): subnet too small');
  });

  test('falls back to the exit code and the end of stderr when there is no error JSON', () => {
    const e = cniErrorFrom('bridge', 'DEL', { stdout: 'panic', stderr: 'first\nlast\n', exitCode: 2 });
    assert.equal(e.code, undefined);
    assert.equal(e.message, 'CNI DEL bridge: exit code 2: first\nlast');
    assert.equal(
      cniErrorFrom('bridge', 'DEL', { stdout: '', stderr: '', exitCode: 1 }).message,
      'CNI DEL bridge: exit code 1',
    );
  });
});

describe('network lists', () => {
  test('podBridgeNetwork: a gateway bridge without masquerade, host-local in dataDir, a default route', () => {
    const net = podBridgeNetwork({
      name: 'pods',
      bridge: 'cni0',
      subnet: '100.64.3.0/24',
      dataDir: '/run/x/ipam',
    });
    assert.deepEqual(net, {
      cniVersion: '1.0.0',
      name: 'pods',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: '100.64.3.0/24' }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: '/run/x/ipam',
          },
        },
      ],
    });
    const withMtu = podBridgeNetwork({
      name: 'p',
      bridge: 'b',
      subnet: '10.0.0.0/24',
      dataDir: '/run/x',
      mtu: 1400,
    });
    assert.equal(withMtu.plugins[0]?.mtu, 1400);
  });

  test("podBridgeNetwork refuses host-local's default state directory and relative paths", () => {
    const o = { name: 'pods', bridge: 'cni0', subnet: '100.64.3.0/24' };
    assert.throws(() => podBridgeNetwork({ ...o, dataDir: '/var/lib/cni/networks' }), /dataDir/);
    assert.throws(() => podBridgeNetwork({ ...o, dataDir: '/run/../var/lib/cni' }), /dataDir/);
    assert.throws(() => podBridgeNetwork({ ...o, dataDir: 'ipam' }), /dataDir/);
  });

  test('loopbackNetwork is the loopback plugin alone', () => {
    assert.deepEqual(loopbackNetwork(), {
      cniVersion: '1.0.0',
      name: 'cni-loopback',
      plugins: [{ type: 'loopback' }],
    });
  });
});

/**
 * Conflist handling against fake plugins (node scripts in a temporary plugin directory) that record what they
 * were given: no root, no namespaces. "failing" answers with error JSON; the others chain the result.
 */
describe('running a list of plugins', () => {
  let dir = '';
  let log = '';
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { name: string; env: Record<string, string>; conf: Record<string, unknown> },
      );
  const list = (...types: string[]): CniNetworkList => ({
    cniVersion: '1.0.0',
    name: 'fake',
    plugins: types.map((type) => ({ type, own: type })),
  });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'scalelab-cni-unit-'));
    log = join(dir, 'calls.log');
    const script = `#!${process.execPath}
const fs = require('node:fs');
const name = require('node:path').basename(process.argv[1]);
const conf = JSON.parse(fs.readFileSync(0, 'utf8'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CNI_')));
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ name, env, conf }) + '\\n');
if (name === 'failing') {
  process.stdout.write(JSON.stringify({ cniVersion: conf.cniVersion, code: 11, msg: 'Try again later' }));
  process.exit(1);
}
if (env.CNI_COMMAND === 'ADD') {
  const r = conf.prevResult ?? { cniVersion: conf.cniVersion, interfaces: [] };
  r.interfaces.push({ name });
  process.stdout.write(JSON.stringify(r));
}
`;
    for (const name of ['first', 'second', 'failing']) {
      writeFileSync(join(dir, name), script);
      chmodSync(join(dir, name), 0o755);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const reset = () => writeFileSync(log, '');

  test('ADD runs the plugins in order, each given the previous result, and returns the last one', async () => {
    reset();
    const r = await cniAdd(list('first', 'second'), rt, { pluginDir: dir });
    assert.deepEqual(r, { cniVersion: '1.0.0', interfaces: [{ name: 'first' }, { name: 'second' }] });
    const [a, b] = calls();
    assert.equal(a?.name, 'first');
    assert.equal('prevResult' in a!.conf, false);
    assert.deepEqual(a?.conf, { type: 'first', own: 'first', cniVersion: '1.0.0', name: 'fake' });
    assert.deepEqual(b?.conf.prevResult, { cniVersion: '1.0.0', interfaces: [{ name: 'first' }] });
    assert.deepEqual(a?.env, {
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'pod-1',
      CNI_NETNS: '/run/netns/x',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: '',
      CNI_PATH: dir,
    });
  });

  test("CHECK runs in order and DEL in reverse, each plugin given the ADD's final result", async () => {
    reset();
    await cniCheck(list('first', 'second'), rt, result, { pluginDir: dir });
    await cniDel(list('first', 'second'), rt, result, { pluginDir: dir });
    await cniDel(list('first', 'second'), rt, undefined, { pluginDir: dir });
    const seen = calls();
    assert.deepEqual(
      seen.map((c) => `${c.env.CNI_COMMAND} ${c.name}`),
      ['CHECK first', 'CHECK second', 'DEL second', 'DEL first', 'DEL second', 'DEL first'],
    );
    for (const c of seen.slice(0, 4)) assert.deepEqual(c.conf.prevResult, result);
    for (const c of seen.slice(4)) assert.equal('prevResult' in c.conf, false);
  });

  test('CHECK does nothing when the list sets disableCheck', async () => {
    reset();
    await cniCheck({ ...list('first'), disableCheck: true }, rt, result, { pluginDir: dir });
    assert.deepEqual(calls(), []);
  });

  test("a failing plugin halts the list with a CniError carrying the plugin's code", async () => {
    reset();
    await assert.rejects(
      cniAdd(list('first', 'failing', 'second'), rt, { pluginDir: dir }),
      (e: unknown) => e instanceof CniError && e.plugin === 'failing' && e.command === 'ADD' && e.code === 11,
    );
    assert.deepEqual(
      calls().map((c) => c.name),
      ['first', 'failing'],
    );
  });

  test('a missing plugin fails before any plugin runs, for ADD, CHECK and DEL alike', async () => {
    reset();
    const net = list('first', 'absent');
    const isAbsent = (command: string) => (e: unknown) =>
      e instanceof CniError && e.plugin === 'absent' && e.command === command;
    await assert.rejects(cniAdd(net, rt, { pluginDir: dir }), isAbsent('ADD'));
    await assert.rejects(cniCheck(net, rt, result, { pluginDir: dir }), isAbsent('CHECK'));
    await assert.rejects(cniDel(net, rt, result, { pluginDir: dir }), isAbsent('DEL'));
    assert.deepEqual(calls(), []);
  });

  const invalid: [string, CniNetworkList, CniRuntime, RegExp][] = [
    ['a plugin type that is a path', list('../first'), rt, /bad plugin type/],
    ['a plugin without type', { ...list(), plugins: [{ bridge: 'cni0' }] }, rt, /bad plugin type/],
    ['an empty plugin list', list(), rt, /no plugins/],
    ['a network name with a space', { ...list('first'), name: 'my net' }, rt, /bad network name/],
    ['a container ID starting with "-"', list('first'), { ...rt, containerId: '-x' }, /bad container ID/],
    ['an empty interface name', list('first'), { ...rt, ifName: '' }, /no interface name/],
  ];
  for (const [what, net, attachment, message] of invalid) {
    test(`refuses ${what} without running anything`, async () => {
      reset();
      await assert.rejects(cniAdd(net, attachment, { pluginDir: dir }), message);
      assert.deepEqual(calls(), []);
    });
  }
});
