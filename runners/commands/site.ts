import { closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { classifyResultsFile } from '../../reports/read-results.ts';
import { rebaseArtifacts } from '../../reports/artifacts-link.ts';

export function siteCommand(): Command {
  return new Command('site')
    .exitOverride()
    .description(
      'Build the site of many runs: an index with trends over time, and a page per run compared with the run before it',
    )
    .argument('<dirs...>', 'directories searched for results files (subdirectories too)')
    .requiredOption('--out <dir>', 'where index.html and runs/*.html go')
    .action(async (dirs: string[], opts: { out: string }) => {
      const out = resolve(opts.out);
      const found = dirs.flatMap((d) => jsonFiles(resolve(d), out)).map(classifyResultsFile);
      // JSON with no `schema` (PerfData written by `report`, other tools' files) is not a results file gone
      // wrong; only scalelab documents the site cannot read are listed on the index.
      const files = found
        .filter((f) => f.kind === 'results' || f.schema !== undefined)
        // Evidence links are recorded relative to each results file; run pages live in OUT/runs/.
        .map((f) =>
          f.kind === 'results' ? { ...f, results: rebaseArtifacts(f.results, f.file, join(out, 'runs')) } : f,
        );
      const { renderSite } = await import('../../reports/site.ts');
      const started = performance.now();
      const pages = await renderSite(files, { isCurrent: (path, key) => pageKeyOf(join(out, path)) === key });
      let written = 0;
      for (const p of pages) {
        if (p.html === undefined) continue;
        mkdirSync(dirname(join(out, p.path)), { recursive: true });
        writeFileSync(join(out, p.path), p.html);
        written++;
      }
      const runs = files.filter((f) => f.kind === 'results').length;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      process.stdout.write(
        `site: ${join(out, 'index.html')}\n${runs} runs; ${written} pages written, ${pages.length - written} current pages kept, ${files.length - runs} files not read, ${found.length - files.length} other JSON files ignored; ${seconds} s\n`,
      );
    });
}

/** *.json under dir, depth first, skipping hidden directories, node_modules and the site's own directory. */
function jsonFiles(dir: string, skip: string, depth = 0): string[] {
  if (depth === 0 && !statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UserError(`site: ${dir} is not a directory`, 'give directories that hold results files');
  if (dir === skip || depth > 6) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      // `<run>-artifacts/` holds a failed variant's evidence (lab state, status JSON), never results.
      if (e.name.startsWith('.') || e.name === 'node_modules' || e.name.endsWith('-artifacts')) return [];
      const path = join(dir, e.name);
      if (e.isDirectory()) return jsonFiles(path, skip, depth + 1);
      return e.isFile() && e.name.endsWith('.json') ? [path] : [];
    });
}

/** The page key written into an existing page's head, or undefined when there is no such page. */
function pageKeyOf(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(2048);
    const n = readSync(fd, head, 0, head.length, 0);
    return /<meta name="scalelab-page-key" content="([0-9a-f]+)">/.exec(head.toString('utf8', 0, n))?.[1];
  } finally {
    closeSync(fd);
  }
}
