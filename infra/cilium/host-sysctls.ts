import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ciliumLabDir } from './paths.ts';

/**
 * The VM-wide sysctls cilium-agent writes at start (pkg/datapath/loader/base.go, Reinitialize). Its launch
 * keeps /proc/sys read-only for it outside net/ (infra/cilium/launch.ts), so neither should change; they are
 * still recorded at the first node's setup and checked (and timer_migration restored) at down. 1 in
 * unprivileged_bpf_disabled cannot be undone until reboot: a change there is reported, never "restored".
 */
export const hostSysctls = ['kernel.timer_migration', 'kernel.unprivileged_bpf_disabled'] as const;
const restorable = new Set<string>(['kernel.timer_migration']);

const recordPath = (lab: string) => join(ciliumLabDir(lab), 'host-sysctls.json');
const procPath = (name: string) => `/proc/sys/${name.replace(/\./g, '/')}`;

export function readHostSysctls(): Record<string, string> {
  return Object.fromEntries(hostSysctls.map((n) => [n, readFileSync(procPath(n), 'utf8').trim()]));
}

/** Records the values before the lab's first agent starts; later nodes keep the first record. */
export function recordHostSysctls(lab: string): Record<string, string> {
  const p = recordPath(lab);
  if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8'));
  const values = readHostSysctls();
  mkdirSync(ciliumLabDir(lab), { recursive: true });
  writeFileSync(p, JSON.stringify(values, null, 2) + '\n');
  return values;
}

/**
 * Puts back what can be put back; returns each sysctl found changed ("name: recorded → now"), restored or
 * not, so down can say so. Nothing recorded (no agent ever started): nothing to do.
 */
export function restoreHostSysctls(lab: string): { changed: string[]; unrestorable: string[] } {
  const p = recordPath(lab);
  if (!existsSync(p)) return { changed: [], unrestorable: [] };
  const recorded: Record<string, string> = JSON.parse(readFileSync(p, 'utf8'));
  const now = readHostSysctls();
  const changed: string[] = [];
  const unrestorable: string[] = [];
  for (const [name, was] of Object.entries(recorded)) {
    if (now[name] === was) continue;
    changed.push(`${name}: ${was} → ${now[name]}`);
    if (restorable.has(name)) writeFileSync(procPath(name), was);
    else unrestorable.push(name);
  }
  return { changed, unrestorable };
}
