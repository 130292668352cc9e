/**
 * What a side-by-side scenario (`variants.sideBySide`) cannot ask for: anything that acts on what the
 * variants of one lab share (the control plane, CoreDNS) on behalf of one of them, or that names a real node
 * by a number the variants would each read differently.
 */
import type { Issue } from './schema-kit.ts';
import type { Scenario } from './schema.ts';

/** DNS conditions that act on the shared CoreDNS: each variant's measurement would do it at once. */
const sharedDnsConditions = ['coredns-rollout', 'coredns-killed', 'coredns-down'];

export function sideBySideIssues(s: Scenario): Issue[] {
  if (!s.variants.sideBySide)
    return s.variants.sideBySideNodes === undefined
      ? []
      : [
          {
            path: ['variants', 'sideBySideNodes'],
            message: 'sets the real nodes of each variant sharing a lab: it needs variants.sideBySide: true',
          },
        ];
  const issues: Issue[] = [];
  const why = 'variants side by side share one lab';
  if (s.headroom)
    issues.push({
      path: ['headroom'],
      message: `a headroom search steps one variant's lab until it breaks: it cannot run with variants.sideBySide (${why})`,
    });
  s.phases.forEach((p, i) => {
    if (p.faults.length)
      issues.push({
        path: ['phases', i, 'faults'],
        message: `faults kill one lab process for all the variants on it: not with variants.sideBySide (${why})`,
      });
  });
  s.measurements.forEach((m, i) => {
    if (m.name !== 'dns') return;
    const shared = m.conditions.filter((c) => sharedDnsConditions.includes(c));
    if (shared.length)
      issues.push({
        path: ['measurements', i, 'conditions'],
        message: `${shared.join(', ')} act on CoreDNS, which the variants share: with variants.sideBySide use steady and nodelocal-killed only`,
      });
  });
  return issues;
}
