import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./scalelab.js', import.meta.url));
const scalelab = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('bad input to any command, at any depth, exits 2 and says what is wrong', () => {
  for (const [args, message] of [
    [['validate'], /missing required argument 'file'/],
    [['lab', 'up', '--bogus'], /unknown option '--bogus'/],
    [['no-such-command'], /unknown command/],
  ] as const) {
    const r = scalelab(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('--help exits 0', () => {
  assert.equal(scalelab('--help').status, 0);
  assert.equal(scalelab('lab', '--help').status, 0);
});
