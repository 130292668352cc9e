import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, ScenarioError } from './load.ts';
import { expandPlan } from './plan.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const host = { kernel: 'k' };

const scenario = (variants: string, cluster = '') =>
  `name: v\ncluster: { fakeNodes: 10${cluster} }\nvariants: ${variants}\nphases: [{ name: p }]\nmeasurements: [{ name: ruleSync }]\n`;

test('the shipped upgrade-check runs every variant on both versions, the version outermost and in the id', () => {
  const { scenario: s } = loadScenario(join(here, 'upgrade-check.yaml'));
  const plan = expandPlan(s, host);
  assert.deepEqual(
    plan.runs.map((r) => [r.id, r.variant.kubernetesVersion]),
    [
      ['v1.36.3/direct.iptables-nft.coredns', 'v1.36.3'],
      ['v1.36.3/direct.nftables.coredns', 'v1.36.3'],
      ['v1.37.2/direct.iptables-nft.coredns', 'v1.37.2'],
      ['v1.37.2/direct.nftables.coredns', 'v1.37.2'],
    ],
  );
});

test('a scenario naming no version runs the default pin, with ids as before', () => {
  const { scenario: s } = loadScenario('s.yaml', scenario('{ proxyMode: [iptables, nftables] }'));
  assert.deepEqual(
    expandPlan(s, host).runs.map((r) => [r.id, r.variant.kubernetesVersion]),
    [
      ['direct.iptables-nft.coredns', 'v1.36.3'],
      ['direct.nftables.coredns', 'v1.36.3'],
    ],
  );
});

test('one version other than the default is named in the ids, so its runs never pass for the default', () => {
  const { scenario: s } = loadScenario('s.yaml', scenario('{}', ', kubernetesVersion: v1.37.2'));
  assert.deepEqual(
    expandPlan(s, host).runs.map((r) => r.id),
    ['v1.37.2/direct.iptables-nft.coredns'],
  );
});

test('repetitions multiply each version; one-at-a-time sets are repeated per version', () => {
  const text = scenario(
    '{ kubernetes: [v1.37.2, v1.36.3], design: one-at-a-time, proxyMode: [iptables, nftables] }',
  );
  const { scenario: s } = loadScenario('s.yaml', text.replace('name: v\n', 'name: v\nrepetitions: 2\n'));
  assert.deepEqual(
    expandPlan(s, host).runs.map((r) => r.id),
    [
      'v1.37.2/direct.iptables-nft.coredns#1',
      'v1.37.2/direct.iptables-nft.coredns#2',
      'v1.37.2/direct.nftables.coredns#1',
      'v1.37.2/direct.nftables.coredns#2',
      'v1.36.3/direct.iptables-nft.coredns#1',
      'v1.36.3/direct.iptables-nft.coredns#2',
      'v1.36.3/direct.nftables.coredns#1',
      'v1.36.3/direct.nftables.coredns#2',
    ],
  );
});

const rejected: [string, string, RegExp][] = [
  [
    'an unpinned version',
    scenario('{ kubernetes: [v1.36.3, v1.38.0] }'),
    /^s\.yaml:3:\d+ variants\.kubernetes\[1\]: must be one of the pinned v1\.36\.3, v1\.37\.2 \(infra\/versions\.json\), got "v1\.38\.0"$/m,
  ],
  [
    'a version listed twice',
    scenario('{ kubernetes: [v1.37.2, v1.37.2] }'),
    /variants\.kubernetes\[1\]: "v1\.37\.2" is listed twice/,
  ],
  ['an empty list', scenario('{ kubernetes: [] }'), /variants\.kubernetes: must have 1 or more entries/],
  [
    'both the cluster version and the axis',
    scenario('{ kubernetes: [v1.37.2] }', ', kubernetesVersion: v1.36.3'),
    /cluster\.kubernetesVersion: set either cluster\.kubernetesVersion \(one version\) or variants\.kubernetes/,
  ],
];
for (const [name, text, message] of rejected)
  test(`rejects ${name} before anything starts`, () => {
    assert.throws(
      () => loadScenario('s.yaml', text),
      (err: unknown) => err instanceof ScenarioError && message.test(err.message),
    );
  });
