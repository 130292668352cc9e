import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headCommit, scalelabRoot, scalelabVersion } from './version.ts';
import type { RunResults } from './results/schema.ts';
import { readResults } from '../reports/read-results.ts';
import { manifestView } from '../reports/manifest.ts';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

const checkouts: string[] = [];
after(() => checkouts.forEach((root) => rmSync(root, { recursive: true, force: true })));

function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'scalelab-version-'));
  checkouts.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scalelab', version: '9.8.7' }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('the commit is read from a loose ref, from packed-refs, or from a detached HEAD', () => {
  const loose = checkout({ '.git/HEAD': 'ref: refs/heads/main\n', '.git/refs/heads/main': `${a}\n` });
  assert.equal(headCommit(loose), a);
  const packed = checkout({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/packed-refs': `# pack-refs with: peeled fully-peeled sorted\n${b} refs/heads/other\n${a} refs/heads/main\n`,
  });
  assert.equal(headCommit(packed), a);
  assert.equal(headCommit(checkout({ '.git/HEAD': `${b}\n` })), b);
});

test('a worktree (.git is a file) reads its HEAD there and its refs in the common dir', () => {
  const main = checkout({ '.git/refs/heads/topic': `${b}\n`, '.git/HEAD': 'ref: refs/heads/main\n' });
  const wt = checkout({
    '.git': `gitdir: ${join(main, '.git/worktrees/wt')}\n`,
  });
  mkdirSync(join(main, '.git/worktrees/wt'), { recursive: true });
  writeFileSync(join(main, '.git/worktrees/wt/HEAD'), 'ref: refs/heads/topic\n');
  writeFileSync(join(main, '.git/worktrees/wt/commondir'), '../..\n');
  assert.equal(headCommit(wt), b);
});

test('outside a checkout the commit is "unknown", and the version is package.json\'s', () => {
  assert.deepEqual(scalelabVersion(checkout({})), { version: '9.8.7', commit: 'unknown' });
  assert.equal(headCommit(checkout({ '.git/HEAD': 'ref: refs/heads/gone\n' })), undefined);
});

test("this checkout's commit is git's HEAD, with -dirty exactly when git sees changes", () => {
  const root = scalelabRoot();
  const git = (...args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD');
  if (head.status !== 0) return; // not a git checkout (an unpacked tarball): nothing to compare with
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  assert.equal(scalelabVersion(root).commit, `${head.stdout.trim()}${dirty ? '-dirty' : ''}`);
});

test('results files are read with and without manifest.scalelab and overrides; the manifest section shows them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-version-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const old = readdirSync(new URL('../docs/results/', import.meta.url)).find((f) => f.startsWith('quick-'))!;
  const doc = JSON.parse(
    readFileSync(new URL(`../docs/results/${old}`, import.meta.url), 'utf8'),
  ) as RunResults;
  assert.equal(doc.manifest.scalelab, undefined, 'an old file, written before the version was recorded');
  const facts = (r: RunResults) => Object.fromEntries(manifestView(r).facts);
  const write = (name: string, manifest: object) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ ...doc, manifest: { ...doc.manifest, ...manifest } }));
    return path;
  };
  assert.equal(facts(readResults(write('old.json', {})))['scalelab'], 'not recorded');
  const now = readResults(
    write('new.json', { scalelab: { version: '0.1.0', commit: a }, overrides: ['cluster.fakeNodes=20'] }),
  );
  assert.equal(facts(now)['scalelab'], `0.1.0, commit ${a}`);
  assert.equal(facts(now)['overrides (--set)'], 'cluster.fakeNodes=20');
  assert.throws(
    () => readResults(write('bad.json', { scalelab: '0.1.0', overrides: [3] })),
    /manifest\.scalelab: must be a mapping, got "0\.1\.0".*manifest\.overrides\[0\]: must be a string, got 3/,
  );
});
