/**
 * `conntrack -S` in a real node's namespace (conntrack statistics are per network namespace): the kernel's
 * per-CPU counters summed. insert_failed and drop are where the seed talk's DNS race showed; clash_resolve
 * counts the same race resolved by the kernel instead (design §4). The DNS entries a node holds at one moment
 * are counted by dns-node-samples.ts.
 */
import { output } from '../../infra/exec.ts';

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
