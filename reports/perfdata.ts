/**
 * PerfData, the JSON clusterloader2 writes and perf-dash reads: `{ version: "v1", dataItems: [{ data:
 * { Perc50, Perc90, Perc99 }, unit, labels: { Metric, ... } }] }`, one document per measurement and run,
 * named like clusterloader2's summaries (`<Measurement>_<scenario>_<time>.json`). Only variants whose figures
 * can be judged are exported: perf-dash draws every point it gets, and an invalid run must not become one.
 */
import type { RunResults, VariantResult } from '../runners/results/schema.ts';
import { summaryValue } from './figures.ts';
import { judgeable } from './groups.ts';
import type { MeasurementName } from '../scenarios/schema.ts';

export interface DataItem {
  readonly data: Record<string, number>;
  readonly unit: string;
  readonly labels: Record<string, string>;
}

export interface PerfData {
  readonly version: 'v1';
  readonly dataItems: DataItem[];
}

interface Item {
  readonly metric: string;
  readonly measurement: MeasurementName;
  /** Which figure of the measurement: its source or kind ('kube-proxy', 'probe addition', 'connect'). */
  readonly label: Record<string, string>;
  /** Data key (Perc50, …) → summary key. */
  readonly keys: Record<string, string>;
}

const items: readonly Item[] = [
  {
    metric: 'NetworkProgrammingLatency',
    measurement: 'networkProgrammingLatency',
    label: { Source: 'kube-proxy metric' },
    keys: { Perc50: 'kubeProxyP50Ms', Perc90: 'kubeProxyP90Ms', Perc99: 'kubeProxyP99Ms' },
  },
  {
    metric: 'NetworkProgrammingLatency',
    measurement: 'networkProgrammingLatency',
    label: { Source: 'probe', Change: 'addition' },
    keys: { Perc50: 'probeAddP50Ms', Max: 'probeAddMaxMs' },
  },
  {
    metric: 'NetworkProgrammingLatency',
    measurement: 'networkProgrammingLatency',
    label: { Source: 'probe', Change: 'removal' },
    keys: { Perc50: 'probeRemoveP50Ms', Max: 'probeRemoveMaxMs' },
  },
  {
    metric: 'RuleSync',
    measurement: 'ruleSync',
    label: { Sync: 'all' },
    keys: { Perc50: 'syncP50Ms', Perc90: 'syncP90Ms', Perc99: 'syncP99Ms' },
  },
  {
    metric: 'ConnectionLatency',
    measurement: 'connectionLatency',
    label: { Phase: 'connect' },
    keys: { Perc50: 'connectP50Ms', Perc99: 'connectP99Ms', Max: 'connectMaxMs' },
  },
  {
    metric: 'ConnectionLatency',
    measurement: 'connectionLatency',
    label: { Phase: 'first byte' },
    keys: { Perc50: 'firstByteP50Ms', Perc99: 'firstByteP99Ms' },
  },
  { metric: 'DnsLatency', measurement: 'dns', label: {}, keys: { Perc50: 'p50Ms', Perc99: 'p99Ms' } },
  {
    metric: 'APIResponsiveness',
    measurement: 'controlPlane',
    label: { Verb: 'mutating' },
    keys: { Perc50: 'apiMutatingP50Ms', Perc99: 'apiMutatingP99Ms' },
  },
  {
    metric: 'APIResponsiveness',
    measurement: 'controlPlane',
    label: { Verb: 'read-only' },
    keys: { Perc50: 'apiReadOnlyP50Ms', Perc99: 'apiReadOnlyP99Ms' },
  },
  {
    metric: 'PodStartupLatency',
    measurement: 'controlPlane',
    label: {},
    keys: { Perc50: 'podStartupP50Ms', Perc99: 'podStartupP99Ms' },
  },
];

/** One PerfData document per metric that has figures, with the file name to write it under. */
export function perfDataFiles(run: RunResults): { name: string; data: PerfData }[] {
  const byMetric = new Map<string, DataItem[]>();
  const variants = run.variants.filter((result) => judgeable({ run, result }));
  for (const item of items)
    for (const v of variants) {
      const data = dataOf(v, item);
      if (!data) continue;
      const list = byMetric.get(item.metric) ?? [];
      list.push({ data, unit: 'ms', labels: { Metric: item.metric, ...item.label, ...variantLabels(v) } });
      byMetric.set(item.metric, list);
    }
  const scenario = safe(run.manifest.scenario.name);
  const time = safe(run.manifest.startedAt);
  return [...byMetric].map(([metric, dataItems]) => ({
    name: `${metric}_${scenario}_${time}.json`,
    data: { version: 'v1', dataItems },
  }));
}

function dataOf(v: VariantResult, item: Item): Record<string, number> | undefined {
  const data: Record<string, number> = {};
  for (const [key, summaryKey] of Object.entries(item.keys)) {
    const x = summaryValue(v, item.measurement, summaryKey);
    if (x !== null) data[key] = x;
  }
  return Object.keys(data).length ? data : undefined;
}

function variantLabels(v: VariantResult): Record<string, string> {
  return {
    Variant: v.id,
    PodNetwork: v.variant.podNetwork,
    ProxyMode: v.variant.proxyMode,
    IptablesBackend: v.variant.iptablesBackend,
    DNS: v.variant.dns,
    ...(v.variant.kubernetesVersion ? { KubernetesVersion: v.variant.kubernetesVersion } : {}),
    Repetition: String(v.repetition),
  };
}

/** A file-name part: letters, digits, '-' and '.' only (scenario names are user input). */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}
