/**
 * The traffic agent (runners/traffic/agent.ts and what it imports) as one CommonJS file, the form a Node 20
 * single-executable application runs. Two rewrites make the checkout's agent fit an image:
 * - agent.ts ends with a top-level `await`, which CommonJS cannot express: it becomes a promise chain with the
 *   same outcome (an error is printed and the exit code is 1, as an unhandled rejection does);
 * - `binPath` (infra/build/build.ts, the checkout's build cache) becomes image-bins.ts: the image's own layout;
 * - `run --profile <name>` imports runners/traffic/profiles/<name>.ts by path, which a bundle has no file for:
 *   every profile there is bundled and looked up by name (a profile given as a path still needs the file, and
 *   the image's Node loads only bundled code: in the image, profiles are the built-in ones).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const agentEntry = fileURLToPath(new URL('../../runners/traffic/agent.ts', import.meta.url));
const buildModule = fileURLToPath(new URL('../build/build.ts', import.meta.url));
const imageBins = fileURLToPath(new URL('./image-bins.ts', import.meta.url));
const topLevelAwait = 'await handler(rest);';
const profilesDir = fileURLToPath(new URL('../../runners/traffic/profiles/', import.meta.url));
const profileImport = 'const loaded = (await import(file)) as ProfileModule;';

/** Replaces `from` (which must occur once) in the file at path, or fails naming what changed. */
function rewrite(path: string, text: string, from: string, to: string): string {
  if (text.split(from).length !== 2)
    throw new Error(
      `${path}: expected "${from}" once (the agent's bundling in infra/image/bundle.ts relies on it)`,
    );
  return text.replace(from, to);
}

const imageLayout: Plugin = {
  name: 'scalelab-image-layout',
  setup(b) {
    b.onResolve({ filter: /infra\/build\/build\.ts$/ }, (args) =>
      resolve(args.resolveDir, args.path) === buildModule ? { path: imageBins } : undefined,
    );
    b.onLoad({ filter: /runners\/traffic\/agent\.ts$/ }, (args) => {
      const chain = 'handler(rest).catch((err) => { console.error(err); process.exit(1); });';
      return {
        contents: rewrite(args.path, readFileSync(args.path, 'utf8'), topLevelAwait, chain),
        loader: 'ts',
      };
    });
    b.onLoad({ filter: /runners\/traffic\/commands\/run-profile\.ts$/ }, (args) => {
      const names = readdirSync(profilesDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => f.slice(0, -3));
      const imports = names.map((n, i) => `import * as bundledProfile${i} from '../profiles/${n}.ts';`);
      const table = `const bundledProfiles: Record<string, unknown> = { ${names.map((n, i) => `${JSON.stringify(n)}: bundledProfile${i}`).join(', ')} };`;
      const lookup =
        'const loaded = (/^[\\w-]+$/.test(values.profile) ? await (bundledProfiles[values.profile] ?? ' +
        'Promise.reject(new Error(`run: no built-in profile "${values.profile}"; in the image: ${Object.keys(bundledProfiles).join(", ")}`))) ' +
        ': await import(file)) as ProfileModule;';
      // import.meta.url is empty in CommonJS: a bare name's path is not computed (the lookup above needs none).
      const byPath = 'fileURLToPath(new URL(`../profiles/${values.profile}.ts`, import.meta.url))';
      const read = readFileSync(args.path, 'utf8');
      const text = rewrite(args.path, rewrite(args.path, read, profileImport, lookup), byPath, "''");
      return { contents: [...imports, table, text].join('\n'), loader: 'ts' };
    });
  },
};

export interface Bundle {
  readonly code: string;
  /** sha256 of the code: the image's content key (a changed agent is a new image). */
  readonly sha256: string;
}

export async function bundleAgent(): Promise<Bundle> {
  const out = await build({
    entryPoints: [agentEntry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [imageLayout],
  });
  const code = out.outputFiles[0]!.text;
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}
