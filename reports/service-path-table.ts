/**
 * The Service path's own cost per rule-set size: connect time through the VIP minus straight to a backend pod,
 * the median of the per-pair differences with its 95% interval (runners/measurements/connection-pairs.ts).
 * A table beside the cost-growth one because the unpaired connect p50 there carries the agent's floor
 * (~0.17 ms), as large as the rule set's whole effect at 10,000 Services; the pairs subtract it.
 */
import type { Table } from './section-types.ts';
import { servicePathBySize, type ServicePathPoint } from './figures.ts';
import { formatCount, formatMs } from './format.ts';
import { firstCountedRep, variantLabel, type VariantGroup } from './groups.ts';

/** One row per variant and size (first repetition); undefined when no run paired its connections. */
export function servicePathTable(g: readonly VariantGroup[]): Table | undefined {
  const rows = g.flatMap((v) => {
    const r = firstCountedRep(v);
    return r ? servicePathBySize(r).map((p) => row(variantLabel(v), p)) : [];
  });
  if (rows.length === 0) return undefined;
  return {
    caption:
      'Service path cost (VIP − direct, median of N pairs, 95% CI): each VU opened a connection through the ClusterIP and one straight to a backend pod, in random order, and each pair gives one difference of connect time; the interval is the sign test’s (order statistics of the differences), first repetition. An interval across 0 means no cost shown at that size',
    head: [
      'variant',
      'phase',
      'Services',
      'VIP − direct',
      'pairs',
      '95% CI',
      'direct to',
      'VIP chose that pod',
    ],
    rows,
  };
}

function row(variant: string, p: ServicePathPoint): string[] {
  const c = p.cost;
  const interval =
    c.lowMs === null || c.highMs === null ? 'too few pairs' : `${formatMs(c.lowMs)} to ${formatMs(c.highMs)}`;
  return [
    variant,
    p.phase,
    formatCount(p.services),
    formatMs(c.medianMs),
    formatCount(c.pairs),
    interval,
    c.directTarget,
    c.sameBackendShare === null ? '–' : `${Math.round(c.sameBackendShare * 100)}%`,
  ];
}
