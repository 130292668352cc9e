/**
 * `conntrack -S` in a real node's namespace (conntrack statistics are per network namespace): the kernel's
 * per-CPU counters summed. insert_failed and drop are where the seed talk's DNS race showed; clash_resolve
 * counts the same race resolved by the kernel instead (design §4). And `conntrack -L -p udp --dport 53`: the
 * DNS entries the node holds at one moment (a NodeLocal DNSCache's NOTRACK rules keep them near 0).
 */
import { exec, output } from '../../infra/exec.ts';

export type ConntrackCounters = Record<string, number>;

/** Sums `cpu=N found=… insert_failed=… drop=… clash_resolve=…` lines over the CPUs. */
export function parseConntrackStats(text: string): ConntrackCounters {
  const sum: ConntrackCounters = {};
  for (const line of text.split('\n')) {
    if (!/^\s*cpu=\d+/.test(line)) continue;
    for (const m of line.matchAll(/([a-z_]+)=(\d+)/g)) {
      if (m[1] === 'cpu') continue;
      sum[m[1]!] = (sum[m[1]!] ?? 0) + Number(m[2]);
    }
  }
  return sum;
}

export async function conntrackStats(netns: string): Promise<ConntrackCounters> {
  return parseConntrackStats(await output(['ip', 'netns', 'exec', netns, 'conntrack', '-S']));
}

/** after − before for each counter, summed over nodes. */
export function conntrackDelta(
  nodes: Record<string, { before: ConntrackCounters; after: ConntrackCounters }>,
): ConntrackCounters {
  const d: ConntrackCounters = {};
  for (const { before, after } of Object.values(nodes))
    for (const [k, v] of Object.entries(after)) d[k] = (d[k] ?? 0) + v - (before[k] ?? 0);
  return d;
}

/**
 * The entries `conntrack -L` listed: its own count on stderr ("… 12 flow entries have been shown."), else its
 * lines on stdout.
 */
export function parseFlowCount(stdout: string, stderr: string): number {
  const m = /(\d+) flow entries have been shown/.exec(stderr);
  return m ? Number(m[1]) : stdout.split('\n').filter((l) => l.trim()).length;
}

/** UDP entries to port 53 in the node's conntrack table now. */
export async function conntrackDnsEntries(netns: string): Promise<number> {
  const argv = ['ip', 'netns', 'exec', netns, 'conntrack', '-L', '-p', 'udp', '--dport', '53'];
  const r = await exec(argv);
  return parseFlowCount(r.stdout, r.stderr);
}
