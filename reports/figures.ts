/**
 * Figures out of one variant's results, for charts and tables. The results were checked against their
 * definition when read (runners/results/definition.ts; each measurement's details by its own, in
 * runners/results/details/), so these read typed fields; a figure an older file lacks reads as null.
 */
import type { MeasurementName } from '../scenarios/schema.ts';
import type { MeasurementResultOf, VariantResult } from '../runners/results/schema.ts';
import type {
  ConnectSizePoint,
  EndpointChurnFindings,
  VipMinusDirect,
} from '../runners/results/details/connection-latency.ts';

export function measurementOf<N extends MeasurementName>(
  v: VariantResult,
  name: N,
): MeasurementResultOf<N> | undefined {
  return v.measurements.find((m): m is MeasurementResultOf<N> => m.name === name);
}

/** A summary figure, or null when the measurement or the key is absent (or was null: nothing to compute). */
export function summaryValue(v: VariantResult, measurement: MeasurementName, key: string): number | null {
  const x = measurementOf(v, measurement)?.summary[key];
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** Services at the end of each phase: the background plus what service churn created, minus deletions. */
export function servicesAfterPhases(v: VariantResult): Map<string, number> {
  const out = new Map<string, number>();
  let services = v.background?.services ?? 0;
  for (const p of v.phases) {
    for (const c of p.churn) {
      if (c.kind === 'services') services += c.done;
      if (c.kind === 'serviceDeletes') services -= c.done;
    }
    out.set(p.name, services);
  }
  return out;
}

/** One kube-proxy rule-sync snapshot: the syncs of one phase and the rule set the node carried after it. */
export interface SyncPoint {
  readonly phase: string;
  readonly services: number;
  readonly syncs: number;
  readonly p50Ms: number;
  readonly p99Ms: number | null;
  readonly rules: number | null;
  readonly elements: number | null;
}

/** ruleSync's per-phase snapshots; `services` from the snapshot when it has one, else from the churn. */
export function syncBySize(v: VariantResult): SyncPoint[] {
  const services = servicesAfterPhases(v);
  const out: SyncPoint[] = [];
  for (const p of measurementOf(v, 'ruleSync')?.details?.phases ?? []) {
    const n = p.services ?? services.get(p.phase) ?? null;
    if (n === null || p.p50Ms == null) continue;
    out.push({
      phase: p.phase,
      services: n,
      syncs: p.syncs ?? 0,
      p50Ms: p.p50Ms,
      p99Ms: p.p99Ms ?? null,
      rules: p.rules ?? null,
      elements: p.elements ?? null,
    });
  }
  return out;
}

/** conntrackOccupancy's per-phase snapshots: the most entries any node's table held during each phase. */
export function conntrackByPhase(v: VariantResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of measurementOf(v, 'conntrackOccupancy')?.details?.phases ?? []) {
    const counts = Object.values(p.maxEntries).filter((x) => x !== null);
    if (counts.length) out.set(p.phase, Math.max(...counts));
  }
  return out;
}

/** The rule set after one phase, for every proxy (cilium has no sync times): rules, elements, the map's size. */
export interface RuleSetPoint {
  readonly phase: string;
  readonly services: number | null;
  readonly rules: number;
  readonly elements: number | null;
  /** cilium: the service map's size; rules equal to it mean a full map. */
  readonly capacity: number | null;
}

export function ruleSetBySize(v: VariantResult): RuleSetPoint[] {
  const services = servicesAfterPhases(v);
  return (measurementOf(v, 'ruleSync')?.details?.phases ?? []).flatMap((p) => {
    if (p.rules == null) return [];
    const n = p.services ?? services.get(p.phase) ?? null;
    return [
      {
        phase: p.phase,
        services: n,
        rules: p.rules,
        elements: p.elements ?? null,
        capacity: p.capacity ?? null,
      },
    ];
  });
}

/** connectionLatency at each rule-set size (details.bySize): latency against the number of Services. */
export function connectBySize(v: VariantResult): readonly ConnectSizePoint[] {
  return measurementOf(v, 'connectionLatency')?.details?.bySize ?? [];
}

/** The Service path's cost (VIP − direct connect time, per pair) at each size a paired run measured. */
export interface ServicePathPoint {
  readonly phase: string;
  readonly services: number;
  readonly cost: VipMinusDirect;
}

export function servicePathBySize(v: VariantResult): ServicePathPoint[] {
  return connectBySize(v).flatMap((p) =>
    p.vipMinusDirect ? [{ phase: p.phase, services: p.services, cost: p.vipMinusDirect }] : [],
  );
}

/** Resident memory as a phase ended (controlPlane details.byPhase), at the Services that phase left. */
export interface MemoryPoint {
  readonly phase: string;
  readonly services: number;
  /** The mean over the real nodes' service proxies (kube-proxy, or cilium-agent on a cilium node). */
  readonly proxyMiB: number | null;
  readonly apiserverMiB: number | null;
  readonly etcdMiB: number | null;
}

export function memoryBySize(v: VariantResult): MemoryPoint[] {
  const services = servicesAfterPhases(v);
  const out: MemoryPoint[] = [];
  for (const p of measurementOf(v, 'controlPlane')?.details?.byPhase ?? []) {
    const n = services.get(p.phase);
    if (n === undefined) continue;
    const rss = p.rssMiB;
    const proxies = Object.keys(rss)
      .filter((k) => /^(kube-proxy|cilium-agent)-\d+$/.test(k))
      .map((k) => rss[k] ?? null)
      .filter((x): x is number => x !== null);
    out.push({
      phase: p.phase,
      services: n,
      proxyMiB: proxies.length ? proxies.reduce((a, b) => a + b, 0) / proxies.length : null,
      apiserverMiB: rss['kube-apiserver'] ?? null,
      etcdMiB: rss.etcd ?? null,
    });
  }
  return out;
}

/** Connections during churn (details.churn), when the measurement ran through it. */
export function connectDuringChurn(v: VariantResult): EndpointChurnFindings | undefined {
  return measurementOf(v, 'connectionLatency')?.details?.churn;
}

/** A phase on the variant's clock: seconds since the phases began (the background came before). */
export interface PhaseSpan {
  readonly phase: string;
  readonly startS: number;
  readonly endS: number;
  /** Changes per second the churn achieved (summed over its kinds), or null when the phase only held. */
  readonly achievedQps: number | null;
  readonly changes: number;
  readonly churnErrors: number;
}

export function phaseSpans(v: VariantResult): PhaseSpan[] {
  let t = 0;
  return v.phases.map((p) => {
    const startS = t;
    t += p.seconds;
    const qps = p.churn
      .map((c) => c.achievedQps)
      .filter((x): x is number => x !== null && Number.isFinite(x));
    return {
      phase: p.name,
      startS,
      endS: t,
      achievedQps: qps.length ? qps.reduce((a, b) => a + b, 0) : null,
      changes: p.churn.reduce((a, c) => a + c.done, 0),
      churnErrors: p.churn.reduce((a, c) => a + c.errors, 0),
    };
  });
}
