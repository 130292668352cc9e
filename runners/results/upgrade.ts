/**
 * Older results files brought up to the current definition (definition.ts), so every report reads one shape.
 * Each step takes one version to the next and says only what that version left out; a reader runs them in
 * turn. Files from a version not listed here are refused by the reader.
 */
import { resultsSchemaVersion } from './definition.ts';

type Doc = Record<string, unknown>;

/**
 * v1 → v2 (2026-12-05, measurement details typed): v1 files may lack a variant's Kubernetes version (runs
 * before two-version runs ran the one pin their manifest names), the background's namespace count (1 before
 * it could be spread), and the per-phase lists that later measurements added (none were taken then).
 */
function v1ToV2(doc: Doc): Doc {
  const manifest = isObject(doc.manifest) ? doc.manifest : {};
  const versions = isObject(manifest.versions) ? manifest.versions : {};
  const pinned = /v1\.\d+\.\d+/.exec(String(versions['kube-apiserver'] ?? ''))?.[0];
  const withVersion = (x: unknown) => {
    if (isObject(x) && isObject(x.variant) && x.variant.kubernetesVersion === undefined && pinned)
      x.variant.kubernetesVersion = pinned;
  };
  const lists: Record<string, string> = {
    ruleSync: 'phases',
    controlPlane: 'byPhase',
    connectionLatency: 'bySize',
  };
  for (const s of arrayOf(doc.skipped)) withVersion(s);
  for (const v of arrayOf(doc.variants)) {
    withVersion(v);
    if (!isObject(v)) continue;
    if (isObject(v.background)) v.background.namespaces ??= 1;
    for (const m of arrayOf(v.measurements)) {
      const list = isObject(m) ? lists[String(m.name)] : undefined;
      if (list && isObject(m) && isObject(m.details)) m.details[list] ??= [];
    }
  }
  return { ...doc, schema: 'scalelab.results/v2' };
}

/** Each known older version's step to the next. */
const steps: Record<string, (doc: Doc) => Doc> = { 'scalelab.results/v1': v1ToV2 };

/** The versions a reader upgrades from, oldest first. */
export const upgradableVersions = Object.keys(steps);

/**
 * The document in the current version (a copy where anything changed), or undefined when its version is
 * neither current nor known. The caller validates the result against the definition.
 */
export function upgradeResults(doc: Doc): Doc | undefined {
  let d = doc;
  for (let guard = 0; d.schema !== resultsSchemaVersion; guard++) {
    const step = steps[String(d.schema)];
    if (!step || guard > upgradableVersions.length) return undefined;
    d = step(structuredClone(d));
  }
  return d;
}

function isObject(x: unknown): x is Doc {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function arrayOf(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
