/**
 * `npm run build:cli`: the CLI compiled to JavaScript (an esbuild bundle, split so each command stays in its own
 * chunk and is loaded only when used), so a start does not compile TypeScript. runners/scalelab.js runs it only
 * while it is newer than every source it was built from (inputs.json); otherwise it falls back to tsx.
 *
 * Bundling moves code, so `import.meta.url` (how modules find versions.json, the report templates, the repo
 * root) is replaced by the source file's URL, relative to the bundle so a moved checkout still works.
 * Packages stay external: Node loads them from node_modules as before.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
/** Under node_modules: ignored by git and prettier, and rebuilt by `npm ci` (the prepare script). */
export const cliOutDir = `${root}node_modules/.cache/scalelab-cli/`;

const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      // Replaced in the syntax tree, not the text: a string that mentions import.meta.url stays as written.
      const { code } = await transform(text, {
        loader: 'ts',
        sourcefile: args.path,
        define: { 'import.meta.url': '__scalelabSourceUrl' },
      });
      const rel = relative(cliOutDir, args.path).split('\\').join('/');
      const url = `const __scalelabSourceUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n`;
      return { contents: url + code, loader: 'js' };
    });
  },
};

const startedAt = Date.now();
rmSync(cliOutDir, { recursive: true, force: true });
mkdirSync(cliOutDir, { recursive: true });
const result = await build({
  entryPoints: { cli: `${root}runners/cli.ts` },
  outdir: cliOutDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  plugins: [sourceUrls],
  logLevel: 'warning',
  // Input paths in the metafile are relative to this: the repo root, as scalelab.js resolves them.
  absWorkingDir: root,
});
// Built before any source's later edit: a source saved while the build ran counts as newer.
const inputs = Object.keys(result.metafile.inputs);
writeFileSync(`${cliOutDir}inputs.json`, JSON.stringify({ builtAtMs: startedAt, inputs }, null, 1) + '\n');
process.stderr.write(
  `build:cli: ${inputs.length} sources → ${relative(root, cliOutDir)}/cli.mjs (${Date.now() - startedAt} ms)\n`,
);
