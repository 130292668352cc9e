import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastLines, logComponents } from './lab-logs.ts';

test('lab logs: the components are the .log files; the last n lines, with or without a final newline', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'kube-proxy-1.log'), 'a\nb\nc\n');
  writeFileSync(join(dir, 'etcd.log'), 'x\ny');
  writeFileSync(join(dir, 'notes.txt'), 'not a log');
  assert.deepEqual(logComponents(dir), ['etcd', 'kube-proxy-1']);
  assert.equal(lastLines(join(dir, 'kube-proxy-1.log'), 2), 'b\nc\n');
  assert.equal(lastLines(join(dir, 'etcd.log'), 5), 'x\ny\n');
  assert.deepEqual(logComponents(join(dir, 'absent')), []);
});
