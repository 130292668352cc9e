/**
 * DNS outcome by condition, the two DNS modes side by side: a row per condition and mode (`steady · coredns`
 * above `steady · nodelocal`), a bar per dataplane (pod network.proxy) in the same colour in both, so what the
 * node-local cache changes for one dataplane is read down a pair of rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, inDataOrder, renderChart, type Chart } from './charts.ts';
import { judgedOpacity, width } from './chart-parts.ts';
import { dnsConditions, type DnsCondition } from './dns-figures.ts';
import { countedReps, variantLabel, type VariantGroup } from './groups.ts';
import { countRange } from './format.ts';

type Row = DnsCondition & { row: string; dataplane: string; judged: boolean };

const modeOrder = ['coredns', 'nodelocal'];

export async function dnsCharts(groups: readonly VariantGroup[]): Promise<Chart[]> {
  const unsorted: Row[] = groups.flatMap((g) => {
    const rep = countedReps(g).reps[0];
    // The variant without its DNS mode: the same dataplane has one colour in both modes.
    const dataplane = variantLabel(g).replace(`.${g.variant.dns}`, '');
    return (rep ? dnsConditions(rep.result) : []).map((c) => ({
      ...c,
      row: `${c.name} · ${c.dnsMode}`,
      dataplane,
      judged: countedReps(g).judged,
    }));
  });
  if (unsorted.length === 0) return [];
  const conditions = [...new Set(unsorted.map((r) => r.name))];
  const rank = (r: Row) => conditions.indexOf(r.name) * 10 + Math.max(0, modeOrder.indexOf(r.dnsMode));
  // Stable: the variants keep their order within a row.
  const rows = [...unsorted].sort((a, b) => rank(a) - rank(b));
  const n = countRange(rows.map((r) => r.lookups));
  const modes = [...new Set(rows.map((r) => r.dnsMode))].join(' and ');
  const bars = (x: object, title: string, subtitle: string): TopLevelSpec => ({
    config: chartConfig,
    title: { text: title, subtitle: [subtitle] },
    width,
    height: { step: 12 },
    data: { values: rows },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'row', type: 'nominal', sort: inDataOrder, title: 'condition · DNS mode' },
      yOffset: { field: 'dataplane', type: 'nominal', sort: inDataOrder },
      x,
      color: {
        field: 'dataplane',
        type: 'nominal',
        sort: inDataOrder,
        title: 'variant (pod network.proxy)',
      },
      opacity: judgedOpacity,
    },
  });
  const failureTitle = 'DNS failure rate per condition and DNS mode';
  const latencyTitle = 'DNS lookup latency (p99) per condition and DNS mode';
  const coreTitle = 'CoreDNS requests per second per condition and DNS mode';
  const sub = `n = ${n} lookups per bar from glibc clients in pods (first repetition); ${modes}`;
  const charts = [
    renderChart(
      bars(
        { field: 'failureRate', type: 'quantitative', title: 'failed lookups (%)', axis: { format: '.1%' } },
        failureTitle,
        sub,
      ),
      failureTitle,
      `Failed lookups (SERVFAIL, timeouts, unexpected NXDOMAIN, other errors) over all lookups in each condition, DNS modes side by side, n = ${n} lookups per bar.`,
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
      `The 99th percentile of lookup time in each condition, DNS modes side by side, n = ${n} lookups per bar; p50 and p90 are in the table below.`,
    ),
  ];
  if (rows.some((r) => r.corednsRequestsPerSecond !== null))
    charts.push(
      renderChart(
        bars(
          { field: 'corednsRequestsPerSecond', type: 'quantitative', title: 'CoreDNS requests/s' },
          coreTitle,
          "CoreDNS's own request counter over each condition: every query in coredns mode, the caches' misses in nodelocal mode",
        ),
        coreTitle,
        "CoreDNS's requests per second in each condition, from its own counters at the condition's edges (n = 2 scrapes per bar, summed over its replicas): with a node-local cache, only what the caches forward (their misses) reaches it.",
      ),
    );
  return Promise.all(charts);
}
