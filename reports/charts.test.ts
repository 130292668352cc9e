import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropKeptViews } from './charts.ts';
import { readResults } from './read-results.ts';
import { renderComparison } from './render.ts';
import type { RunResults } from '../runners/results/schema.ts';

const examples = fileURLToPath(new URL('../docs/results/', import.meta.url));
const runs: RunResults[] = readdirSync(examples)
  .filter((f) => f.endsWith('.json') && !f.startsWith('lab-up-'))
  .map((f) => readResults(join(examples, f)));

test('a chart drawn by a kept view is the one a fresh view draws, byte for byte', async () => {
  // Each page alone, from fresh views: the reference.
  const fresh = new Map<RunResults, string>();
  for (const run of runs) {
    dropKeptViews();
    fresh.set(run, await renderComparison([run], { baseline: [runs[0]!] }));
  }
  // Then every page twice over, forwards and backwards, by views that drew the other runs' charts before.
  dropKeptViews();
  for (const run of [...runs, ...[...runs].reverse()])
    assert.equal(
      await renderComparison([run], { baseline: [runs[0]!] }),
      fresh.get(run),
      `${run.manifest.scenario.name} ${run.manifest.startedAt}`,
    );
});
