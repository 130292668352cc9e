/**
 * Bar charts of one figure per variant: new-connection latency percentiles, and network programming latency
 * from kube-proxy's metric beside the black-box probe.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, inDataOrder, renderChart, type Chart } from './charts.ts';
import { judgedOpacity, repsNote, width } from './chart-parts.ts';
import { summaryValue } from './figures.ts';
import { countedReps, medianOf, variantLabel, type VariantGroup } from './groups.ts';
import { countRange } from './format.ts';
import type { MeasurementName } from '../scenarios/schema.ts';

interface Stat {
  readonly label: string;
  readonly measurement: MeasurementName;
  readonly key: string;
}

/** Grouped horizontal bars: one band per variant, one bar per statistic. */
async function statBars(
  groups: readonly VariantGroup[],
  stats: readonly Stat[],
  title: string,
  subtitle: string[],
  xTitle: string,
  caption: string,
): Promise<Chart | undefined> {
  const values = groups.flatMap((g) =>
    stats.flatMap((s) => {
      const m = medianOf(g, (v) => summaryValue(v, s.measurement, s.key));
      return m.value === null
        ? []
        : [{ variant: variantLabel(g), stat: s.label, ms: m.value, judged: m.judged }];
    }),
  );
  if (values.length === 0) return undefined;
  const present = stats.map((s) => s.label).filter((l) => values.some((v) => v.stat === l));
  const spec: TopLevelSpec = {
    config: chartConfig,
    title: { text: title, subtitle },
    width,
    height: { step: 13 },
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'variant', type: 'nominal', sort: inDataOrder, title: 'variant' },
      yOffset: { field: 'stat', type: 'nominal', sort: present },
      x: { field: 'ms', type: 'quantitative', title: xTitle },
      color: { field: 'stat', type: 'nominal', sort: present, title: 'statistic' },
      opacity: judgedOpacity,
    },
  };
  return renderChart(spec, title, caption);
}

export function connectionLatencyChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const counts = groups.flatMap((g) =>
    countedReps(g).reps.map((r) => summaryValue(r.result, 'connectionLatency', 'requests') ?? 0),
  );
  const n = countRange(counts.filter((c) => c > 0));
  return statBars(
    groups,
    [
      { label: 'connect p50', measurement: 'connectionLatency', key: 'connectP50Ms' },
      { label: 'connect p99', measurement: 'connectionLatency', key: 'connectP99Ms' },
      { label: 'first byte p50', measurement: 'connectionLatency', key: 'firstByteP50Ms' },
      { label: 'first byte p99', measurement: 'connectionLatency', key: 'firstByteP99Ms' },
      { label: 'connect p50 straight to a pod', measurement: 'connectionLatency', key: 'directConnectP50Ms' },
    ],
    'New-connection latency through a ClusterIP, per variant',
    [
      `TCP connect and time to first byte, one new connection per request; ${repsNote(groups)}n = ${n} requests per variant`,
    ],
    'latency (ms)',
    `Each bar is a percentile over n = ${n} requests per variant (one new TCP connection each) from a client pod; the last bar of each variant is the same client straight to a pod IP, without the ClusterIP.`,
  );
}

export function programmingChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const counts = (key: string) =>
    countRange(
      groups.flatMap((g) =>
        countedReps(g).reps.map((r) => summaryValue(r.result, 'networkProgrammingLatency', key) ?? 0),
      ),
    );
  const metricN = counts('kubeProxySamples');
  const windowN = counts('probeWindowKubeProxySamples');
  const addN = counts('probeAdditions');
  const removeN = counts('probeRemovals');
  const m = 'networkProgrammingLatency';
  return statBars(
    groups,
    [
      { label: 'metric p50, whole run', measurement: m, key: 'kubeProxyP50Ms' },
      { label: 'metric p99, whole run', measurement: m, key: 'kubeProxyP99Ms' },
      { label: 'metric p50, probe window', measurement: m, key: 'probeWindowKubeProxyP50Ms' },
      { label: 'probe: addition p50', measurement: m, key: 'probeAddP50Ms' },
      { label: 'probe: removal p50', measurement: m, key: 'probeRemoveP50Ms' },
    ],
    'Network programming latency: kube-proxy’s metric beside the black-box probe',
    [
      `metric: n = ${metricN} samples per variant (${windowN} in the probe window); probe: n = ${addN} additions and ${removeN} removals`,
      `${repsNote(groups)}the probe window bar and the probe bars measure the same endpoint changes`,
    ],
    'latency (ms)',
    `The metric is kube-proxy's kubeproxy_network_programming_duration_seconds (n = ${metricN} samples per variant over the whole run, ${windowN} while the probe ran); the probe times, from a client pod, how long after the API acknowledged an endpoint change the VIP first answered from (addition, n = ${addN}) or stopped answering from (removal, n = ${removeN}) that endpoint.`,
  );
}
