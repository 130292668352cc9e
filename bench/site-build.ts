/**
 * How long `scalelab site` takes for a 100-run nightly history (issue 6: under 2 s): the cold build (every
 * page rendered, in a fresh process, so no kept chart views and a cold JIT) and the nightly rebuild (one new run;
 * the other pages are current). Each round runs in its own child process; one JSON results file.
 *
 *   npm run bench:site -- [--runs 100] [--rounds 5] [--out results]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineFacts } from '../infra/lab/host-facts.ts';
import { classifyResultsFile } from '../reports/read-results.ts';
import { renderSite } from '../reports/site.ts';
import { night } from '../reports/testdata/nightly.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '5' },
    out: { type: 'string', default: 'results' },
    child: { type: 'string' },
  },
});
const runs = Number(values.runs);

if (values.child) {
  // One round: build the site of `runs` nights from nothing, then add a night and rebuild.
  const dir = values.child;
  const read = () => readdirSync(dir).map((f) => classifyResultsFile(join(dir, f)));
  let t = performance.now();
  const cold = await renderSite(read());
  const coldMs = performance.now() - t;
  writeFileSync(join(dir, `night-${runs}.json`), JSON.stringify(night(runs)));
  const keys = new Map(
    cold.map((p) => [p.path, /name="scalelab-page-key" content="([0-9a-f]+)"/.exec(p.html!)?.[1]]),
  );
  t = performance.now();
  const warm = await renderSite(read(), { isCurrent: (path, key) => keys.get(path) === key });
  const rebuildMs = performance.now() - t;
  rmSync(join(dir, `night-${runs}.json`));
  const largestPageBytes = Math.max(...cold.map((p) => Buffer.byteLength(p.html!)));
  const rendered = warm.filter((p) => p.html !== undefined).length;
  process.stdout.write(JSON.stringify({ coldMs, rebuildMs, pages: cold.length, rendered, largestPageBytes }));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-site-bench-'));
  for (let i = 0; i < runs; i++) writeFileSync(join(dir, `night-${i}.json`), JSON.stringify(night(i)));
  const rounds = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const load = loadavg()[0]!;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--runs', String(runs), '--child', dir],
      { encoding: 'utf8' },
    );
    rounds.push({ ...JSON.parse(out), loadAverageBefore: load });
    const last = rounds.at(-1)!;
    process.stdout.write(
      `round ${r + 1}: cold ${Math.round(last.coldMs)} ms (${last.pages} pages), rebuild ${Math.round(last.rebuildMs)} ms (${last.rendered} rendered), load ${load.toFixed(2)}\n`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results = {
    schema: 'scalelab.bench.site/v1',
    startedAt: new Date().toISOString(),
    command: `npm run bench:site -- --runs ${runs} --rounds ${values.rounds}`,
    machine: machineFacts(),
    runs,
    rounds,
    coldMedianMs: Math.round(median(rounds.map((r) => r.coldMs))),
    rebuildMedianMs: Math.round(median(rounds.map((r) => r.rebuildMs))),
  };
  mkdirSync(values.out!, { recursive: true });
  const file = join(values.out!, `site-build-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(
    `cold build of ${runs} run pages and the index: median ${results.coldMedianMs} ms; nightly rebuild: median ${results.rebuildMedianMs} ms\nresults: ${file}\n`,
  );
}
