import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabUpOptions } from './spec.ts';
import { UserError } from '../../runners/errors.ts';

const ok = { name: 'lab', fakeNodes: '100', nodeLeaseSeconds: '240' };

test('good options parse into a spec', () => {
  assert.deepEqual(parseLabUpOptions(ok), { name: 'lab', fakeNodes: 100, nodeLeaseSeconds: 240 });
});

const bad: [string, Record<string, string>, RegExp][] = [
  [
    'negative node count',
    { ...ok, fakeNodes: '-5' },
    /--fake-nodes: expected a whole number from 0 to 16000; got "-5"/,
  ],
  ['fractional node count', { ...ok, fakeNodes: '1.5' }, /--fake-nodes: .* got "1\.5"/],
  ['too many nodes', { ...ok, fakeNodes: '20000' }, /--fake-nodes: .* got "20000"/],
  ['word for a count', { ...ok, fakeNodes: 'many' }, /--fake-nodes: .* got "many"/],
  ['underscore in name', { ...ok, name: 'a_b' }, /--name: expected 1–20 lowercase letters/],
  ['upper case name', { ...ok, name: 'Lab' }, /--name: .* got "Lab"/],
  ['lease too short', { ...ok, nodeLeaseSeconds: '1' }, /--node-lease-seconds: .* got "1"/],
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
