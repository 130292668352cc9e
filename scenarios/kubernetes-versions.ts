import type { Scenario } from './schema.ts';
import type { Issue } from './schema-kit.ts';
import { kubernetesVersions } from '../infra/versions.ts';

/**
 * Every Kubernetes version a scenario names must be pinned in infra/versions.json: the lab can only run what
 * `scalelab build` compiled from a pin, and a typo must be refused before any lab starts, not after the
 * first variant ran.
 */
export function kubernetesVersionIssues(s: Scenario): Issue[] {
  const pinned = kubernetesVersions();
  const expected = `one of the pinned ${pinned.join(', ')} (infra/versions.json)`;
  const issues: Issue[] = [];
  const v = s.cluster.kubernetesVersion;
  if (v && !pinned.includes(v))
    issues.push({ path: ['cluster', 'kubernetesVersion'], message: `must be ${expected}, got "${v}"` });
  s.variants.kubernetes?.forEach((k, i) => {
    if (!pinned.includes(k))
      issues.push({ path: ['variants', 'kubernetes', i], message: `must be ${expected}, got "${k}"` });
    else if (s.variants.kubernetes!.indexOf(k) !== i)
      issues.push({ path: ['variants', 'kubernetes', i], message: `"${k}" is listed twice` });
  });
  if (v && s.variants.kubernetes)
    issues.push({
      path: ['cluster', 'kubernetesVersion'],
      message:
        'set either cluster.kubernetesVersion (one version) or variants.kubernetes (several), not both',
    });
  return issues;
}
