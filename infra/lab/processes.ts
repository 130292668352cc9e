import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';

/** A daemon the lab started, as recorded in its state; startTime guards against a recycled pid. */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly startTime: number;
  readonly argv: readonly string[];
  readonly log: string;
  readonly netns?: string;
}

export interface StartedProcess {
  readonly record: ProcessRecord;
  /** Set once the process exits while this harness still watches it. */
  exit?: { code: number | null; signal: string | null };
}

/** Starts argv as a detached daemon (inside netns when given), its output appended to log; it outlives the CLI. */
export function startDaemon(opts: {
  name: string;
  argv: readonly string[];
  log: string;
  netns?: string;
  /**
   * Enter only the network namespace (nsenter), staying in the host's mount namespace. `ip netns exec` gives a
   * private mount namespace, where a namespace that the process creates with `ip netns add` would be mounted
   * out of everyone else's sight: the node agent, which creates pod namespaces, must run this way.
   */
  netOnly?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): StartedProcess {
  // `ip netns exec` and nsenter exec the program in place, so the pid we get is the program's own.
  const enter = opts.netOnly
    ? ['nsenter', `--net=/run/netns/${opts.netns}`, '--']
    : ['ip', 'netns', 'exec', opts.netns ?? ''];
  const full = opts.netns ? [...enter, ...opts.argv] : [...opts.argv];
  const fd = openSync(opts.log, 'a');
  const child = spawn(full[0]!, full.slice(1), {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: opts.env ?? process.env,
    cwd: opts.cwd,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${opts.name}: ${full.join(' ')}`);
  const started: StartedProcess = {
    record: {
      name: opts.name,
      pid: child.pid,
      startTime: startTimeOf(child.pid) ?? 0,
      argv: full,
      log: opts.log,
      netns: opts.netns,
    },
  };
  child.on('exit', (code, signal) => (started.exit = { code, signal }));
  child.unref();
  return started;
}

/** Field 22 of /proc/<pid>/stat: clock ticks since boot at which the process started. */
export function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

export function isRunning(rec: Pick<ProcessRecord, 'pid' | 'startTime'>): boolean {
  const st = startTimeOf(rec.pid);
  return st !== undefined && (rec.startTime === 0 || st === rec.startTime) && !isZombie(rec.pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves once every pid is gone. */
export async function stopPids(pids: readonly number[], graceMs = 5_000): Promise<void> {
  const alive = () => pids.filter((p) => startTimeOf(p) !== undefined && !isZombie(p));
  for (const p of alive()) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length && Date.now() < deadline) await sleep(100);
  for (const p of alive()) signal(p, 'SIGKILL');
  while (alive().length) await sleep(50);
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Pids whose command line mentions needle: finds a crashed lab's daemons when its state file is lost. */
export function pidsMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

/**
 * CPU seconds and memory of one process from /proc (peak RSS is the kernel's VmHWM). The CPU includes the
 * children it has waited for (cutime, cstime): kube-proxy's rule loads run in its iptables-restore and nft
 * children, and without them a node reloading 5,000 Services' rules read as 0.02 of a core.
 */
export function processUsage(
  pid: number,
): { cpuSeconds: number; rssBytes: number; peakRssBytes: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuSeconds: ticks / clockTicks, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** USER_HZ is 100 on every Linux that Node supports (getconf CLK_TCK). */
const clockTicks = 100;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sleep that an interrupt cuts short: it rejects with the signal's reason ("interrupted by SIGINT"). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
