/**
 * SLO thresholds from the scenario against a run's figures. A breach is a verdict, never an exception; a
 * threshold without a figure (the measurement was not asked for, or saw nothing) is "not judged" (passed null).
 */
import type { Scenario, SloName, MeasurementName } from '../scenarios/schema.ts';
import type { MeasurementResult } from './measurements/measurement.ts';
import type { SloVerdict } from './results/schema.ts';

/** Where each SLO's figure comes from: a measurement's summary key. */
export const sloSources: Record<SloName, { measurement: MeasurementName; key: string }> = {
  networkProgrammingP99Ms: { measurement: 'networkProgrammingLatency', key: 'kubeProxyP99Ms' },
  ruleSyncP99Ms: { measurement: 'ruleSync', key: 'syncP99Ms' },
  apiMutatingP99Ms: { measurement: 'controlPlane', key: 'apiMutatingP99Ms' },
  dnsP99Ms: { measurement: 'dns', key: 'p99Ms' },
};

/** A verdict for every SLO with a threshold (or only those named), in sloSources order. */
export function sloVerdicts(
  slos: Scenario['slos'],
  measurements: readonly MeasurementResult[],
  only?: readonly SloName[],
): SloVerdict[] {
  return (Object.keys(sloSources) as SloName[])
    .filter((name) => slos[name] !== undefined && (!only || only.includes(name)))
    .map((name) => {
      const { measurement, key } = sloSources[name];
      const thresholdMs = slos[name]!;
      const valueMs = measurements.find((m) => m.name === measurement)?.summary[key] ?? null;
      return { name, thresholdMs, valueMs, passed: valueMs === null ? null : valueMs <= thresholdMs };
    });
}
