/**
 * What each real node holds for DNS while the load runs, sampled every few seconds in the node's namespace:
 * conntrack entries for UDP port 53 (`conntrack -L -p udp --dport 53`: with CoreDNS alone, one per pod query
 * socket through kube-proxy's DNAT, kept ~30 s; a NodeLocal DNSCache's NOTRACK rules keep them near 0), and
 * established TCP connections to port 53 (`ss -Htn state established '( dport = :53 )'`: the caches forward to
 * kube-dns-upstream over TCP; 0 without a cache). A sample is a count at one moment, not a rate. The TCP count
 * is read from /proc through a lab process in the node's namespace (netns-proc.ts), `ss` where there is none.
 */
import { exec } from '../../infra/exec.ts';
import { sleepUnlessAborted } from '../../infra/lab/processes.ts';
import { conntrackDnsEntries } from './conntrack-stats.ts';
import { quantile } from './dns-conditions.ts';
import { pidInNetns, tcpDnsEstablishedOf } from './netns-proc.ts';

export interface NodeSample {
  readonly atMs: number;
  /** By node name; null where the command failed (its error is in the measurement's errors). */
  readonly udp53Entries: Record<string, number | null>;
  readonly tcp53Established: Record<string, number | null>;
}

export interface NodeSampleSummary {
  readonly intervalMs: number;
  readonly samples: readonly NodeSample[];
  /** Over the samples, of the sum over nodes. */
  readonly udp53EntriesP50: number | null;
  readonly udp53EntriesMax: number | null;
  readonly tcp53EstablishedP50: number | null;
  readonly tcp53EstablishedMax: number | null;
}

export async function tcpDnsConnections(netns: string): Promise<number> {
  const argv = ['ip', 'netns', 'exec', netns, 'ss', '-Htn', 'state', 'established', '( dport = :53 )'];
  return (await exec(argv)).stdout.split('\n').filter((l) => l.trim()).length;
}

/** Samples until stopped; the first sample is taken at once. `labPids`: processes that may be in the nodes. */
export function startNodeSampler(
  nodes: readonly { name: string; netns: string }[],
  intervalMs: number,
  onError: (what: string, err: unknown) => void,
  labPids: readonly number[] = [],
): { stop(): Promise<NodeSampleSummary> } {
  const samples: NodeSample[] = [];
  const ac = new AbortController();
  const failed = new Set<string>();
  const count = async <T>(what: string, f: () => Promise<T>): Promise<T | null> => {
    try {
      return await f();
    } catch (err) {
      // One error per kind and node: a missing tool would otherwise repeat itself every sample.
      if (!failed.has(what)) onError(what, err);
      failed.add(what);
      return null;
    }
  };
  const procPids = new Map<string, number>();
  for (const n of nodes) {
    const pid = pidInNetns(n.netns, labPids);
    if (pid !== undefined) procPids.set(n.name, pid);
  }
  const loop = (async () => {
    while (!ac.signal.aborted) {
      const atMs = Date.now();
      const udp: Record<string, number | null> = {};
      const tcp: Record<string, number | null> = {};
      for (const n of nodes) {
        const pid = procPids.get(n.name);
        udp[n.name] = await count(`conntrack -L on ${n.name}`, () => conntrackDnsEntries(n.netns));
        tcp[n.name] =
          pid === undefined
            ? await count(`ss on ${n.name}`, () => tcpDnsConnections(n.netns))
            : await count(`/proc/${pid}/net/tcp of ${n.name}`, async () => tcpDnsEstablishedOf(pid));
      }
      samples.push({ atMs, udp53Entries: udp, tcp53Established: tcp });
      await sleepUnlessAborted(Math.max(0, atMs + intervalMs - Date.now()), ac.signal).catch(() => {});
    }
  })();
  return {
    async stop() {
      ac.abort();
      await loop;
      return summarize(samples, intervalMs);
    },
  };
}

export function summarize(samples: readonly NodeSample[], intervalMs: number): NodeSampleSummary {
  const sums = (key: 'udp53Entries' | 'tcp53Established') =>
    samples
      .map((s) => Object.values(s[key]))
      .filter((xs) => xs.length && xs.every((x) => x !== null))
      .map((xs) => (xs as number[]).reduce((a, b) => a + b, 0))
      .sort((a, b) => a - b);
  const udp = sums('udp53Entries');
  const tcp = sums('tcp53Established');
  return {
    intervalMs,
    samples,
    udp53EntriesP50: quantile(udp, 0.5),
    udp53EntriesMax: udp.at(-1) ?? null,
    tcp53EstablishedP50: quantile(tcp, 0.5),
    tcp53EstablishedMax: tcp.at(-1) ?? null,
  };
}
