import { dirname, join, relative } from 'node:path';
import type { RunResults } from '../runners/results/schema.ts';

/**
 * A results file records its variants' evidence directories relative to itself (runners/run-outcome.ts); a
 * page written elsewhere (`report --out DIR`) links them relative to itself. Returns a copy, rebased.
 */
export function rebaseArtifacts(run: RunResults, resultsFile: string, pageDir: string): RunResults {
  if (!run.variants.some((v) => typeof v.artifacts === 'string')) return run;
  const variants = run.variants.map((v) =>
    typeof v.artifacts === 'string'
      ? { ...v, artifacts: relative(pageDir, join(dirname(resultsFile), v.artifacts)) }
      : v,
  );
  return { ...run, variants };
}
