import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciliumAgentArgs } from '../components/cilium-agent.ts';
import { ciliumLaunchArgv, ciliumLaunchScript } from './launch.ts';
import { mountsUnder } from './mounts.ts';
import { cgroup2Root, ciliumNodePaths } from './paths.ts';

const hybrid = [
  '30 25 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw',
  '32 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu',
  '90 80 0:27 /scalelab_a/real-node-1 /run/scalelab/a/cilium/real-node-1/cgroup rw - cgroup2 cgroup2 rw',
].join('\n');

test('cgroup2Root finds the hierarchy root on a hybrid host and skips subtree binds', () => {
  assert.equal(cgroup2Root(hybrid), '/sys/fs/cgroup/unified');
  const bindFirst = [hybrid.split('\n')[3], '29 1 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw'].join('\n');
  assert.equal(cgroup2Root(bindFirst), '/sys/fs/cgroup');
  assert.throws(() => cgroup2Root(hybrid.split('\n')[0]!), /no cgroup2 mount/);
});

test('mountsUnder lists a directory’s mounts deepest first, unescaping mountinfo paths', () => {
  const info = [
    '1 0 0:1 / /run/scalelab/a/cilium/n1/bpffs rw - bpf bpf rw',
    '2 0 0:2 / /run/scalelab/a/cilium/n1/cgroup rw - cgroup2 cgroup2 rw',
    '3 0 0:3 / /run/scalelab/a/cilium/n1/bpffs/x\\040y rw - tmpfs t rw',
    '4 0 0:4 / /run/scalelab/ab/cilium rw - tmpfs t rw',
  ].join('\n');
  assert.deepEqual(mountsUnder('/run/scalelab/a/cilium', info), [
    '/run/scalelab/a/cilium/n1/bpffs/x y',
    '/run/scalelab/a/cilium/n1/cgroup',
    '/run/scalelab/a/cilium/n1/bpffs',
  ]);
});

test('every path the agent has a flag for is the node’s own', () => {
  const p = ciliumNodePaths('a', 'real-node-1');
  const args = ciliumAgentArgs({
    kubeconfig: '/run/scalelab/a/admin.kubeconfig',
    bpfRoot: p.bpfRoot,
    cgroupRoot: p.cgroupRoot,
    stateDir: p.stateDir,
    libDir: p.libDir,
    socketPath: p.socketPath,
    device: 'eth0',
    nativeRoutingCidr: '100.64.0.0/10',
    routerIp: '169.254.42.1',
    socketLbHostnsOnly: false,
  });
  for (const flag of ['bpf-root', 'cgroup-root', 'state-dir', 'lib-dir', 'socket-path']) {
    const v = args.find((a) => a.startsWith(`--${flag}=`));
    assert.ok(v?.includes('/run/scalelab/a/cilium/real-node-1/'), `${flag}: ${v}`);
  }
  const names = args.map((a) => a.split('=')[0]);
  assert.equal(new Set(names).size, names.length, 'no flag twice');
  for (const f of ['--kube-proxy-replacement=true', '--enable-policy=never', '--enable-l7-proxy=false'])
    assert.ok(args.includes(f), f);
  assert.ok(!names.includes('--bpf-lb-map-max') && !names.includes('--prometheus-serve-addr'));
});

test('the launch keeps /proc/sys read-only outside net/ and /run private, then execs the agent', () => {
  const script = ciliumLaunchScript({ argv: ['/bin/agent', '--x=a b'], pathPrefix: '/tools' });
  const lines = script.split('\n');
  const ro = lines.indexOf('mount -n -o remount,bind,ro /proc/sys');
  const rw = lines.indexOf('mount -n -o remount,bind,rw /proc/sys/net');
  assert.ok(ro > 0 && rw > ro, script);
  assert.ok(lines.some((l) => /^mount -n -t tmpfs .* \/run$/.test(l)));
  const cover = lines.findIndex((l) => /^mount -n -t tmpfs .* \/run$/.test(l));
  assert.ok(lines.indexOf('mount -n --rbind "$R" /mnt/root') < cover, 'the state root is copied out first');
  assert.ok(lines.indexOf('mount -n --move /mnt/root "$R"') > cover, 'and moved back over the cover');
  assert.equal(lines.at(-1), `exec '/bin/agent' '--x=a b'`);
  assert.deepEqual(ciliumLaunchArgv('S').slice(0, 4), ['unshare', '--mount', '--propagation', 'slave']);
});
