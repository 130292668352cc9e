import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, ScenarioError } from './load.ts';
import { expandPlan } from './plan.ts';
import { variantView } from '../runners/variant-view.ts';
import { labRealNodes, sharedTargetNode } from './lab-groups.ts';
import type { LabState } from '../infra/lab/state.ts';

const host = { kernel: 'k' };
const scenario = (variants: string) =>
  `name: s\ncluster: { fakeNodes: 10, realNodes: 2 }\nvariants: ${variants}\nphases: [{ name: p }]\nmeasurements: [{ name: ruleSync }]\n`;

test('sideBySideNodes: 1 gives each variant sharing a lab one node; a variant alone keeps cluster.realNodes', () => {
  const { scenario: s } = loadScenario(
    's.yaml',
    scenario(
      '{ podNetwork: [direct, vxlan], proxyMode: [iptables, nftables], design: one-at-a-time, sideBySide: true, sideBySideNodes: 1 }',
    ),
  );
  const labs = expandPlan(s, host, { nftables: '' }).labs;
  assert.deepEqual(
    labs.map((l) => [l.runs.map((r) => r.id), l.nodesPerVariant]),
    [
      [['direct.iptables-nft.coredns', 'direct.nftables.coredns'], 1],
      [['vxlan.iptables-nft.coredns'], 2],
    ],
  );
  // The shared lab has a third node for both variants' targets; a lab of one variant has none.
  assert.deepEqual(labs.map(sharedTargetNode), [3, undefined]);
  assert.deepEqual(labs.map(labRealNodes), [3, 2]);
});

test('sideBySideNodes without sideBySide is refused, naming the field', () => {
  assert.throws(
    () => loadScenario('s.yaml', scenario('{ proxyMode: [iptables], sideBySideNodes: 1 }')),
    (e: unknown) =>
      e instanceof ScenarioError && /variants\.sideBySideNodes.*needs variants\.sideBySide/.test(e.message),
  );
});

test("with one node each, a variant's second node is the lab's shared target node, lent and marked so", () => {
  const node = (index: number) => ({
    index,
    name: `real-node-${index}`,
    ip: `198.18.1.${index}`,
    netns: `n${index}`,
  });
  const state = {
    spec: { name: 'l', realNodes: 4, proxyMode: 'iptables', dns: 'coredns' },
    stateDir: '/nonexistent',
    realNodes: [node(1), node(2), node(3), node(4)],
    processes: [
      { name: 'kube-proxy-1', pid: 1 },
      { name: 'kube-proxy-3', pid: 3 },
      { name: 'kube-proxy-4', pid: 4 },
      { name: 'kube-apiserver', pid: 9 },
    ],
  } as unknown as LabState;
  // Three variants on nodes 1–3, every one's targets on node 4.
  for (const k of [0, 1, 2])
    assert.deepEqual(
      variantView(state, k, 1, `side-${k + 1}`, 4).target.nodes.map((n) => [n.name, n.borrowed ?? false]),
      [
        [`real-node-${k + 1}`, false],
        ['real-node-4', true],
      ],
    );
  const last = variantView(state, 2, 1, 'side-3', 4);
  // Its own node only, for what reads a node's dataplane (rule sync, the DNS sampler, CPU per process).
  assert.deepEqual(
    last.state!.realNodes!.map((n) => n.name),
    ['real-node-3'],
  );
  assert.deepEqual(
    last.state!.processes.map((p) => p.name),
    ['kube-proxy-3', 'kube-apiserver'],
  );
  const two = variantView(state, 0, 2, 'side-1');
  assert.ok(two.target.nodes.every((n) => !n.borrowed));
});
