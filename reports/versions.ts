/**
 * The pre-upgrade view of a run that ran its variants on several Kubernetes versions: each other version is
 * compared with the first one listed (the one running today), variant by variant, with the same
 * repetition-level Mann–Whitney test as a baseline comparison (baseline.ts). The first version plays the
 * baseline, the other the run under test: "would the upgrade regress anything?".
 */
import { compareWithBaseline, type BaselineComparison } from './baseline.ts';
import type { ScenarioGroup, VariantGroup } from './groups.ts';

export interface VersionComparison {
  readonly from: string;
  readonly to: string;
  readonly comparison: BaselineComparison;
}

/** The Kubernetes versions the scenario's variants ran, in the order they ran (the scenario's order). */
export function kubernetesVersionsOf(s: ScenarioGroup): string[] {
  return [...new Set(s.variants.map((g) => g.variant.kubernetesVersion).filter((v) => v !== undefined))];
}

/** `v1.37.2/direct.iptables-nft.coredns` → `direct.iptables-nft.coredns`: the variant apart from its version. */
export function withoutVersion(id: string): string {
  return id.replace(/^v\d+\.\d+\.\d+\//, '');
}

/** Each later version against the first; empty when the run had one version. */
export function compareVersions(s: ScenarioGroup): VersionComparison[] {
  const [from, ...others] = kubernetesVersionsOf(s);
  if (!from) return [];
  const base = atVersion(s, from);
  return others.map((to) => ({ from, to, comparison: compareWithBaseline(atVersion(s, to), base) }));
}

/** The scenario with only one version's variants, their ids without the version so the pairs match up. */
function atVersion(s: ScenarioGroup, version: string): ScenarioGroup {
  const variants: VariantGroup[] = s.variants
    .filter((g) => g.variant.kubernetesVersion === version)
    .map((g) => ({ ...g, id: withoutVersion(g.id) }));
  return { ...s, variants };
}

/** Variants with the same axes next to each other, versions in run order: the columns of a side-by-side table. */
export function pairedByVersion(s: ScenarioGroup): VariantGroup[] {
  const versions = kubernetesVersionsOf(s);
  if (versions.length < 2) return s.variants;
  const axes = [...new Set(s.variants.map((g) => withoutVersion(g.id)))];
  const paired = axes.flatMap((a) =>
    versions.flatMap((v) =>
      s.variants.filter((g) => withoutVersion(g.id) === a && g.variant.kubernetesVersion === v),
    ),
  );
  // Variants from older results files, which name no version, go last rather than vanish.
  return [...paired, ...s.variants.filter((g) => !paired.includes(g))];
}
