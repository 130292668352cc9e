import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstLines, fold } from './fold.ts';
import { flannelPanic } from './testdata/wide.ts';

test('a short text is not folded', () =>
  assert.deepEqual(fold('kube-proxy exited'), { head: 'kube-proxy exited', rest: null, restLines: 0 }));

test('a 60-line panic shows three lines; the rest, whole, is folded away', () => {
  const panic = flannelPanic(60);
  const f = fold(panic);
  assert.ok(f.head.split('\n').length <= 3 && f.head.length <= 301, f.head);
  assert.ok(f.head.endsWith('…'));
  const h = f.head.slice(0, -1);
  assert.ok(panic === h + f.rest || panic === `${h}\n${f.rest}`, 'head and rest are the whole text');
  assert.ok(f.restLines >= 57, String(f.restLines));
});

test('a quoted error is its first line, capped, saying where the rest is', () => {
  assert.equal(firstLines(['a\nb', 'c']), 'a… (in full in the SLO verdicts table); c');
  assert.equal(firstLines(['x'.repeat(300)]).length, 200 + '… (in full in the SLO verdicts table)'.length);
});
