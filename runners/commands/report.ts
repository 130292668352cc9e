import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { RunResults } from '../results/schema.ts';
import { classifyResultsFile, readResults } from '../../reports/read-results.ts';
import { junitXml } from '../../reports/junit.ts';
import { perfDataFiles } from '../../reports/perfdata.ts';
import { rebaseArtifacts } from '../../reports/artifacts-link.ts';

interface ReportOptions {
  out: string;
  baseline: string[];
  latest?: string;
}

export function reportCommand(): Command {
  return new Command('report')
    .exitOverride()
    .description(
      'Render results files as one self-contained HTML page (variants side by side, SLO verdicts, charts), with JUnit XML and PerfData next to it',
    )
    .argument('[results...]', 'results files written by `scalelab run`')
    .requiredOption('--out <dir>', 'where index.html, junit.xml and the PerfData files go')
    .option(
      '--baseline <file>',
      'results to compare against; repeat for more repetitions',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--latest <dir>', 'also report the newest results file in this directory')
    .action(async (files: string[], opts: ReportOptions) => {
      const paths = [...files, ...(opts.latest ? [newestResults(opts.latest)] : [])];
      if (paths.length === 0)
        throw new UserError(
          'report: no results files given',
          'name them, or pass --latest DIR for the newest in DIR',
        );
      const out = resolve(opts.out);
      // Evidence directories are recorded relative to each results file; the page links them from `out`.
      const runs = paths.map((p) => rebaseArtifacts(readResults(p), resolve(p), out));
      const baseline = opts.baseline.map(readResults);
      // Loaded here, not at the top: vega and the templates would slow every other command's start.
      const { renderComparison } = await import('../../reports/render.ts');
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'index.html'), await renderComparison(runs, { baseline }));
      writeFileSync(join(out, 'junit.xml'), junitXml(runs));
      const perf = runs.flatMap(perfDataFiles);
      for (const p of perf) writeFileSync(join(out, p.name), `${JSON.stringify(p.data, null, 2)}\n`);
      process.stdout.write(
        `report: ${join(out, 'index.html')}\njunit: ${join(out, 'junit.xml')}\nperfdata: ${perf.length} files in ${out}\n`,
      );
    });
}

/** The results file in dir with the latest start time; other JSON files there are passed over. */
function newestResults(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch (err) {
    throw new UserError(
      `--latest ${dir}: cannot read the directory (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  let newest: { file: string; run: RunResults } | undefined;
  for (const name of names) {
    const r = classifyResultsFile(join(dir, name));
    if (r.kind !== 'results') continue;
    if (!newest || r.results.manifest.startedAt > newest.run.manifest.startedAt)
      newest = { file: r.file, run: r.results };
  }
  if (!newest)
    throw new UserError(`--latest ${dir}: no results file (schema scalelab.results/v1) in the directory`);
  return newest.file;
}
