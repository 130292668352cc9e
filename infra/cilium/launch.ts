import { stateRoot } from '../paths.ts';
import { q } from '../node-agent/sandbox-script.ts';

/**
 * The script the agent starts with, run as `nsenter --net=<node> -- unshare --mount --propagation slave sh -c
 * <script>`: the node's network namespace, and a mount namespace of its own (a copy of the host's, so the
 * bpffs and cgroup mounts made beforehand are there; host unmounts still reach it; nothing made here reaches
 * the host). Inside it:
 * - /proc/sys is read-only except net/ (which is the node's own): the agent's writes of kernel.timer_migration
 *   and kernel.unprivileged_bpf_disabled (VM-wide; 1 in the latter locks it until reboot) fail with EROFS,
 *   which it ignores (IgnoreErr in pkg/datapath/loader/base.go); its net.* writes land in the node.
 * - /run is a tmpfs of its own with the lab state root moved back in: the agent hard-codes /var/run/cilium for
 *   its pidfile, debug-shell and monitor sockets and delete queue, which two agents would share and which
 *   would outlive the lab in the host's /run. Gone when the agent exits.
 * - /sys is the node namespace's sysfs (as `ip netns exec` gives), so /sys/class/net lists the node's links.
 */
export function ciliumLaunchScript(o: { argv: readonly string[]; pathPrefix: string }): string {
  const root = stateRoot;
  return [
    'set -e',
    `R=${q(root)}`,
    // -n everywhere: no utab bookkeeping (libmount would write it under the host's /run).
    // The state root (with the node's bpffs and cgroup mounts) is carried over /run's cover by moving a copy,
    // and the originals are detached first: the agent refuses a bpffs path listed twice in mountinfo.
    'mount -n -t tmpfs -o mode=0700,size=1m scalelab-scratch /mnt',
    'mkdir /mnt/root',
    'mount -n --rbind "$R" /mnt/root',
    'findmnt -rn -o TARGET | grep "^$R/" | sort -r | while read -r m; do umount -n -l "$m"; done',
    'mount -n -t tmpfs -o mode=0755,size=64m scalelab-cilium-run /run',
    'mkdir -p "$R"',
    'mount -n --move /mnt/root "$R"',
    'umount -n /mnt',
    'mount -n --bind /proc/sys /proc/sys',
    'mount -n -o remount,bind,ro /proc/sys',
    'mount -n --bind /proc/sys/net /proc/sys/net',
    'mount -n -o remount,bind,rw /proc/sys/net',
    'mount -n -t sysfs sysfs /sys',
    `export PATH=${q(o.pathPrefix)}:"$PATH"`,
    `exec ${o.argv.map(q).join(' ')}`,
  ].join('\n');
}

/** argv for startDaemon (netOnly, so nsenter --net comes first): the mount namespace, then the script. */
export function ciliumLaunchArgv(script: string): string[] {
  return ['unshare', '--mount', '--propagation', 'slave', 'sh', '-c', script];
}
