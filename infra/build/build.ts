import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { kubernetesVersions, versions } from '../versions.ts';
import { timedStep, type Log } from '../../runners/events.ts';
import { UserError } from '../../runners/errors.ts';
import { kubernetesRecipe, onDemandRecipes, recipes, type GoRecipe } from './recipes.ts';
import { buildGoGroup, groupDir, isBuilt } from './go-build.ts';
import { ensureDebianPackages } from './debian.ts';
import { requireGo } from './go-check.ts';

/** Every group `build` knows: the default ones, then those built only when named (kube-burner, cilium). */
const knownRecipes = (): readonly GoRecipe[] => [...recipes, ...onDemandRecipes];

/**
 * Path of a built program, e.g. binPath('kube-apiserver'); a Kubernetes program comes from the pinned
 * `kubernetesVersion` (the default pin when absent). Throws a UserError naming the build command if absent.
 */
export function binPath(program: string, kubernetesVersion?: string): string {
  let recipe = knownRecipes().find((r) => program in r.pin.programs);
  if (!recipe) throw new Error(`no pinned component provides "${program}"`);
  if (recipe.group === 'kubernetes') recipe = kubernetesRecipe(kubernetesVersion);
  const p = join(groupDir(recipe), 'bin', program);
  if (!existsSync(p)) {
    const other = recipe.pin.version !== kubernetesVersions()[0] && recipe.group === 'kubernetes';
    const onDemand = onDemandRecipes.some((r) => r.group === recipe.group);
    throw new UserError(
      `${program} ${recipe.pin.version} is not built`,
      `run: npx scalelab build${other ? ` --kubernetes ${recipe.pin.version}` : onDemand ? ` ${recipe.group}` : ''}`,
    );
  }
  return p;
}

/**
 * The programs a lab runs at its Kubernetes version. agnhost (a test image the node agent runs) and kubectl
 * stay at the default pin: they are tools around the cluster, not the cluster being upgraded.
 */
export const versionedPrograms = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
] as const;

/** Refuses, before any lab starts, a run whose Kubernetes versions are not all built (naming the build command). */
export function requireKubernetesBuilt(kubernetesVersions: readonly string[]): void {
  for (const v of kubernetesVersions) for (const p of versionedPrograms) binPath(p, v);
}

/** Path of a file the build copied out of a module's source (kwok's stages). */
export function sharePath(group: string, file: string): string {
  const recipe = recipes.find((r) => r.group === group);
  if (!recipe) throw new Error(`no pinned component group "${group}"`);
  return join(groupDir(recipe), 'share', file);
}

/**
 * Installs the Debian packages and builds the pinned Go components: every default group, or only `only`
 * (which may name the on-demand groups, kube-burner and cilium, that a default build skips); idempotent.
 * Kubernetes is built at the default pin, plus each of `kubernetes` (other pinned versions, 'all' for every
 * one): a further version costs ~4 min cold on 2 cores, so only a run that compares versions asks for it.
 * Go is checked before anything starts when anything is left to compile (go-check.ts).
 */
export async function buildAll(
  log: Log,
  opts: { only?: readonly string[]; kubernetes?: readonly string[]; signal?: AbortSignal } = {},
) {
  const chosen = chooseRecipes(opts.only ?? []);
  chosen.push(...otherKubernetesRecipes(opts.kubernetes ?? []));
  if (chosen.some((r) => !isBuilt(r))) {
    const go = requireGo();
    log({ kind: 'info', message: `go ${go} (infra/versions.json asks for ≥ ${versions.toolchain?.go})` });
  }
  await timedStep(log, 'Debian packages', () => ensureDebianPackages(versions.debian, log, opts.signal));
  // A group's own packages (cilium's clang-19, 337 MB) only when that group is built.
  const optional = chosen.flatMap((r) => versions.debianOptional?.[r.group] ?? []);
  if (optional.length)
    await timedStep(log, 'Debian packages (optional)', () =>
      ensureDebianPackages(optional, log, opts.signal),
    );
  for (const [i, recipe] of chosen.entries()) {
    const step = `[${i + 1}/${chosen.length}] ${recipe.group} ${recipe.pin.version}`;
    const t0 = performance.now();
    log({ kind: 'step', step, status: 'start' });
    const how = await buildGoGroup(recipe, log, opts.signal);
    const seconds = (performance.now() - t0) / 1000;
    log({
      kind: 'step',
      step,
      status: how === 'cached' ? 'skip' : 'done',
      seconds,
      detail: how === 'cached' ? 'already built' : undefined,
    });
  }
}

/** The default groups, or exactly the named ones (default or on demand); an unknown name is refused. */
export function chooseRecipes(only: readonly string[]): GoRecipe[] {
  if (only.length === 0) return [...recipes];
  const known = knownRecipes();
  const unknown = only.filter((g) => !known.some((r) => r.group === g));
  if (unknown.length)
    throw new UserError(
      `unknown component ${unknown.join(', ')}`,
      `known: ${recipes.map((r) => r.group).join(', ')}; on demand: ${onDemandRecipes.map((r) => r.group).join(', ')}`,
    );
  return known.filter((r) => only.includes(r.group));
}

/** Recipes for the requested non-default Kubernetes versions; an unpinned one is refused before any build. */
function otherKubernetesRecipes(requested: readonly string[]): GoRecipe[] {
  const pinned = kubernetesVersions();
  const wanted = requested.includes('all') ? pinned : requested;
  const unknown = wanted.filter((v) => !pinned.includes(v));
  if (unknown.length)
    throw new UserError(
      `--kubernetes ${unknown.join(',')}: not pinned in infra/versions.json`,
      `pinned: ${pinned.join(', ')}`,
    );
  return [...new Set(wanted)].filter((v) => v !== pinned[0]).map((v) => kubernetesRecipe(v));
}
