/**
 * The measurement sections of a scenario: charts, the tables that go with them, and a plain sentence where the
 * run has no data for a chart (an older run, or a measurement the scenario did not ask for).
 */
import { servicePathTable } from './service-path-table.ts';
import type { VariantResult } from '../runners/results/schema.ts';
import type { Chart } from './charts.ts';
import type { Section, Table } from './section-types.ts';
import { connectionLatencyChart, programmingChart } from './chart-bars.ts';
import { firstPacketBySizeChart, memoryBySizeChart, ruleSyncBySizeChart } from './chart-by-size.ts';
import { dnsCharts } from './chart-dns.ts';
import { timelineChart } from './chart-timeline.ts';
import { headroomSection } from './headroom-section.ts';
import { dnsTables } from './dns-tables.ts';
import {
  connectBySize,
  connectDuringChurn,
  measurementOf,
  memoryBySize,
  ruleSetBySize,
  syncBySize,
  type RuleSetPoint,
} from './figures.ts';
import { formatCount, formatMs, formatRate } from './format.ts';
import { firstCountedRep, variantLabel, type ScenarioGroup, type VariantGroup } from './groups.ts';
import type { MeasurementName } from '../scenarios/schema.ts';

export async function sections(s: ScenarioGroup, prefix: string): Promise<Section[]> {
  const g = s.variants;
  const has = (name: MeasurementName) => g.some((v) => v.reps.some((r) => measurementOf(r.result, name)));
  const absent = (name: MeasurementName) =>
    `This run has no ${name} measurement (add { name: ${name} } to the scenario's measurements to get it).`;
  const out: Section[] = [];
  // A headroom search's answer comes first: the other sections show its last passing step.
  const headroom = await headroomSection(g, prefix);
  if (headroom) out.push(headroom);

  const connect: (Chart | undefined)[] = has('connectionLatency')
    ? await Promise.all([connectionLatencyChart(g), firstPacketBySizeChart(g)])
    : [];
  out.push({
    id: `${prefix}-connect`,
    title: 'Connection latency',
    charts: connect.filter((c): c is Chart => c !== undefined),
    notes: !has('connectionLatency')
      ? [absent('connectionLatency')]
      : connect[1]
        ? []
        : [
            sizes(g, connectBySize).length === 1
              ? `Connection latency was measured at one size only (${formatCount(sizes(g, connectBySize)[0])} Services): there is no curve against size to draw.`
              : 'Latency against the number of Services needs per-size figures (connectionLatency details.bySize); this run measured once, after the phases, at the size they left.',
          ],
    tables: [servicePathTable(g), churnConnectionsTable(g)].filter((t) => t !== undefined),
  });

  const programming = await programmingChart(g);
  out.push({
    id: `${prefix}-programming`,
    title: 'Network programming latency',
    charts: programming ? [programming] : [],
    notes: programming ? [] : [absent('networkProgrammingLatency')],
    tables: [],
  });

  const sync = await ruleSyncBySizeChart(g);
  out.push({
    id: `${prefix}-sync`,
    title: 'Rule sync against the number of Services',
    charts: sync ? [sync] : [],
    notes: sync
      ? []
      : [
          !has('ruleSync')
            ? absent('ruleSync')
            : sizes(g, syncBySize).length === 1
              ? `Every phase ended at ${formatCount(sizes(g, syncBySize)[0])} Services, so there is no curve against size to draw at this scale; each phase's sync p50 is in the timeline below and the totals in the table above.`
              : 'ruleSync has no per-phase snapshots in this run.',
        ],
    tables: [],
  });

  const memory = await memoryBySizeChart(g);
  const growth = costGrowthTable(g);
  if (memory || growth)
    out.push({
      id: `${prefix}-growth`,
      title: 'How cost grows with the number of Services',
      charts: memory ? [memory] : [],
      notes: [],
      tables: growth ? [growth] : [],
    });

  const dns = has('dns') ? await dnsCharts(g) : [];
  out.push({
    id: `${prefix}-dns`,
    title: 'DNS',
    charts: dns,
    notes: has('dns')
      ? dns.length
        ? []
        : ['The dns measurement has no per-condition figures in this run.']
      : [absent('dns')],
    tables: has('dns') ? dnsTables(g) : [],
  });

  const timeline = await timelineChart(g);
  out.push({
    id: `${prefix}-timeline`,
    title: 'Churn phases over time',
    charts: timeline ? [timeline] : [],
    notes: timeline ? [] : ['No phases ran.'],
    tables: [],
  });
  return out;
}

/** The distinct Service counts a per-size figure was taken at, over all variants. */
function sizes(
  g: readonly VariantGroup[],
  points: (v: VariantResult) => readonly { services: number }[],
): number[] {
  return [...new Set(g.flatMap((v) => v.reps.flatMap((r) => points(r.result).map((p) => p.services))))];
}

/**
 * Per variant and rule-set size (first repetition): new-connection latency, kube-proxy's sync time and memory,
 * the apiserver's memory. Only where a run measured at two sizes or more: one size is not a growth.
 */
function costGrowthTable(g: readonly VariantGroup[]): Table | undefined {
  const rows = g.flatMap((v) => {
    const r = firstCountedRep(v);
    if (!r) return [];
    const connect = new Map(connectBySize(r).map((p) => [p.phase, p]));
    const sync = new Map(syncBySize(r).map((p) => [p.phase, p]));
    const ruleSet = new Map(ruleSetBySize(r).map((p) => [p.phase, p]));
    const memory = new Map(memoryBySize(r).map((p) => [p.phase, p]));
    const phases = [...new Set([...connect.keys(), ...ruleSet.keys()])];
    const servicesAt = (ph: string) => connect.get(ph)?.services ?? ruleSet.get(ph)?.services ?? null;
    const sizes = new Set(phases.map(servicesAt));
    if (sizes.size < 2) return [];
    return phases.map((ph) => [
      variantLabel(v),
      ph,
      formatCount(servicesAt(ph)),
      formatMs(connect.get(ph)?.connectP50Ms ?? null),
      formatMs(connect.get(ph)?.connectP99Ms ?? null),
      formatMs(sync.get(ph)?.p50Ms ?? null),
      formatMs(sync.get(ph)?.p99Ms ?? null),
      ruleSetSize(ruleSet.get(ph)),
      formatMiB(memory.get(ph)?.proxyMiB ?? null),
      formatMiB(memory.get(ph)?.apiserverMiB ?? null),
    ]);
  });
  if (rows.length === 0) return undefined;
  return {
    caption:
      'Cost against the rule set, per variant and phase (first repetition): connect latency through a ClusterIP, kube-proxy sync time, its rules (and, for nftables, its set and map elements; for cilium, its service map entries), and the memory of the service proxy (kube-proxy or cilium-agent) as the phase ended',
    head: [
      'variant',
      'phase',
      'Services',
      'connect p50',
      'connect p99',
      'sync p50',
      'sync p99',
      'rules / elements',
      'proxy RSS',
      'apiserver RSS',
    ],
    rows,
  };
}

/**
 * iptables: its rules; nftables: its rules and the elements of its sets and maps, where most of it lives;
 * cilium: its service map entries, and whether the map is full (Services past it are not programmed).
 */
function ruleSetSize(p: RuleSetPoint | undefined): string {
  if (!p) return formatCount(null);
  if (p.capacity !== null && p.rules >= p.capacity)
    return `${formatCount(p.rules)}: the service map is full (its size: ${formatCount(p.capacity)})`;
  if (p.elements === null) return formatCount(p.rules);
  return `${formatCount(p.rules)} + ${formatCount(p.elements)} elements`;
}

function formatMiB(x: number | null): string {
  return x === null ? '–' : `${formatCount(Math.round(x))} MiB`;
}

function churnConnectionsTable(g: readonly VariantGroup[]): Table | undefined {
  const rows = g.flatMap((v) => {
    const r = firstCountedRep(v);
    const c = r && connectDuringChurn(r);
    if (!c) return [];
    return [
      [
        variantLabel(v),
        formatCount(c.requests),
        formatCount(c.errors),
        formatRate(c.errorRate),
        formatCount(c.removedBackendHits),
        formatMs(c.lastRemovedBackendHitMs),
      ],
    ];
  });
  if (rows.length === 0) return undefined;
  return {
    caption:
      'New connections during endpoint churn (first repetition): errors, and connections that still reached a removed backend',
    head: [
      'variant',
      'requests',
      'errors',
      'error rate',
      'hits on removed backends',
      'last such hit after removal',
    ],
    rows,
  };
}
