/**
 * What a rendered page depends on besides its results: this directory's code and templates and the charting
 * and templating libraries. The site keys each run page on it, so a page is rendered again exactly when its
 * results or the renderer changed, and reused otherwise (a nightly rebuild renders one new page, not all).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const reportsDir = fileURLToPath(new URL('.', import.meta.url));
const libraries = ['handlebars', 'vega', 'vega-lite'];

let cached: string | undefined;

export function rendererFingerprint(): string {
  if (cached) return cached;
  const hash = createHash('sha256');
  for (const file of sourceFiles(reportsDir)) hash.update(file).update(readFileSync(join(reportsDir, file)));
  for (const lib of libraries) hash.update(`${lib}@${versionOf(lib)}`);
  cached = hash.digest('hex').slice(0, 16);
  return cached;
}

function versionOf(lib: string): string {
  try {
    const pkg = new URL(`../node_modules/${lib}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The renderer's own files, relative and sorted: sources and templates, not tests. */
function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => {
      const rel = join(prefix, e.name);
      if (e.isDirectory()) return sourceFiles(dir, rel);
      return /\.(ts|hbs)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [rel] : [];
    })
    .sort();
}
