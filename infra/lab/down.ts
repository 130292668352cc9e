import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataRoot } from '../paths.ts';
import { belongsToLab, deleteNetns, listNetns, netnsPids } from './netns.ts';
import { isRunning, pidsMentioning, stopPids } from './processes.ts';
import { labStateDir, readLabState } from './state.ts';
import { ciliumDown } from '../cilium/teardown.ts';
import type { Log } from '../../runners/events.ts';

/**
 * Removes everything lab `name` made, whether its `up` finished, crashed or was killed: every process in its
 * namespaces or naming its state or data directory, the namespaces and their /etc/netns entries, its state
 * and data. Idempotent: a lab that is not there is a no-op. Returns what it removed.
 */
export async function labDown(name: string, log: Log): Promise<{ processes: number; netns: string[] }> {
  const stateDir = labStateDir(name);
  const dataDir = join(dataRoot, name);
  const state = readLabState(name);
  const namespaces = (await listNetns()).filter((ns) => belongsToLab(ns, name));
  const pids = new Set<number>();
  for (const ns of namespaces) for (const p of await netnsPids(ns)) pids.add(p);
  for (const p of state?.processes ?? []) if (isRunning(p)) pids.add(p.pid);
  // A crash can leave daemons in a namespace already deleted: they still name the lab's directories.
  for (const p of [...pidsMentioning(`${stateDir}/`), ...pidsMentioning(`${dataDir}/`)]) pids.add(p);
  if (pids.size) log({ kind: 'info', message: `stopping ${pids.size} processes of lab "${name}"` });
  await stopPids([...pids]);
  for (const ns of namespaces) await deleteNetns(ns);
  // Before the state directory goes: its bpffs and cgroup mounts must not be descended into.
  await ciliumDown(name, log);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  return { processes: pids.size, netns: namespaces };
}
