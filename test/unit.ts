/**
 * Every unit test file, imported into this one process. node --test gives each file it is handed a process of
 * its own, which here meant loading tsx and transpiling the shared modules once per file: 152 s (291 s of CPU)
 * for 90 files on 2 cores, against 74 s (105 s) in one process, on 2026-12-06. A file that sets process-wide
 * state before its imports (an environment variable a module reads once) has a line starting
 * `// unit: own process`; `npm run test:unit` hands those to node --test beside this one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../', import.meta.url));
const roots = ['infra', 'runners', 'scenarios', 'reports', 'bench'];
// The same test as the grep in package.json's test:unit.
const ownProcess = /^\/\/ unit: own process/m;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const shared = roots
  .flatMap((r) => testFiles(join(repo, r)))
  .filter((f) => !ownProcess.test(readFileSync(f, 'utf8')))
  .sort((a, b) => relative(repo, a).localeCompare(relative(repo, b)));
for (const f of shared) await import(pathToFileURL(f).href);
