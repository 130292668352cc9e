import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labStateDir } from '../lab/state.ts';

/**
 * Where one node's agent keeps everything. All of it lives under the lab's state directory (tmpfs), except the
 * node's cgroup, which must live in the host's cgroup2 hierarchy: it is a directory named for the lab there,
 * bind-mounted back under the state directory so the agent and the node agent name it by a lab path.
 */
export interface CiliumNodePaths {
  readonly dir: string;
  /** A bpffs mounted here for this node alone. */
  readonly bpfRoot: string;
  /** Bind mount of `cgroup` (the real cgroup2 directory). */
  readonly cgroupRoot: string;
  /** The node's cgroup2 directory in the host's hierarchy: /sys/fs/cgroup[/unified]/scalelab_<lab>/<node>. */
  readonly cgroup: string;
  readonly stateDir: string;
  readonly libDir: string;
  readonly socketPath: string;
  readonly log: string;
}

export function ciliumLabDir(lab: string): string {
  return join(labStateDir(lab), 'cilium');
}

/** The lab's cgroup2 subtree; every node's cgroup is a child, so down removes one tree. */
export function labCgroup(lab: string): string {
  return join(cgroup2Root(), `scalelab_${lab}`);
}

export function ciliumNodePaths(lab: string, node: string): CiliumNodePaths {
  const dir = join(ciliumLabDir(lab), node);
  return {
    dir,
    bpfRoot: join(dir, 'bpffs'),
    cgroupRoot: join(dir, 'cgroup'),
    cgroup: join(labCgroup(lab), node),
    stateDir: join(dir, 'state'),
    libDir: join(dir, 'lib'),
    socketPath: join(dir, 'cilium.sock'),
    log: join(dir, 'cilium-agent.log'),
  };
}

/**
 * The host's cgroup2 mount: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one (as
 * here). Read from mountinfo, skipping the lab's own bind mounts.
 */
export function cgroup2Root(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string {
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right || !right.startsWith('cgroup2 ')) continue;
    const fields = left.split(' ');
    if (fields[3] !== '/') continue; // a bind of a subtree, e.g. a lab node's cgroup root
    return fields[4]!;
  }
  throw new Error(
    '/proc/self/mountinfo: no cgroup2 mount of the hierarchy root (expected /sys/fs/cgroup or /sys/fs/cgroup/unified)',
  );
}
