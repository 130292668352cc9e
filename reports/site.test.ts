import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyResultsFile } from './read-results.ts';
import { renderSite, type SitePage } from './site.ts';
import { hostile } from './testdata/synthetic.ts';
import { night } from './testdata/nightly.ts';
import type { RunResults } from '../runners/results/schema.ts';

const examples = fileURLToPath(new URL('../docs/results/', import.meta.url));
const labUp = readdirSync(examples).find((f) => f.startsWith('lab-up-'))!;
describe('a 100-run site', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-site-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let cold: SitePage[];
  let coldMs: number;

  before(async () => {
    for (let i = 0; i < 100; i++) writeFileSync(join(dir, `quick-${i}.json`), JSON.stringify(night(i)));
    copyFileSync(join(examples, labUp), join(dir, labUp));
    const files = readdirSync(dir).map((f) => classifyResultsFile(join(dir, f)));
    const t = performance.now();
    cold = await renderSite(files);
    coldMs = performance.now() - t;
  });

  // Times are printed, not asserted (a test on a busy machine is not a benchmark): `npm run bench:site` is.
  test('an index and one page per run, none over 1 MB', (t) => {
    t.diagnostic(`cold build of 100 run pages and the index: ${Math.round(coldMs)} ms`);
    assert.equal(cold.length, 101);
    const sizes = cold.map((p) => Buffer.byteLength(p.html!));
    t.diagnostic(`largest page: ${Math.max(...sizes)} bytes (index ${sizes[0]})`);
    for (const [i, size] of sizes.entries()) assert.ok(size < 1_000_000, `${cold[i]!.path}: ${size} bytes`);
  });

  test('the index links every run page, draws the trends, and lists the file it did not read', () => {
    const index = cold[0]!.html!;
    for (const p of cold.slice(1)) assert.ok(index.includes(`href="${p.path}"`), p.path);
    assert.equal([...index.matchAll(/<figure class="chart">/g)].length, 4, 'programming, sync, connect, API');
    assert.match(index, /network programming p99 \(kube-proxy metric\) over time/);
    assert.match(index, /of them invalid \(crosses, not joined by the lines\)/);
    assert.match(
      index,
      new RegExp(
        `<code>[^<]*${labUp}</code>: schema: &quot;scalelab.bench.lab-up/v1&quot; is a lab-up benchmark`,
      ),
    );
    assert.match(index, /<span class="badge st-invalid">invalid<\/span>/, 'an invalid night is not a pass');
  });

  test('each run page is compared with the night before and links back', () => {
    const page = cold[50]!.html!;
    assert.match(page, /<a href="..\/index.html">/);
    assert.match(page, /Against the baseline/);
  });

  test('the nightly rebuild renders only the index and the new run', async (t) => {
    writeFileSync(join(dir, 'quick-100.json'), JSON.stringify(night(100)));
    const keys = new Map(
      cold.map((p) => [p.path, /name="scalelab-page-key" content="([0-9a-f]+)"/.exec(p.html!)?.[1]]),
    );
    const start = performance.now();
    const files = readdirSync(dir).map((f) => classifyResultsFile(join(dir, f)));
    const warm = await renderSite(files, { isCurrent: (path, key) => keys.get(path) === key });
    const ms = performance.now() - start;
    t.diagnostic(`rebuild with 101 runs (reading every file included): ${Math.round(ms)} ms`);
    assert.deepEqual(
      warm.filter((p) => p.html !== undefined).map((p) => p.path),
      ['index.html', warm.at(-1)!.path],
      'only the index and the new run',
    );
  });
});

test('`scalelab site` writes the pages, keeps the current ones, and escapes a hostile scenario name', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-site-cmd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'nightly'));
  const r = night(1);
  (r as { manifest: RunResults['manifest'] }).manifest = {
    ...r.manifest,
    scenario: { ...r.manifest.scenario, name: hostile },
  };
  writeFileSync(join(dir, 'nightly', 'a.json'), JSON.stringify(night(0)));
  writeFileSync(join(dir, 'nightly', 'b.json'), JSON.stringify(r));
  writeFileSync(join(dir, 'nightly', 'perf.json'), JSON.stringify({ version: 'v1', dataItems: [] }));
  const cli = fileURLToPath(new URL('../runners/scalelab.js', import.meta.url));
  const site = () =>
    execFileSync(process.execPath, [
      cli,
      'site',
      join(dir, 'nightly'),
      '--out',
      join(dir, 'site'),
    ]).toString();
  assert.match(
    site(),
    /2 runs; 3 pages written, 0 current pages kept, 0 files not read, 1 other JSON files ignored/,
  );
  assert.match(site(), /2 runs; 1 pages written, 2 current pages kept/);
  const index = readFileSync(join(dir, 'site', 'index.html'), 'utf8');
  assert.doesNotMatch(index, /<script/i);
  assert.match(index, /Scenario &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.equal(readdirSync(join(dir, 'site', 'runs')).length, 2);
});
