/**
 * Figures against the number of Services, one line per variant and percentile, coloured by proxy mode: the
 * curve the Kubernetes nftables blog post draws, for first-packet (connect) latency and for rule-sync time.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { VariantResult } from '../runners/results/schema.ts';
import { chartConfig, renderChart, type Chart } from './charts.ts';
import { judgedOpacity, repsNote, width } from './chart-parts.ts';
import { connectBySize, memoryBySize, syncBySize } from './figures.ts';
import { countedReps, median, proxyLabel, variantLabel, type VariantGroup } from './groups.ts';
import { countRange } from './format.ts';

interface SizeRow {
  readonly services: number;
  /** The figure (ms, or MiB for memory). */
  readonly ms: number;
  /** Which line of the variant: a percentile, or a process for memory. */
  readonly percentile: string;
  readonly mode: string;
  readonly podNetwork: string;
  readonly variant: string;
  readonly judged: boolean;
}

/** Latency against Services: one line per variant and percentile, coloured by proxy mode (the blog's curve). */
async function bySizeChart(
  rows: SizeRow[],
  title: string,
  subtitle: string[],
  yTitle: string,
  caption: string,
  seriesTitle = 'percentile',
): Promise<Chart | undefined> {
  // One size is a point, not a curve: the caller says so in a sentence instead.
  if (new Set(rows.map((r) => r.services)).size < 2) return undefined;
  const podNetworks = new Set(rows.map((r) => r.podNetwork)).size;
  const encoding = {
    x: { field: 'services', type: 'quantitative', title: 'Services', axis: { format: ',d' } },
    y: { field: 'ms', type: 'quantitative', title: yTitle },
    color: { field: 'mode', type: 'nominal', title: 'proxy mode' },
    opacity: judgedOpacity,
  } as const;
  const spec: TopLevelSpec = {
    config: chartConfig,
    title: { text: title, subtitle },
    width,
    height: 260,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', tooltip: false },
        encoding: {
          ...encoding,
          strokeDash: { field: 'percentile', type: 'nominal', title: seriesTitle },
          detail: { field: 'variant', type: 'nominal' },
          order: { field: 'services', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 40, tooltip: false },
        encoding: {
          ...encoding,
          shape:
            podNetworks > 1
              ? { field: 'podNetwork', type: 'nominal', title: 'pod network' }
              : { value: 'circle' },
        },
      },
    ],
  };
  return renderChart(spec, title, caption);
}

/** Per-phase points of the counted repetitions, the median where several repetitions have the phase. */
function medianByPhase<T extends { phase: string; services: number }>(
  g: VariantGroup,
  points: (v: VariantResult) => readonly T[],
  value: (p: T) => number | null,
): { phase: string; services: number; value: number }[] {
  const byPhase = new Map<string, { services: number; values: number[] }>();
  for (const rep of countedReps(g).reps)
    for (const p of points(rep.result)) {
      const x = value(p);
      if (x === null) continue;
      const e = byPhase.get(p.phase) ?? { services: p.services, values: [] };
      e.values.push(x);
      byPhase.set(p.phase, e);
    }
  return [...byPhase].map(([phase, e]) => ({ phase, services: e.services, value: median(e.values) }));
}

function sizeRows<T extends { phase: string; services: number }>(
  groups: readonly VariantGroup[],
  points: (v: VariantResult) => readonly T[],
  percentiles: [string, (p: T) => number | null][],
): SizeRow[] {
  return groups.flatMap((g) =>
    percentiles.flatMap(([percentile, value]) =>
      medianByPhase(g, points, value).map((p) => ({
        services: p.services,
        ms: p.value,
        percentile,
        mode: proxyLabel(g.variant),
        podNetwork: g.variant.podNetwork,
        variant: variantLabel(g),
        judged: countedReps(g).judged,
      })),
    ),
  );
}

export function firstPacketBySizeChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const rows = sizeRows(groups, connectBySize, [
    ['p50', (p) => p.connectP50Ms],
    ['p99', (p) => p.connectP99Ms],
  ]);
  const n = countRange(
    groups.flatMap((g) => countedReps(g).reps.flatMap((r) => connectBySize(r.result).map((p) => p.requests))),
  );
  return bySizeChart(
    rows,
    'First-packet latency against the number of Services, per proxy mode',
    [
      `TCP connect through a ClusterIP at each rule-set size, p50 (solid) and p99 (dashed); ${repsNote(groups)}n = ${n} requests per point`,
    ],
    'connect latency (ms)',
    `How long a new connection's first packet takes to get through the node's service rules as they grow: TCP connect time through a ClusterIP, measured at each size the phases reached, n = ${n} requests per point.`,
  );
}

export function ruleSyncBySizeChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const rows = sizeRows(groups, syncBySize, [
    ['p50', (p) => p.p50Ms],
    ['p99', (p) => p.p99Ms],
  ]);
  const n = countRange(
    groups.flatMap((g) => countedReps(g).reps.flatMap((r) => syncBySize(r.result).map((p) => p.syncs))),
  );
  return bySizeChart(
    rows,
    'Rule-sync time against the number of Services, per proxy mode',
    [
      `kube-proxy sync duration in each phase, p50 (solid) and p99 (dashed); ${repsNote(groups)}n = ${n} syncs per point`,
    ],
    'sync duration (ms)',
    `Each point is one phase: the Services that existed at its end, and the quantiles of the n = ${n} kube-proxy syncs during it (all real nodes), interpolated inside kube-proxy's histogram buckets.`,
  );
}

export function memoryBySizeChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const rows = sizeRows(groups, memoryBySize, [
    ['service proxy (mean of real nodes)', (p) => p.proxyMiB],
    ['kube-apiserver', (p) => p.apiserverMiB],
    ['etcd', (p) => p.etcdMiB],
  ]);
  return bySizeChart(
    rows,
    'Memory against the number of Services, per proxy mode',
    [
      `resident memory as each phase ended: the service proxy, kube-proxy or cilium-agent (solid), kube-apiserver and etcd; ${repsNote(groups)}`,
    ],
    'RSS (MiB)',
    `Each point is one phase: the Services that existed at its end and each process's resident set size (/proc) at that moment, n = 1 reading per process and point; kube-proxy is the mean over the real nodes.`,
    'process',
  );
}
