/**
 * Which scalelab produced a result: package.json's version and the checkout's commit. The commit is read from
 * .git's files (HEAD, the loose ref, packed-refs) rather than by spawning git, so `--version` stays fast; only
 * "-dirty" needs git itself (comparing the tree with the index), and without git it is left off.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ScalelabVersion {
  /** package.json's "version". */
  readonly version: string;
  /** The full commit hash of HEAD, with "-dirty" when tracked files differ from it; "unknown" outside a checkout. */
  readonly commit: string;
}

/** The directory holding scalelab's package.json, found by walking up from dir (works from a bundle too). */
export function scalelabRoot(dir = dirname(fileURLToPath(import.meta.url))): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && readJson(pkg)?.name === 'scalelab') return d;
    if (dirname(d) === d) throw new Error(`no scalelab package.json above ${dir}`);
  }
}

export function scalelabVersion(root = scalelabRoot(), opts: { dirtyCheck?: boolean } = {}): ScalelabVersion {
  const version = String(readJson(join(root, 'package.json'))?.version ?? 'unknown');
  const head = headCommit(root);
  if (!head) return { version, commit: 'unknown' };
  return { version, commit: opts.dirtyCheck !== false && isDirty(root) ? `${head}-dirty` : head };
}

/** HEAD's commit from .git's files, or undefined when root is not a checkout (or the ref cannot be found). */
export function headCommit(root: string): string | undefined {
  const gitDir = resolveGitDir(root);
  if (!gitDir) return undefined;
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (!head) return undefined;
  if (/^[0-9a-f]{40,64}$/.test(head)) return head; // a detached HEAD holds the commit itself
  const ref = /^ref: (\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  // A worktree's refs live in the common dir (named by its "commondir" file).
  const common = readText(join(gitDir, 'commondir'))?.trim();
  const dirs = common ? [gitDir, resolve(gitDir, common)] : [gitDir];
  for (const d of dirs) {
    const loose = readText(join(d, ref))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  }
  for (const d of dirs) {
    for (const line of (readText(join(d, 'packed-refs')) ?? '').split('\n')) {
      const [hash, name] = line.split(' ');
      if (name === ref && hash && /^[0-9a-f]{40,64}$/.test(hash)) return hash;
    }
  }
  return undefined;
}

/** .git is a directory in a clone, and a file ("gitdir: PATH") in a worktree or submodule. */
function resolveGitDir(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return undefined;
  }
  const target = /^gitdir: (.+)$/m.exec(readText(dotGit) ?? '')?.[1]?.trim();
  return target ? resolve(root, target) : undefined;
}

/** Whether tracked files differ from HEAD (untracked files do not count, as with `git describe --dirty`). */
function isDirty(root: string): boolean {
  const r = spawnSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0 && r.stdout.trim() !== '';
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
