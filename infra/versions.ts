import { readFileSync } from 'node:fs';

/** One Go module built from the module proxy: the programs (name → package path inside the module) it yields. */
export interface GoModulePin {
  readonly module: string;
  readonly version: string;
  /** For k8s.io/kubernetes: the v0.x tag of the staging modules that matches `version`. */
  readonly stagingVersion?: string;
  /** Dependencies raised above what upstream asks, where the proxy here lacks upstream's version. */
  readonly requireOverrides?: Readonly<Record<string, string>>;
  /** Upstream's own replace directives, which Go ignores outside the main module: the wrapper repeats them. */
  readonly replaces?: Readonly<Record<string, string>>;
  /** For k8s.io/kubernetes: further pinned versions (each with its staging tag), built on request. */
  readonly otherVersions?: Readonly<Record<string, { readonly stagingVersion: string }>>;

  readonly programs: Readonly<Record<string, string>>;
}

export interface Versions {
  /** The toolchain the builds need: `go` is the minimum Go version (checked before any build: go-check.ts). */
  readonly toolchain?: { readonly go: string };
  readonly go: Readonly<Record<string, GoModulePin>>;
  readonly debian: readonly string[];
  /** Debian packages a component group alone needs, installed when that group is built (cilium's clang-19). */
  readonly debianOptional?: Readonly<Record<string, readonly string[]>>;
}

/** infra/versions.json: the one file that pins every component. */
export const versions: Versions = JSON.parse(
  readFileSync(new URL('./versions.json', import.meta.url), 'utf8'),
);

export function pin(group: string): GoModulePin {
  const p = versions.go[group];
  if (!p) throw new Error(`infra/versions.json has no pin named "${group}"`);
  return p;
}

/** Every pinned Kubernetes version, the default (what every lab runs unless told) first. */
export function kubernetesVersions(): string[] {
  const k = pin('kubernetes');
  return [k.version, ...Object.keys(k.otherVersions ?? {})];
}

/** The kubernetes pin at one of its pinned versions (the default when none is named). */
export function kubernetesPin(version?: string): GoModulePin {
  // Without the list of other versions (and the comment), so a version's build stamp does not change when
  // another version is pinned.
  const { otherVersions, $comment: _, ...base } = pin('kubernetes') as GoModulePin & { $comment?: string };
  if (!version || version === base.version) return base;
  const other = otherVersions?.[version];
  if (!other)
    throw new Error(
      `Kubernetes ${version} is not pinned in infra/versions.json (pinned: ${kubernetesVersions().join(', ')})`,
    );
  return { ...base, version, stagingVersion: other.stagingVersion };
}
