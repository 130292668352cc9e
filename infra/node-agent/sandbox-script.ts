import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file or directory the pod's process sees at `target`, materialised on the host at `source`. */
export interface SandboxMount {
  readonly source: string;
  readonly target: string;
}

/**
 * The shell script a container starts with, run by `ip netns exec <pod netns> sh -c …`, which already gives
 * it a private mount namespace (mounts made there never reach the host). /etc and any other directory that
 * must gain a mount point are overlaid with a per-pod upper layer, so creating /etc/coredns or
 * /var/run/secrets/… changes nothing on the host; then the pod's resolv.conf, hosts and volumes are bound in.
 */
export function sandboxScript(o: {
  podDir: string;
  mounts: readonly SandboxMount[];
  argv: readonly string[];
}): string {
  const lines = ['set -e'];
  const overlaid = new Set<string>(['/etc']);
  for (const m of o.mounts) overlaid.add(overlayRootFor(m.target));
  let i = 0;
  for (const root of overlaid) {
    const up = `${o.podDir}/overlay/${i}/upper`;
    const work = `${o.podDir}/overlay/${i++}/work`;
    lines.push(
      `mkdir -p ${q(up)} ${q(work)}`,
      `mount -t overlay overlay -o ${q(`lowerdir=${root},upperdir=${up},workdir=${work}`)} ${q(root)}`,
    );
  }
  for (const m of o.mounts) {
    lines.push(isDir(m.source) ? `mkdir -p ${q(m.target)}` : `touch ${q(m.target)}`);
    lines.push(`mount --bind ${q(m.source)} ${q(m.target)}`);
  }
  lines.push(`exec ${o.argv.map(q).join(' ')}`);
  return lines.join('\n');
}

/** The deepest existing real directory above target; never "/" (overlaying the root is not possible here). */
export function overlayRootFor(target: string): string {
  let d = dirname(target);
  while (!existsSync(d)) d = dirname(d);
  const real = realpathSync(d);
  if (real === '/') throw new Error(`cannot mount at ${target}: its first existing parent is /`);
  // Overlay the top-level directory, so one overlay serves every mount under it.
  return '/' + real.split('/')[1];
}

function isDir(p: string): boolean {
  return statSync(p).isDirectory();
}

/** POSIX single-quote. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
