import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { versions } from '../versions.ts';
import { timedStep, type Log } from '../../runners/events.ts';
import { UserError } from '../../runners/errors.ts';
import { recipes } from './recipes.ts';
import { buildGoGroup, groupDir } from './go-build.ts';
import { ensureDebianPackages } from './debian.ts';

/** Path of a built program, e.g. binPath('kube-apiserver'); throws a UserError naming the build command if absent. */
export function binPath(program: string): string {
  const recipe = recipes.find((r) => program in r.pin.programs);
  if (!recipe) throw new Error(`no pinned component provides "${program}"`);
  const p = join(groupDir(recipe), 'bin', program);
  if (!existsSync(p))
    throw new UserError(`${program} ${recipe.pin.version} is not built`, 'run: npx scalelab build');
  return p;
}

/** Path of a file the build copied out of a module's source (kwok's stages). */
export function sharePath(group: string, file: string): string {
  const recipe = recipes.find((r) => r.group === group);
  if (!recipe) throw new Error(`no pinned component group "${group}"`);
  return join(groupDir(recipe), 'share', file);
}

/** Installs the Debian packages and builds every pinned Go component (or only `only`); idempotent. */
export async function buildAll(log: Log, opts: { only?: readonly string[]; signal?: AbortSignal } = {}) {
  await timedStep(log, 'Debian packages', () => ensureDebianPackages(versions.debian, log, opts.signal));
  const chosen = opts.only?.length ? recipes.filter((r) => opts.only!.includes(r.group)) : recipes;
  if (opts.only?.length && chosen.length !== opts.only.length) {
    const known = recipes.map((r) => r.group).join(', ');
    throw new UserError(`unknown component in --only ${opts.only.join(',')}`, `known: ${known}`);
  }
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
