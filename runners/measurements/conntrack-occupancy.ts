/**
 * Conntrack occupancy. Definition: how many entries each real node's connection-tracking table holds, sampled
 * every intervalSeconds from start() to stop(), against the table's size: when it is full the kernel drops new
 * connections ("nf_conntrack: table full, dropping packet"), the way a busy node loses DNS lookups and Service
 * connections at scale. Source: `conntrack -C` and `sysctl net.netfilter.nf_conntrack_max` in each node's
 * network namespace (the table is per namespace; its size is the kernel's). Units: entries; fullness 0–1.
 */
import { exec } from '../../infra/exec.ts';
import { sleepUnlessAborted } from '../../infra/lab/processes.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import type { LabState } from '../../infra/lab/state.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';

/** One node's samples: seconds since start() and the entries then. */
interface NodeSamples {
  readonly node: string;
  readonly atS: number[];
  readonly entries: number[];
}

/** `conntrack -C` prints the count alone; anything else is not a count. */
export function parseConntrackCount(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new Error(`conntrack -C: expected a count, got "${t.slice(0, 80)}"`);
  return Number(t);
}

/** The largest value of each node's samples taken from `fromS` on (the phase since the last mark). */
function maxSince(nodes: readonly NodeSamples[], fromS: number): Record<string, number | null> {
  return Object.fromEntries(
    nodes.map((n) => {
      const xs = n.entries.filter((_, i) => n.atS[i]! >= fromS);
      return [n.node, xs.length ? Math.max(...xs) : null];
    }),
  );
}

/** What the occupancy's steps share: the nodes and their samples, the clock, the problems so far. */
interface Occupancy {
  readonly realNodes: readonly RealNodeInfo[];
  /** realNodes' samples, in the same order. */
  readonly nodes: NodeSamples[];
  readonly errors: string[];
  readonly phases: { phase: string; maxEntries: Record<string, number | null> }[];
  /** The run's abort signal or stop()'s, whichever comes first: it ends the sampling. */
  readonly signal: AbortSignal;
  /** The table's size, from node 1; null when it could not be read. */
  limit: number | null;
  /** performance.now() at start(): samples are timed from it. */
  t0: number;
}

function newOccupancy(
  ctx: MeasurementContext & { readonly state: LabState },
  signal: AbortSignal,
): Occupancy {
  const realNodes: readonly RealNodeInfo[] = [...(ctx.state.realNodes ?? [])].sort(
    (a, b) => a.index - b.index,
  );
  return {
    realNodes,
    nodes: realNodes.map((n) => ({ node: n.name, atS: [], entries: [] })),
    errors: realNodes.length ? [] : ['the lab has no real nodes: no conntrack table to count'],
    phases: [],
    signal,
    limit: null,
    t0: 0,
  };
}

/** One count on every node, at the same time since start(). */
async function sampleAll(o: Occupancy): Promise<void> {
  const { signal } = o;
  const atS = Math.round(performance.now() - o.t0) / 1000;
  await Promise.all(
    o.realNodes.map(async (n, i) => {
      try {
        const r = await exec(['ip', 'netns', 'exec', n.netns, 'conntrack', '-C'], { signal });
        const c = parseConntrackCount(r.stdout);
        o.nodes[i]!.atS.push(atS);
        o.nodes[i]!.entries.push(c);
      } catch (err) {
        // One failed count is a gap in the series; only the first of its kind is said.
        const why = `${n.name}: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
        if (!signal.aborted && !o.errors.includes(why)) o.errors.push(why);
      }
    }),
  );
}

/**
 * The table's size, a first sample, then the sampling loop until the signal. The loop comes back inside an
 * object: a promise an async function returns bare is awaited with it, and start() would wait for stop().
 * Undefined without nodes.
 */
async function startSampling(
  o: Occupancy,
  intervalSeconds: number,
): Promise<{ readonly loop: Promise<void> } | undefined> {
  const first = o.realNodes[0];
  if (!first) return undefined;
  const r = await exec(
    ['ip', 'netns', 'exec', first.netns, 'sysctl', '-n', 'net.netfilter.nf_conntrack_max'],
    { allowFailure: true },
  );
  o.limit = r.exitCode === 0 ? Number(r.stdout.trim()) : null;
  o.t0 = performance.now();
  await sampleAll(o);
  const loop = (async () => {
    while (!o.signal.aborted) {
      await sleepUnlessAborted(intervalSeconds * 1000, o.signal);
      if (!o.signal.aborted) await sampleAll(o);
    }
  })().catch(() => {});
  return { loop };
}

/** Lab runs only: it counts in the nodes' namespaces (registry.ts skips it through a kubeconfig). */
export function createConntrackOccupancy(
  ctx: MeasurementContext & { readonly state: LabState },
  params: MeasurementParams<'conntrackOccupancy'>,
): Measurement {
  const stopping = new AbortController();
  const o = newOccupancy(ctx, AbortSignal.any([ctx.signal, stopping.signal]));
  let lastMarkS = 0;
  let loop: Promise<void> | undefined;
  return {
    async start() {
      loop = (await startSampling(o, params.intervalSeconds))?.loop;
    },
    async mark(phase) {
      await sampleAll(o);
      const now = Math.round(performance.now() - o.t0) / 1000;
      o.phases.push({ phase, maxEntries: maxSince(o.nodes, lastMarkS) });
      lastMarkS = now;
    },
    async stop() {
      if (stopping.signal.aborted) return;
      if (loop && !ctx.signal.aborted) await sampleAll(o);
      stopping.abort();
      await loop;
    },
    collect: () => occupancyResult(params, o.nodes, o.phases, o.limit, o.errors),
  };
}

function occupancyResult(
  params: MeasurementParams<'conntrackOccupancy'>,
  nodes: readonly NodeSamples[],
  phases: readonly { phase: string; maxEntries: Record<string, number | null> }[],
  limit: number | null,
  errors: readonly string[],
): MeasurementResultOf<'conntrackOccupancy'> {
  const all = nodes.flatMap((n) => n.entries);
  const max = all.length ? Math.max(...all) : null;
  const node1 = nodes[0]?.entries ?? [];
  return {
    name: 'conntrackOccupancy',
    definition: `entries in each real node's conntrack table, every ${params.intervalSeconds} s from the first phase to the last measurement, and at each phase's end; against the table's size (nf_conntrack_max)`,
    source: "conntrack -C and sysctl net.netfilter.nf_conntrack_max in each node's network namespace",
    units: 'entries; fullness 0–1',
    summary: {
      conntrackEntriesMax: max,
      conntrackEntriesMeanNode1: node1.length
        ? Math.round(node1.reduce((a, b) => a + b, 0) / node1.length)
        : null,
      conntrackLimit: limit,
      conntrackFullnessMax: max !== null && limit ? Math.round((max / limit) * 1e4) / 1e4 : null,
      conntrackSamples: all.length,
    },
    details: {
      intervalSeconds: params.intervalSeconds,
      phases,
      nodes: nodes.map((n) => ({ node: n.node, atS: n.atS, entries: n.entries })),
    },
    errors: [...errors],
  };
}
