import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  copyFileSync,
  rmSync,
} from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { createHash } from 'node:crypto';
import { exec, output } from '../exec.ts';
import type { Log } from '../../runners/events.ts';
import { StepError } from '../../runners/errors.ts';
import { cacheRoot } from '../paths.ts';
import type { GoRecipe } from './recipes.ts';

/** ~/.cache/scalelab/<group>-<version>: bin/ holds the programs, share/ extra files, built.json the stamp. */
export function groupDir(recipe: GoRecipe): string {
  return join(cacheRoot, `${recipe.group}-${recipe.pin.version}`);
}

/** Builds one pinned module's programs, unless the stamp says this exact recipe is already built and checked. */
export async function buildGoGroup(
  recipe: GoRecipe,
  log: Log,
  signal?: AbortSignal,
): Promise<'built' | 'cached'> {
  const out = groupDir(recipe);
  const stampPath = join(out, 'built.json');
  const hash = recipeHash(recipe);
  if (isBuilt(recipe)) return 'cached';
  const { module, version } = recipe.pin;
  const step = `${recipe.group} ${version}`;
  try {
    const work = join(cacheRoot, 'build', `${recipe.group}-${version}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' };

    log({ kind: 'info', message: `${step}: resolving ${module}@${version} through the module proxy` });
    const upstreamMod = await downloadGoMod(module, version, env, signal);
    writeFileSync(join(work, 'go.mod'), wrapperGoMod(recipe, upstreamMod));
    const pkgs = Object.values(recipe.pin.programs).map((rel) => (rel ? `${module}/${rel}` : module));
    const overrides = Object.entries(recipe.pin.requireOverrides ?? {}).map(([m, v]) => `${m}@${v}`);
    if (overrides.length) await exec(['go', 'get', ...overrides], { cwd: work, env, signal });
    await exec(['go', 'get', '-tool', ...pkgs.map((p) => `${p}@${version}`)], { cwd: work, env, signal });
    const moduleDir = await output(['go', 'list', '-m', '-f', '{{.Dir}}', module], {
      cwd: work,
      env,
      signal,
    });

    const ldflags = ['-s', '-w', ...recipe.ldflags(moduleDir)].join(' ');
    const tags = recipe.tags?.length ? [`-tags=${recipe.tags.join(',')}`] : [];
    mkdirSync(join(out, 'bin'), { recursive: true });
    const names = Object.entries(recipe.pin.programs);
    for (const [i, [name, rel]] of names.entries()) {
      log({ kind: 'progress', step, done: i, total: names.length, detail: `compiling ${name}` });
      const pkg = rel ? `${module}/${rel}` : module;
      const tmp = join(out, 'bin', `.${name}.tmp`);
      await exec(['go', 'build', '-trimpath', ...tags, '-ldflags', ldflags, '-o', tmp, pkg], {
        cwd: work,
        env: { ...env, CGO_ENABLED: recipe.cgo ? '1' : '0' },
        signal,
      });
      renameSync(tmp, join(out, 'bin', name));
    }
    for (const rel of recipe.share ?? []) {
      const dest = join(out, 'share', basename(rel));
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(moduleDir, rel), dest);
    }
    const checked = await checkVersions(recipe, signal);
    writeFileSync(stampPath, JSON.stringify({ recipeHash: hash, module, version, checked }, null, 2) + '\n');
    return 'built';
  } catch (err) {
    throw new StepError(`building ${step} (${module})`, err);
  }
}

/** Whether this exact recipe is built and checked: its stamp matches and every program is there. */
export function isBuilt(recipe: GoRecipe): boolean {
  const out = groupDir(recipe);
  const stampPath = join(out, 'built.json');
  if (!existsSync(stampPath) || JSON.parse(readFileSync(stampPath, 'utf8')).recipeHash !== recipeHash(recipe))
    return false;
  return Object.keys(recipe.pin.programs).every((p) => existsSync(join(out, 'bin', p)));
}

/** Runs each program's version command; the output must name the pinned version. */
export async function checkVersions(recipe: GoRecipe, signal?: AbortSignal): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const [name, check] of Object.entries(recipe.versionChecks)) {
    const bin = join(groupDir(recipe), 'bin', name);
    const { stdout, stderr } = await exec([bin, ...check.args], { signal, allowFailure: true });
    const text = stdout + stderr;
    if (!text.includes(check.expect)) {
      throw new Error(
        `${name} ${check.args.join(' ')} printed "${text.trim().slice(0, 200)}", expected "${check.expect}"`,
      );
    }
    seen[name] = text.trim().split('\n')[0] ?? '';
  }
  return seen;
}

async function downloadGoMod(module: string, version: string, env: NodeJS.ProcessEnv, signal?: AbortSignal) {
  const info = JSON.parse(
    await output(['go', 'mod', 'download', '-json', `${module}@${version}`], { env, signal }),
  );
  if (info.Error) throw new Error(`the module proxy refused ${module}@${version}: ${info.Error}`);
  return readFileSync(info.GoMod, 'utf8');
}

/**
 * The wrapper module: `go install pkg@v` refuses modules with replace directives (k8s.io/kubernetes, etcd's
 * server), and k8s.io/kubernetes requires its staging modules at v0.0.0, which the proxy does not have. Pinning
 * each staging module to its published v0.x tag is the known way around both (kubernetes/kubernetes#79384).
 */
export function wrapperGoMod(recipe: GoRecipe, upstreamGoMod: string): string {
  const goLine = /^go (\S+)/m.exec(upstreamGoMod)?.[1] ?? '1.26.0';
  // The main module's godebug defaults decide runtime behaviour; keep upstream's, as its own build would.
  const godebug =
    /^godebug default=(\S+)/m.exec(upstreamGoMod)?.[1] ?? `go${goLine.split('.').slice(0, 2).join('.')}`;
  const lines = [
    `module scalelab.local/build/${recipe.group}`,
    '',
    `go ${goLine}`,
    '',
    `godebug default=${godebug}`,
    '',
  ];
  const staging = recipe.pin.stagingVersion ? stagingModules(upstreamGoMod) : [];
  const replaces = [
    ...staging.map((m) => `\t${m} => ${m} ${recipe.pin.stagingVersion}`),
    ...Object.entries(recipe.pin.replaces ?? {}).map(([m, v]) => `\t${m} => ${m} ${v}`),
  ];
  if (replaces.length) lines.push('replace (', ...replaces, ')', '');

  return lines.join('\n');
}

/** Every module the upstream go.mod requires at v0.0.0: the staging repos, derived rather than listed by hand. */
export function stagingModules(goMod: string): string[] {
  const found = new Set<string>();
  for (const m of goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s+v0\.0\.0\s*(\/\/.*)?$/gm)) found.add(m[1]!);
  return [...found].sort();
}

function recipeHash(recipe: GoRecipe): string {
  const { group, pin, tags, versionChecks, share, cgo } = recipe;
  return createHash('sha256')
    .update(JSON.stringify({ group, pin, tags, versionChecks, share, cgo, v: 1 }))
    .digest('hex')
    .slice(0, 16);
}
