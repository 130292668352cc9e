import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acrossLabs } from './lab-bootstrap.ts';
import { hodgesLehmann } from './signed-rank.ts';

test('one lab: the exact interval of its rounds', () => {
  const d = [3, 4, 5, 3.5, 4.5, 5.5, 4, 3];
  assert.deepEqual(acrossLabs([d]), hodgesLehmann(d));
});

test('labs that agree keep an interval that excludes zero', () => {
  const i = acrossLabs([
    [3, 4, 5, 3.5, 4.5],
    [4, 5, 3, 4.5, 3.5],
  ]);
  assert.ok(i.low > 0, JSON.stringify(i));
  assert.equal(i.estimate, hodgesLehmann([3, 4, 5, 3.5, 4.5, 4, 5, 3, 4.5, 3.5])!.estimate);
});

test('labs that disagree widen the interval to zero where the pooled rounds alone would not', () => {
  // Lab 1 reads +4 ms a round, lab 2 slightly below zero: pooled as 16 independent rounds the interval excludes
  // zero; a lab is the unit that varies between runs, and one of two labs says "lower".
  const lab1 = [4, 4.2, 3.8, 4.5, 4.1, 3.9, 4.3, 4.4, 3.7, 4];
  const lab2 = [-0.1, -0.2, -0.3, -0.15, -0.25, -0.2];
  assert.ok(hodgesLehmann([...lab1, ...lab2])!.low > 0);
  const i = acrossLabs([lab1, lab2]);
  assert.ok(i.low < 0 && i.high > 0, JSON.stringify(i));
});

test('the same rounds give the same interval (the page does not change on a re-render)', () => {
  const labs = [
    [1, 2, -1, 0.5],
    [0.2, 0.4, 3, -2],
    [1, 1, 1, 0],
  ];
  assert.deepEqual(acrossLabs(labs), acrossLabs(labs));
});
