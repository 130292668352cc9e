import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../exec.ts';
import { stopPids } from '../lab/processes.ts';
import { ciliumLabDir, labCgroup, type CiliumNodePaths } from './paths.ts';

/**
 * The two host-visible things one node's agent needs: its own bpffs (so its pinned maps are its own and the
 * harness can read them) and its own cgroup2 subtree bind-mounted where --cgroup-root points (socket-level
 * load balancing attaches to that cgroup; a shared root would let one agent translate for every node).
 */
export async function mountNode(p: CiliumNodePaths): Promise<void> {
  for (const d of [p.bpfRoot, p.cgroupRoot, p.stateDir, p.libDir]) mkdirSync(d, { recursive: true });
  mkdirSync(p.cgroup, { recursive: true });
  if (!isMountPoint(p.bpfRoot)) await exec(['mount', '-t', 'bpf', 'bpf', p.bpfRoot]);
  if (!isMountPoint(p.cgroupRoot)) await exec(['mount', '--bind', p.cgroup, p.cgroupRoot]);
}

/** Mount points at or under dir, deepest first (the order they must be unmounted in). */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const found = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .map(unescapeMountPath);
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

export function isMountPoint(dir: string): boolean {
  return mountsUnder(dir).includes(dir);
}

/**
 * Undoes mountNode for every node of the lab, also after a crash: unmounts everything under the lab's cilium
 * directory (the state directory is removed recursively afterwards, which must never descend into a bpffs or a
 * cgroup), stops any process still in the lab's cgroups, and removes them. Returns what it removed.
 */
export async function unmountLab(lab: string): Promise<{ mounts: string[]; cgroups: string[] }> {
  const mounts = mountsUnder(ciliumLabDir(lab));
  for (const m of mounts) {
    const r = await exec(['umount', m], { allowFailure: true });
    // Busy only while a copy in some process's mount namespace is in use: detach it; it goes with them.
    if (r.exitCode !== 0) await exec(['umount', '--lazy', m]);
  }
  let root: string | undefined;
  try {
    root = labCgroup(lab);
  } catch {
    root = undefined; // no cgroup2 mounted: nothing of ours there
  }
  // runc makes a container's cgroup in every hierarchy (node-agent/runc-container.ts puts it below the node's),
  // so on a hybrid host the lab also has trees in the cgroup v1 hierarchies, which it removes with its own.
  const trees = [root, ...v1Hierarchies().map((h) => join(h, `scalelab_${lab}`))];
  const cgroups = trees.flatMap((t) => (t && existsSync(t) ? cgroupTree(t) : []));
  const pids = cgroups.flatMap((c) =>
    readFileSync(join(c, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number),
  );
  if (pids.length) await stopPids([...new Set(pids)]);
  for (const c of cgroups) rmdirSync(c); // deepest first; a cgroup dir holds only kernel files
  return { mounts, cgroups };
}

/** Mount points of the cgroup v1 hierarchies (fstype cgroup), e.g. /sys/fs/cgroup/cpu. */
export function v1Hierarchies(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountinfo
    .split('\n')
    .filter((l) => / - cgroup /.test(l) && l.split(' ')[3] === '/')
    .map((l) => unescapeMountPath(l.split(' ')[4]!));
}

/** dir and every cgroup below it, children before parents. */
function cgroupTree(dir: string): string[] {
  const children = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => cgroupTree(join(dir, e.name)));
  return [...children, dir];
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
