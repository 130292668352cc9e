import { existsSync } from 'node:fs';
import type { Log } from '../../runners/events.ts';
import { restoreHostSysctls } from './host-sysctls.ts';
import { unmountLab } from './mounts.ts';
import { ciliumLabDir, labCgroup } from './paths.ts';

/**
 * What a lab's cilium agents left outside its namespaces: their bpffs and cgroup mounts (under the state
 * directory, which down then removes recursively: they must be gone first), the lab's cgroup subtree, and
 * the VM-wide sysctls recorded before the first agent started. Call after the lab's processes are stopped.
 * Idempotent, and a no-op for a lab that never ran cilium.
 */
function labCgroupExists(lab: string): boolean {
  try {
    return existsSync(labCgroup(lab));
  } catch {
    return false; // no cgroup2 on this host: no agent could have run
  }
}

export async function ciliumDown(lab: string, log: Log): Promise<void> {
  if (!existsSync(ciliumLabDir(lab)) && !labCgroupExists(lab)) return;
  const { mounts, cgroups } = await unmountLab(lab);
  if (mounts.length || cgroups.length)
    log({
      kind: 'info',
      message: `cilium: unmounted ${mounts.length} bpffs/cgroup mounts, removed ${cgroups.length} cgroups`,
    });
  const { changed, unrestorable } = restoreHostSysctls(lab);
  if (changed.length)
    log({
      kind: 'warn',
      message: `cilium: host sysctls changed while the lab ran: ${changed.join(', ')}${unrestorable.length ? `; cannot be restored until reboot: ${unrestorable.join(', ')}` : ' (restored)'}`,
    });
}
