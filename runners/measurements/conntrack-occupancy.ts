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

/** Lab runs only: it counts in the nodes' namespaces (registry.ts skips it through a kubeconfig). */
export function createConntrackOccupancy(
  ctx: MeasurementContext & { readonly state: LabState },
  params: MeasurementParams<'conntrackOccupancy'>,
): Measurement {
  const realNodes: readonly RealNodeInfo[] = [...(ctx.state.realNodes ?? [])].sort(
    (a, b) => a.index - b.index,
  );
  const nodes: NodeSamples[] = realNodes.map((n) => ({ node: n.name, atS: [], entries: [] }));
  const errors: string[] = realNodes.length ? [] : ['the lab has no real nodes: no conntrack table to count'];
  const phases: { phase: string; maxEntries: Record<string, number | null> }[] = [];
  const stopping = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stopping.signal]);
  let limit: number | null = null;
  let t0 = 0;
  let lastMarkS = 0;
  let loop: Promise<void> | undefined;
  const count = async (n: RealNodeInfo) =>
    parseConntrackCount((await exec(['ip', 'netns', 'exec', n.netns, 'conntrack', '-C'], { signal })).stdout);

  async function sampleAll(): Promise<void> {
    const atS = Math.round(performance.now() - t0) / 1000;
    await Promise.all(
      realNodes.map(async (n, i) => {
        try {
          const c = await count(n);
          nodes[i]!.atS.push(atS);
          nodes[i]!.entries.push(c);
        } catch (err) {
          // One failed count is a gap in the series; only the first of its kind is said.
          const why = `${n.name}: ${err instanceof Error ? err.message.split('\n')[0] : err}`;
          if (!signal.aborted && !errors.includes(why)) errors.push(why);
        }
      }),
    );
  }

  return {
    async start() {
      const first = realNodes[0];
      if (!first) return;
      const r = await exec(
        ['ip', 'netns', 'exec', first.netns, 'sysctl', '-n', 'net.netfilter.nf_conntrack_max'],
        {
          allowFailure: true,
        },
      );
      limit = r.exitCode === 0 ? Number(r.stdout.trim()) : null;
      t0 = performance.now();
      await sampleAll();
      loop = (async () => {
        while (!signal.aborted) {
          await sleepUnlessAborted(params.intervalSeconds * 1000, signal);
          if (!signal.aborted) await sampleAll();
        }
      })().catch(() => {});
    },
    async mark(phase) {
      await sampleAll();
      const now = Math.round(performance.now() - t0) / 1000;
      phases.push({ phase, maxEntries: maxSince(nodes, lastMarkS) });
      lastMarkS = now;
    },
    async stop() {
      if (stopping.signal.aborted) return;
      if (loop && !ctx.signal.aborted) await sampleAll();
      stopping.abort();
      await loop;
    },
    collect: () => occupancyResult(params, nodes, phases, limit, errors),
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
