import { rmSync } from 'node:fs';
import { exec, output } from '../exec.ts';

/**
 * Lab namespaces are `scalelab_<lab>` and `scalelab_<lab>_<part>`; lab names cannot hold "_", so one lab's
 * prefix never matches another's.
 */
export function labNetns(lab: string, part?: string): string {
  return part ? `scalelab_${lab}_${part}` : `scalelab_${lab}`;
}

export function belongsToLab(netns: string, lab: string): boolean {
  return netns === labNetns(lab) || netns.startsWith(`${labNetns(lab)}_`);
}

export async function listNetns(): Promise<string[]> {
  const out = await output(['ip', 'netns', 'list'], { allowFailure: true });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

export async function createNetns(ns: string): Promise<void> {
  await exec(['ip', 'netns', 'add', ns]);
  await ipIn(ns, ['link', 'set', 'lo', 'up']);
}

/** `ip -n <ns> …`: every link, address and route the lab makes goes through here, never the host's namespace. */
export async function ipIn(ns: string, args: readonly string[]): Promise<string> {
  return output(['ip', '-n', ns, ...args]);
}

export async function netnsPids(ns: string): Promise<number[]> {
  const out = await output(['ip', 'netns', 'pids', ns], { allowFailure: true });
  return out.split('\n').filter(Boolean).map(Number);
}

/** Deletes the namespace and its /etc/netns entry; missing ones are fine (down is idempotent). */
export async function deleteNetns(ns: string): Promise<void> {
  await exec(['ip', 'netns', 'delete', ns], { allowFailure: true });
  rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
}
