/**
 * The most Services a scenario can have at once: what a service proxy with fixed-size tables (Cilium's BPF
 * service map) must be sized for before the lab starts. An upper bound: deletes are not subtracted.
 */
import { stepPhases, stepValues } from './headroom-plan.ts';
import type { Phase, Scenario } from './schema.ts';

const servicesCreated = (phases: readonly Phase[]) =>
  phases.flatMap((p) => p.churn).reduce((n, c) => n + (c.kind === 'services' ? c.count : 0), 0);

export function peakServices(s: Scenario): number {
  const h = s.headroom;
  if (!h) return s.background.services + servicesCreated(s.phases);
  // A headroom search runs the phases once per step in the same lab, and may first grow the cluster.
  const values = stepValues(h);
  const start = h.vary === 'services' ? Math.max(s.background.services, ...values) : s.background.services;
  return start + values.reduce((n, v) => n + servicesCreated(stepPhases(s, h, v)), 0);
}
