import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabUpOptions } from './spec.ts';
import { UserError } from '../../runners/errors.ts';

const ok = { name: 'lab', fakeNodes: '100', nodeLeaseSeconds: '240' };

test('good options parse into a spec', () => {
  assert.deepEqual(parseLabUpOptions(ok), {
    name: 'lab',
    fakeNodes: 100,
    nodeLeaseSeconds: 240,
    realNodes: 0,
    podNetwork: 'direct',
    proxyMode: 'iptables',
    iptablesBackend: 'nft',
    dns: 'coredns',
    kubernetesVersion: 'v1.36.3',
  });
});

test('--max-services is kept for the proxies with fixed-size tables; 0 (a scenario without Services) too', () => {
  assert.equal(parseLabUpOptions({ ...ok, maxServices: '30000' }).maxServices, 30_000);
  assert.equal(parseLabUpOptions({ ...ok, maxServices: '0' }).maxServices, 0);
});

const bad: [string, Record<string, string>, RegExp][] = [
  [
    'a negative Service count',
    { ...ok, maxServices: '-1' },
    /--max-services: expected a whole number from 0 to 1000000; got "-1"/,
  ],
  [
    'negative node count',
    { ...ok, fakeNodes: '-5' },
    /--fake-nodes: expected a whole number from 0 to 16000; got "-5"/,
  ],
  ['fractional node count', { ...ok, fakeNodes: '1.5' }, /--fake-nodes: .* got "1\.5"/],
  ['too many nodes', { ...ok, fakeNodes: '20000' }, /--fake-nodes: .* got "20000"/],
  ['word for a count', { ...ok, fakeNodes: 'many' }, /--fake-nodes: .* got "many"/],
  ['underscore in name', { ...ok, name: 'a_b' }, /--name: expected 1–20 lowercase letters/],
  [
    'unpinned Kubernetes version',
    { ...ok, kubernetesVersion: 'v1.35.0' },
    /--kubernetes-version: expected one of v1\.36\.3, v1\.37\.2; got "v1\.35\.0"/,
  ],
  ['upper case name', { ...ok, name: 'Lab' }, /--name: .* got "Lab"/],
  ['lease too short', { ...ok, nodeLeaseSeconds: '1' }, /--node-lease-seconds: .* got "1"/],
  [
    'unknown pod network',
    { ...ok, podNetwork: 'ipip' },
    /--pod-network: expected one of direct, vxlan, bgp; got "ipip"/,
  ],
  [
    'unknown proxy mode',
    { ...ok, proxyMode: 'userspace' },
    /--proxy-mode: expected one of iptables, nftables, ipvs, cilium; got "userspace"/,
  ],
  [
    'unknown backend',
    { ...ok, iptablesBackend: 'xt' },
    /--iptables-backend: expected one of nft, legacy; got "xt"/,
  ],
  [
    'too many real nodes',
    { ...ok, realNodes: '9' },
    /--real-nodes: expected a whole number from 0 to 8; got "9"/,
  ],
];
for (const [what, raw, message] of bad) {
  test(`rejects ${what}`, () => {
    assert.throws(
      () => parseLabUpOptions(raw),
      (err: unknown) => err instanceof UserError && message.test(err.message),
    );
  });
}

test('reports every problem at once', () => {
  assert.throws(
    () => parseLabUpOptions({ name: 'X', fakeNodes: 'x', nodeLeaseSeconds: '0' }),
    (err: Error) => (err.message.match(/^  --/gm) ?? []).length === 3,
  );
});
