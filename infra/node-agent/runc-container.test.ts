import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerCgroupsPath, runcConfig, type PulledImage, type RuncContainer } from './runc-container.ts';
import { resolveContainer } from './images.ts';

const image: PulledImage = {
  ref: '198.18.0.1:5000/scalelab/agent:0.1.0',
  rootfs: '/run/scalelab/l/nodes/n/images/k/rootfs',
  config: {
    process: { args: ['/agent'], env: ['PATH=/usr/bin', 'HOME=/tmp'], user: { uid: 65532, gid: 65532 } },
    root: { path: 'rootfs' },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'mount' }] },
  },
};
const container = (o: Partial<RuncContainer>): RuncContainer => ({
  runcRoot: '/run/scalelab/l/nodes/n/runc',
  id: 'uid-agent',
  bundleDir: '/tmp/b',
  image,
  command: [],
  args: [],
  env: { PATH: '/usr/local/bin:/usr/bin', HOSTNAME: 'p' },
  hostname: 'p',
  netnsPath: '/run/netns/scalelab_l_pod-abc',
  mounts: [{ source: '/pods/abc/resolv.conf', target: '/etc/resolv.conf' }],
  ...o,
});

test("the pod's network namespace is joined, never a new one", () => {
  const c = runcConfig(container({}));
  assert.deepEqual(
    c.linux.namespaces.filter((n) => n.type === 'network'),
    [{ type: 'network', path: '/run/netns/scalelab_l_pod-abc' }],
  );
  assert.deepEqual(c.root, { path: image.rootfs, readonly: true });
  assert.equal(c.hostname, 'p');
  assert.deepEqual(c.process.user, { uid: 65532, gid: 65532 }, "the image's user");
});

test("args replace the image's cmd, command replaces its entrypoint (Kubernetes' rule)", () => {
  assert.deepEqual(runcConfig(container({})).process.args, ['/agent']);
  assert.deepEqual(runcConfig(container({ args: ['dns-client', '--x'] })).process.args, [
    '/agent',
    'dns-client',
    '--x',
  ]);
  assert.deepEqual(runcConfig(container({ command: ['/usr/bin/dnsperf'], args: ['-h'] })).process.args, [
    '/usr/bin/dnsperf',
    '-h',
  ]);
});

test("the image's PATH stays; the pod's variables are added; its files are bound in", () => {
  const c = runcConfig(container({}));
  assert.ok(c.process.env!.includes('PATH=/usr/bin'));
  assert.ok(c.process.env!.includes('HOSTNAME=p'));
  assert.ok(c.mounts.some((m) => m.destination === '/etc/resolv.conf' && m.type === 'bind'));
  assert.ok(c.mounts.some((m) => m.destination === '/tmp' && m.type === 'tmpfs'));
});

test('only images on a lab-address registry are pulled; others keep their mapping or are refused', () => {
  const pulled = resolveContainer({ image: '198.18.0.1:5000/scalelab/agent:0.1.0', args: ['run'] });
  assert.ok('pull' in pulled && pulled.pull?.image === '198.18.0.1:5000/scalelab/agent:0.1.0');
  const outside = resolveContainer({ image: 'registry.example.com/scalelab/agent:0.1.0' });
  assert.ok('refused' in outside, 'never pulled from outside the lab');
  const mapped = resolveContainer({ image: 'scalelab.local/agent:dev' });
  assert.ok('argv' in mapped && !mapped.pull);
});

test("on a cilium node a container goes below the node agent's own cgroup; elsewhere runc chooses", () => {
  assert.equal(
    containerCgroupsPath('uid-agent', '1:cpu:/\n0::/scalelab_c1/real-node-1\n'),
    '/scalelab_c1/real-node-1/uid-agent',
  );
  for (const own of ['0::/\n', '0::/process_api/x\n', '0::/scalelab_c1\n', '4:memory:/scalelab_c1/n\n'])
    assert.equal(containerCgroupsPath('uid-agent', own), undefined, own);
  assert.equal(runcConfig(container({})).linux.cgroupsPath, undefined);
  assert.equal(
    runcConfig(container({ cgroupsPath: '/scalelab_c1/n/u' })).linux.cgroupsPath,
    '/scalelab_c1/n/u',
  );
});
