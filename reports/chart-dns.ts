/** DNS outcome by condition (steady, CoreDNS rollout or killed, service churn), per DNS mode. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, inDataOrder, renderChart, type Chart } from './charts.ts';
import { judgedOpacity, width } from './chart-parts.ts';
import { dnsConditions } from './dns-figures.ts';
import { countedReps, variantLabel, type VariantGroup } from './groups.ts';
import { countRange } from './format.ts';

/** DNS outcome by condition: failure rate and p99, one bar per variant (its id names the DNS mode). */
export async function dnsCharts(groups: readonly VariantGroup[]): Promise<Chart[]> {
  const rows = groups.flatMap((g) => {
    const rep = countedReps(g).reps[0];
    return (rep ? dnsConditions(rep.result) : []).map((c) => ({
      ...c,
      variant: variantLabel(g),
      judged: countedReps(g).judged,
    }));
  });
  if (rows.length === 0) return [];
  const n = countRange(rows.map((r) => r.lookups));
  const conditions = [...new Set(rows.map((r) => r.name))];
  const bars = (x: object, title: string, subtitle: string): TopLevelSpec => ({
    config: chartConfig,
    title: { text: title, subtitle: [subtitle] },
    width,
    height: { step: 12 },
    data: { values: rows },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'name', type: 'nominal', sort: conditions, title: 'condition' },
      yOffset: { field: 'variant', type: 'nominal', sort: inDataOrder },
      x,
      color: {
        field: 'variant',
        type: 'nominal',
        sort: inDataOrder,
        title: 'variant (pod network.proxy.DNS mode)',
      },
      opacity: judgedOpacity,
    },
  });
  const failureTitle = 'DNS failure rate per condition and DNS mode';
  const latencyTitle = 'DNS lookup latency (p99) per condition and DNS mode';
  const sub = `n = ${n} lookups per bar from glibc clients in pods (first repetition)`;
  return Promise.all([
    renderChart(
      bars(
        { field: 'failureRate', type: 'quantitative', title: 'failed lookups (%)', axis: { format: '.1%' } },
        failureTitle,
        sub,
      ),
      failureTitle,
      `Failed lookups (SERVFAIL, timeouts, unexpected NXDOMAIN, other errors) over all lookups in each condition, n = ${n} lookups per bar.`,
    ),
    renderChart(
      // A lookup that timed out is thousands of times slower than one that did not: log scale, or one bar hides the rest.
      bars(
        {
          field: 'p99Ms',
          type: 'quantitative',
          title: 'lookup p99 (ms, log scale)',
          scale: { type: 'symlog' },
        },
        latencyTitle,
        sub,
      ),
      latencyTitle,
      `The 99th percentile of lookup time in each condition, n = ${n} lookups per bar; p50 and p90 are in the table below.`,
    ),
  ]);
}
