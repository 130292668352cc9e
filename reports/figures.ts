/**
 * Typed figures out of one variant's results. Measurement details are `unknown` in the results schema (each
 * measurement owns its shape), so every reader here checks what it takes and returns nothing it cannot trust:
 * a report of a run from an older or newer measurement shows less, never wrong numbers.
 */
import type { MeasurementResult } from '../runners/measurements/measurement.ts';
import type { MeasurementName } from '../scenarios/schema.ts';
import type { VariantResult } from '../runners/results/schema.ts';
import { isObject, listOf, num, str } from './guards.ts';

export function measurementOf(v: VariantResult, name: MeasurementName): MeasurementResult | undefined {
  return v.measurements.find((m) => m.name === name);
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
  const phases = listOf(measurementOf(v, 'ruleSync')?.details, 'phases');
  const services = servicesAfterPhases(v);
  const out: SyncPoint[] = [];
  for (const p of phases) {
    const phase = str(p.phase);
    const n = num(p.services) ?? (phase === null ? null : (services.get(phase) ?? null));
    const p50Ms = num(p.p50Ms);
    if (phase === null || n === null || p50Ms === null) continue;
    out.push({
      phase,
      services: n,
      syncs: num(p.syncs) ?? 0,
      p50Ms,
      p99Ms: num(p.p99Ms),
      rules: num(p.rules),
      elements: num(p.elements),
    });
  }
  return out;
}

/** conntrackOccupancy's per-phase snapshots: the most entries any node's table held during each phase. */
export function conntrackByPhase(v: VariantResult): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of listOf(measurementOf(v, 'conntrackOccupancy')?.details, 'phases')) {
    const phase = str(p.phase);
    const counts = isObject(p.maxEntries)
      ? Object.values(p.maxEntries).filter((x) => typeof x === 'number')
      : [];
    if (phase !== null && counts.length) out.set(phase, Math.max(...counts));
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
  return listOf(measurementOf(v, 'ruleSync')?.details, 'phases').flatMap((p) => {
    const phase = str(p.phase);
    const rules = num(p.rules);
    if (phase === null || rules === null) return [];
    const n = num(p.services) ?? services.get(phase) ?? null;
    return [{ phase, services: n, rules, elements: num(p.elements), capacity: num(p.capacity) }];
  });
}

/** connectionLatency at one rule-set size (details.bySize): latency against the number of Services. */
export interface SizePoint {
  readonly phase: string;
  readonly services: number;
  readonly requests: number;
  readonly errors: number;
  readonly connectP50Ms: number;
  readonly connectP90Ms: number | null;
  readonly connectP99Ms: number | null;
  readonly firstByteP50Ms: number | null;
  readonly firstByteP99Ms: number | null;
}

export function connectBySize(v: VariantResult): SizePoint[] {
  const out: SizePoint[] = [];
  for (const p of listOf(measurementOf(v, 'connectionLatency')?.details, 'bySize')) {
    const services = num(p.services);
    const connectP50Ms = num(p.connectP50Ms);
    if (services === null || connectP50Ms === null) continue;
    out.push({
      phase: str(p.phase) ?? '',
      services,
      requests: num(p.requests) ?? 0,
      errors: num(p.errors) ?? 0,
      connectP50Ms,
      connectP90Ms: num(p.connectP90Ms),
      connectP99Ms: num(p.connectP99Ms),
      firstByteP50Ms: num(p.firstByteP50Ms),
      firstByteP99Ms: num(p.firstByteP99Ms),
    });
  }
  return out;
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
  for (const p of listOf(measurementOf(v, 'controlPlane')?.details, 'byPhase')) {
    const phase = str(p.phase);
    const n = phase === null ? undefined : services.get(phase);
    if (phase === null || n === undefined || !isObject(p.rssMiB)) continue;
    const rss = p.rssMiB;
    const proxies = Object.keys(rss)
      .filter((k) => /^(kube-proxy|cilium-agent)-\d+$/.test(k))
      .map((k) => num(rss[k]))
      .filter((x): x is number => x !== null);
    out.push({
      phase,
      services: n,
      proxyMiB: proxies.length ? proxies.reduce((a, b) => a + b, 0) / proxies.length : null,
      apiserverMiB: num(rss['kube-apiserver']),
      etcdMiB: num(rss.etcd),
    });
  }
  return out;
}

/** Connections during churn (details.churn), when the measurement ran through it. */
export interface ChurnConnections {
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly removedBackendHits: number | null;
  readonly lastRemovedBackendHitMs: number | null;
}

export function connectDuringChurn(v: VariantResult): ChurnConnections | undefined {
  const d = measurementOf(v, 'connectionLatency')?.details;
  const c = isObject(d) && isObject(d.churn) ? d.churn : undefined;
  const requests = num(c?.requests);
  if (!c || requests === null) return undefined;
  return {
    requests,
    errors: num(c.errors) ?? 0,
    errorRate: num(c.errorRate),
    removedBackendHits: num(c.removedBackendHits),
    lastRemovedBackendHitMs: num(c.lastRemovedBackendHitMs),
  };
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
    const qps = p.churn.map((c) => c.achievedQps).filter((x) => Number.isFinite(x));
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
