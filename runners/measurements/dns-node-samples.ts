/**
 * What each real node holds for DNS while the load runs, sampled every few seconds in the node's namespace:
 * conntrack entries for UDP port 53 (`conntrack -L -p udp --dport 53`: with CoreDNS alone, one per pod query
 * socket through kube-proxy's DNAT, kept ~30 s; a NodeLocal DNSCache's NOTRACK rules keep them near 0), and
 * established TCP connections to port 53 (`ss -Htn state established '( dport = :53 )'`: the caches forward to
 * kube-dns-upstream over TCP; 0 without a cache). A sample is a count at one moment, not a rate.
 */
import { spawn } from 'node:child_process';
import { quantile } from './dns-conditions.ts';

export interface NodeSample {
  readonly atMs: number;
  /** By node name; null where the command failed (its first error is in the measurement's errors). */
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

/**
 * The shell each node's samples come from: every interval, in the node's namespace, one line "<epoch ms> <udp
 * entries> <tcp connections>" ("-" where a command failed). One long-lived shell per node: the harness forks
 * once per node, not twice per node per sample (a fork of the harness cost it ~9 ms of CPU apiece, most of what
 * the sampler cost it). The loop ends by itself when the harness is gone, so a crash leaves none running.
 */
export function samplerScript(intervalMs: number, harnessPid: number): string {
  return [
    `while [ -d /proc/${harnessPid} ]; do`,
    // conntrack prints its count ("N flow entries have been shown.") on stderr; its error, if any, too.
    `  e=$(conntrack -L -p udp --dport 53 2>&1 >/dev/null)`,
    `  u=$(printf '%s' "$e" | sed -n 's/.* \\([0-9][0-9]*\\) flow entries.*/\\1/p')`,
    `  [ -n "$u" ] || echo "conntrack: $e" >&2`,
    `  if s=$(ss -Htn state established '( dport = :53 )' 2>&1); then t=$(printf '%s' "$s" | grep -c .); else t=-; echo "ss: $s" >&2; fi`,
    `  echo "$(date +%s%3N) \${u:--} $t"`,
    `  sleep ${intervalMs / 1000}`,
    'done',
  ].join('\n');
}

/** A sampler line as [epoch ms, udp entries, tcp connections]; null for a count the shell could not take. */
export function parseSamplerLine(line: string): [number, number | null, number | null] | undefined {
  const [ms, u, t] = line.trim().split(' ');
  const count = (x: string | undefined) => (x !== undefined && /^\d+$/.test(x) ? Number(x) : null);
  return ms && /^\d+$/.test(ms) ? [Number(ms), count(u), count(t)] : undefined;
}

/** Samples until stopped; the first sample is taken at once. */
export function startNodeSampler(
  nodes: readonly { name: string; netns: string }[],
  intervalMs: number,
  onError: (what: string, err: unknown) => void,
): { stop(): Promise<NodeSampleSummary> } {
  const lines = new Map<string, [number, number | null, number | null][]>();
  const shells = nodes.map((n) => {
    const got: [number, number | null, number | null][] = [];
    lines.set(n.name, got);
    const script = samplerScript(intervalMs, process.pid);
    // Its own process group, so stop() ends the shell and the sleep it waits in.
    const child = spawn('ip', ['netns', 'exec', n.netns, 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let partial = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop()!;
      for (const l of parts) {
        const parsed = parseSamplerLine(l);
        if (parsed) got.push(parsed);
      }
    });
    // A failing command writes its error every interval: keep the first ones, enough to say what failed.
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 2000) stderr += d;
    });
    const exited = new Promise<void>((resolve) => {
      child.on('close', () => resolve());
      child.on('error', (err) => {
        onError(`the DNS sampler on ${n.name}`, err);
        resolve();
      });
    });
    return { node: n.name, child, exited, stderr: () => stderr };
  });
  return {
    async stop() {
      for (const s of shells) {
        const ended = s.child.exitCode !== null || s.child.signalCode !== null;
        if (ended)
          onError(`the DNS sampler on ${s.node}`, new Error(`it ended early: ${s.stderr().slice(0, 300)}`));
        else if (s.stderr()) onError(`the DNS sampler on ${s.node}`, new Error(firstLine(s.stderr())));
        if (!ended && s.child.pid) {
          try {
            process.kill(-s.child.pid, 'SIGTERM');
          } catch {
            /* gone meanwhile */
          }
        }
      }
      await Promise.all(shells.map((s) => s.exited));
      return summarize(mergeNodes(nodes, lines), intervalMs);
    },
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]!.slice(0, 300);
}

/** The i-th sample of every node as one sample (at the first node's time); as many as every node has. */
function mergeNodes(
  nodes: readonly { name: string }[],
  lines: ReadonlyMap<string, readonly [number, number | null, number | null][]>,
): NodeSample[] {
  const n = Math.min(...nodes.map((x) => lines.get(x.name)?.length ?? 0));
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, i) => ({
    atMs: lines.get(nodes[0]!.name)![i]![0],
    udp53Entries: Object.fromEntries(nodes.map((x) => [x.name, lines.get(x.name)![i]![1]])),
    tcp53Established: Object.fromEntries(nodes.map((x) => [x.name, lines.get(x.name)![i]![2]])),
  }));
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
