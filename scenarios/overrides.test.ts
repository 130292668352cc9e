import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, ScenarioError } from './load.ts';
import { parseOverrides } from './overrides.ts';
import { UserError } from '../runners/errors.ts';

const text = `name: t
cluster: { fakeNodes: 10 }
variants: { proxyMode: [iptables] }
phases:
  - name: one
    churn: [{ kind: services, count: 5, pace: { type: qps, qps: 1 } }]
measurements: [{ name: controlPlane }]
`;
const load = (...set: string[]) => loadScenario('t.yaml', text, parseOverrides(set));

test('--set parses paths with fields and indexes, and values as YAML', () => {
  assert.deepEqual(
    parseOverrides([
      'cluster.fakeNodes=200',
      'phases[0].churn[0].count=50',
      'a.b=true',
      'x=[1, two]',
      'y=',
    ]).map((o) => [o.path, o.value]),
    [
      [['cluster', 'fakeNodes'], 200],
      [['phases', 0, 'churn', 0, 'count'], 50],
      [['a', 'b'], true],
      [['x'], [1, 'two']],
      [['y'], null],
    ],
  );
});

test('a malformed --set is a UserError naming it', () => {
  for (const [arg, message] of [
    ['novalue', /--set novalue: expected path=value/],
    ['=5', /--set =5: expected path=value/],
    ['a..b=1', /--set a\.\.b=1: "a\.\.b" is not a field path/],
    ['[0].x=1', /is not a field path/],
    ['a=[1', /--set a=\[1: the value is not YAML/],
  ] as const)
    assert.throws(
      () => parseOverrides([arg]),
      (e: unknown) => e instanceof UserError && message.test(e.message),
    );
});

test('overrides change the scenario before validation; the file text and hash stay the file’s', () => {
  const plain = load();
  const got = load('cluster.fakeNodes=200', 'phases[0].churn[0].count=50', 'phases[0].holdSeconds=3');
  assert.equal(got.scenario.cluster.fakeNodes, 200);
  assert.equal(got.scenario.phases[0]!.churn[0]!.count, 50);
  assert.equal(got.scenario.phases[0]!.holdSeconds, 3);
  assert.equal(got.hash, plain.hash);
  assert.deepEqual(got.overrides, [
    'cluster.fakeNodes=200',
    'phases[0].churn[0].count=50',
    'phases[0].holdSeconds=3',
  ]);
  assert.deepEqual(plain.overrides, []);
});

test('an override is validated like the file, and its problem names the --set and the field', () => {
  const problems = (...set: string[]) => {
    try {
      load(...set);
    } catch (e) {
      if (e instanceof ScenarioError) return e.problems.map((p) => `${p.path}: ${p.message}`);
      throw e;
    }
    return [];
  };
  const [bad] = problems('cluster.fakeNodes=-1');
  assert.match(bad!, /^cluster\.fakeNodes: .*\(from --set cluster\.fakeNodes=-1\)$/);
  const [typo] = problems('cluster.fakeNodez=1');
  assert.match(typo!, /^cluster\.fakeNodez: unknown field.*\(from --set cluster\.fakeNodez=1\)$/);
});

test('a path that does not fit the file is a UserError naming the --set', () => {
  for (const [arg, message] of [
    ['phases[3].name=x', /--set phases\[3\]\.name=x: phases has 1 entries; index 3 is past its end/],
    ['name.x=1', /--set name\.x=1: name is not a mapping or a list/],
    ['cluster[0]=1', /--set cluster\[0\]=1: cluster is a mapping, not a list/],
    ['phases.name=x', /--set phases\.name=x: phases is a list; expected an index/],
  ] as const)
    assert.throws(
      () => load(arg),
      (e: unknown) => e instanceof UserError && message.test(e.message),
      arg,
    );
});
