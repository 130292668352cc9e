import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabUpOptions } from './spec.ts';
import { mixingProblems } from './node-values.ts';
import { hostFacts } from './host-facts.ts';
import { valuesOfNode, type NodeValues } from './state.ts';
import type { DnsName, ServiceProxyName } from '../variants/names.ts';
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

describe('--node-values: a service proxy and a DNS value per real node', () => {
  const two = { ...ok, realNodes: '2' };

  test('each node takes its own values; the lab-wide fields name node 1', () => {
    const spec = parseLabUpOptions({ ...two, nodeValues: 'iptables/coredns, nftables/nodelocal' });
    assert.deepEqual(spec.nodeValues, [
      { proxyMode: 'iptables', dns: 'coredns' },
      { proxyMode: 'nftables', dns: 'nodelocal' },
    ]);
    assert.equal(spec.proxyMode, 'iptables');
    assert.equal(spec.dns, 'coredns');
    assert.deepEqual(valuesOfNode(spec, 2), { proxyMode: 'nftables', dns: 'nodelocal' });
  });

  test('none: a node with no service proxy (a shared target node); the lab-wide fields still name node 1', () => {
    const spec = parseLabUpOptions({ ...two, nodeValues: 'nftables/coredns,none/coredns' });
    assert.deepEqual(valuesOfNode(spec, 2), { proxyMode: 'none', dns: 'coredns' });
    assert.equal(spec.proxyMode, 'nftables');
  });

  test('without it, every node takes the lab-wide values, and the spec has no nodeValues', () => {
    const spec = parseLabUpOptions({ ...two, proxyMode: 'nftables', dns: 'nodelocal' });
    assert.equal('nodeValues' in spec, false);
    assert.deepEqual(valuesOfNode(spec, 1), { proxyMode: 'nftables', dns: 'nodelocal' });
    assert.deepEqual(valuesOfNode(spec, 2), { proxyMode: 'nftables', dns: 'nodelocal' });
  });

  const badValues: [string, Record<string, string>, RegExp][] = [
    [
      'fewer entries than real nodes',
      { ...two, nodeValues: 'iptables/coredns' },
      /--node-values: expected one <proxy>\/<dns> per real node \(--real-nodes 2\), node 1 first; got 1 in "iptables\/coredns"/,
    ],
    [
      'more entries than real nodes',
      { ...two, nodeValues: 'iptables/coredns,iptables/coredns,iptables/coredns' },
      /--node-values: expected one <proxy>\/<dns> per real node \(--real-nodes 2\), node 1 first; got 3/,
    ],
    [
      'no real nodes at all',
      { ...ok, nodeValues: 'iptables/coredns' },
      /--node-values: expected one <proxy>\/<dns> per real node \(--real-nodes 0\)/,
    ],
    [
      'an entry without its DNS value',
      { ...two, nodeValues: 'iptables/coredns,nftables' },
      /--node-values: node 2: expected <proxy>\/<dns> such as nftables\/nodelocal \(proxy: iptables, nftables, ipvs, cilium, none; dns: coredns, nodelocal\); got "nftables"/,
    ],
    [
      'an unknown proxy',
      { ...two, nodeValues: 'userspace/coredns,iptables/coredns' },
      /--node-values: node 1: proxy expected one of iptables, nftables, ipvs, cilium, none; got "userspace"/,
    ],
    [
      'an unknown DNS value',
      { ...two, nodeValues: 'iptables/coredns,iptables/kubedns' },
      /--node-values: node 2: dns expected one of coredns, nodelocal; got "kubedns"/,
    ],
    [
      'no service proxy on node 1, which holds the clients and must hold CoreDNS',
      { ...two, nodeValues: 'none/coredns,iptables/coredns' },
      /--node-values: node 1: none: node 1 holds the measurements' clients/,
    ],
    [
      'a node-local cache on a node with no service proxy',
      { ...two, nodeValues: 'iptables/coredns,none/nodelocal' },
      /--node-values: node 2: none\/nodelocal: a node-local cache reaches CoreDNS through the kube-dns ClusterIP/,
    ],
    [
      '--proxy-mode beside it',
      { ...two, proxyMode: 'iptables', nodeValues: 'iptables/coredns,nftables/coredns' },
      /--proxy-mode: not with --node-values, which gives each real node its proxy-mode; drop one of them/,
    ],
    [
      '--dns beside it',
      { ...two, dns: 'coredns', nodeValues: 'iptables/coredns,nftables/coredns' },
      /--dns: not with --node-values/,
    ],
  ];
  for (const [what, raw, message] of badValues) {
    test(`rejects ${what}`, () => {
      assert.throws(
        () => parseLabUpOptions(raw),
        (err: unknown) => err instanceof UserError && message.test(err.message),
      );
    });
  }

  test('a value this host cannot run is refused under --node-values, as --proxy-mode refuses it', () => {
    if (!hostFacts().ipvsMissing) return; // a kernel with IPVS runs it
    assert.throws(
      () => parseLabUpOptions({ ...two, nodeValues: 'iptables/coredns,ipvs/coredns' }),
      (err: unknown) =>
        err instanceof UserError &&
        /--node-values ipvs: .*IPVS.*; use iptables or nftables on this machine/.test(err.message),
    );
  });

  test('every problem at once: a wrong count does not hide a value the host cannot run', () => {
    if (!hostFacts().ipvsMissing) return;
    assert.throws(
      () => parseLabUpOptions({ ...ok, realNodes: '3', nodeValues: 'iptables/coredns,ipvs/coredns' }),
      (err: unknown) =>
        err instanceof UserError &&
        /--node-values: expected one <proxy>\/<dns> per real node \(--real-nodes 3\)/.test(err.message) &&
        /--node-values ipvs: /.test(err.message),
    );
  });
});

describe('mixingProblems: what cannot share one lab', () => {
  const v = (proxyMode: ServiceProxyName, dns: DnsName): NodeValues => ({ proxyMode, dns });
  const cases: [string, NodeValues[], RegExp | undefined][] = [
    ['iptables and nftables, one cached', [v('iptables', 'coredns'), v('nftables', 'nodelocal')], undefined],
    [
      'iptables and nftables, both cached',
      [v('iptables', 'nodelocal'), v('nftables', 'nodelocal')],
      undefined,
    ],
    ['ipvs cached beside iptables uncached', [v('ipvs', 'nodelocal'), v('iptables', 'coredns')], undefined],
    [
      'caches that need different modes',
      [v('iptables', 'nodelocal'), v('nftables', 'coredns'), v('ipvs', 'nodelocal')],
      /--node-values: the nodes given nodelocal share one cache configuration, but their proxies need different cache modes \(transparent on node 1, link-local on node 3\)/,
    ],
  ];
  for (const [what, values, problem] of cases)
    test(what, () => {
      const found = mixingProblems(values);
      if (problem) assert.ok(found.length === 1 && problem.test(found[0]!), found.join('\n'));
      else assert.deepEqual(found, []);
    });
});
