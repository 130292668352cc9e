/**
 * The report pages in a real browser (Debian's chromium, driven by playwright-core): every request the page
 * makes is routed and any that is not the page itself fails the test; no console errors; every chart has its
 * SVG; axe-core finds no serious or critical accessibility violations; hostile strings render as text. A
 * screenshot of each page is kept in test-artifacts/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { classifyResultsFile, readResults } from '../../reports/read-results.ts';
import { renderComparison } from '../../reports/render.ts';
import { renderSite } from '../../reports/site.ts';
import { hostile, syntheticResults } from '../../reports/testdata/synthetic.ts';
import { wideResults } from '../../reports/testdata/wide.ts';
import { scalelab } from './helpers.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const examples = join(repo, 'docs/results');
const artifacts = join(repo, 'test-artifacts');
const chromiumPath = '/usr/bin/chromium';
// No internet here: without these chromium tries to reach Google (updates, sync, field trials).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const origin = 'http://report.invalid';

interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens html as origin/name in ctx, serving nothing else: every other request is recorded and aborted. */
async function open(ctx: BrowserContext, name: string, html: string): Promise<Opened> {
  const page = await ctx.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const url = `${origin}/${name}`;
  await page.route('**/*', (route) => {
    if (route.request().url() === url)
      return route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' });
    requests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url);
  await page.waitForLoadState('load');
  return { page, errors, requests };
}

describe('report pages in headless Chromium', { timeout: 900_000 }, () => {
  let browser: Browser;
  let strict: BrowserContext;
  let audit: BrowserContext;
  const axeSource = readFileSync(join(repo, 'node_modules/axe-core/axe.min.js'), 'utf8');
  const pages: { name: string; html: string; charted: boolean }[] = [];

  before(async () => {
    assert.ok(
      existsSync(chromiumPath),
      `${chromiumPath} is missing: \`node runners/scalelab.js build\` installs it`,
    );
    mkdirSync(artifacts, { recursive: true });
    // The newest shipped run of each scenario: every kind of page, in a third of the time of all 20-odd (the
    // unit tests render every shipped file; here each page costs a browser load and an axe audit).
    const newestByScenario = new Map<string, string>();
    for (const f of readdirSync(examples).sort())
      if (f.endsWith('.json') && !f.startsWith('lab-up-'))
        newestByScenario.set(f.replace(/-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/, ''), f);
    const runs = [...newestByScenario.values()];
    for (const f of runs) {
      const results = readResults(join(examples, f));
      pages.push({
        name: f.replace(/\.json$/, '.html'),
        html: await renderComparison([results]),
        // A run whose variants all failed before measuring (scale-5000 here) has no chart to show.
        charted: results.variants.some((v) => v.measurements.length > 0),
      });
    }
    pages.push({ name: 'synthetic.html', html: await renderComparison([syntheticResults()]), charted: true });
    // Twelve variants, a 60-line panic as one's error, long paths in a reason: the page must still not scroll.
    pages.push({ name: 'wide.html', html: await renderComparison([wideResults()]), charted: true });
    const site = await renderSite(readdirSync(examples).map((f) => classifyResultsFile(join(examples, f))));
    pages.push({ name: 'site-index.html', html: site[0]!.html!, charted: true });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    // The pages' CSP forbids every script; axe is a script, so it runs in a context that bypasses the CSP.
    strict = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    audit = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  });

  after(async () => {
    await browser?.close();
  });

  test('every page: no request leaves it, no console error, no script, every chart has its SVG, nothing wider than 1,280 px', async () => {
    for (const { name, html, charted } of pages) {
      const { page, errors, requests } = await open(strict, name, html);
      assert.deepEqual(requests, [], `${name} made requests`);
      assert.deepEqual(errors, [], `${name} logged errors`);
      assert.equal(await page.evaluate<number>('document.scripts.length'), 0, `${name} has scripts`);
      const charts = await page.$$eval('figure.chart', (fs) =>
        fs.map((f) => {
          const svg = f.querySelector(':scope > svg');
          return {
            svg: !!svg,
            width: svg?.getBoundingClientRect().width ?? 0,
            caption: !!f.querySelector('figcaption'),
          };
        }),
      );
      if (charted) assert.ok(charts.length >= 2, `${name}: ${charts.length} charts`);
      for (const c of charts)
        assert.deepEqual({ ...c, width: c.width > 100 }, { svg: true, width: true, caption: true });
      // No page scrolls sideways at 1,280 px: no element reaches past the viewport.
      // A string, not a function: this project's TypeScript has no DOM types.
      const wide = await page.evaluate<{ scrollWidth: number; width: number; elements: string[] }>(`(() => {
        const width = document.documentElement.clientWidth;
        const elements = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.right > width + 0.5 || r.left < -0.5)
            elements.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' right ' +
              Math.round(r.right) + ': ' + (el.textContent || '').trim().slice(0, 60));
        }
        return { scrollWidth: document.documentElement.scrollWidth, width, elements: elements.slice(0, 5) };
      })()`);
      assert.equal(wide.width, 1280, name);
      assert.deepEqual(wide.elements, [], `${name}: elements wider than the viewport`);
      assert.ok(wide.scrollWidth <= wide.width, `${name}: the page is ${wide.scrollWidth} px wide`);
      await page.screenshot({ path: join(artifacts, name.replace(/\.html$/, '.png')), fullPage: true });
      await page.close();
    }
  });

  test('a long error is folded: its first lines in the cell, the rest in a <details>', async () => {
    const { html } = pages.find((p) => p.name === 'wide.html')!;
    const { page } = await open(strict, 'wide.html', html);
    const cell = page.locator('td.why', { hasText: 'flannel on real-node-2 exited' });
    assert.equal(await cell.count(), 1);
    assert.equal(await cell.locator('details').count(), 1);
    assert.equal(await cell.locator('details pre').isVisible(), false, 'folded until opened');
    assert.match((await cell.locator('details summary').textContent()) ?? '', /^the rest \(\d+ lines\)$/);
    assert.equal(
      await cell.locator('a').getAttribute('href'),
      'quick-2026-11-25T14-35-39-915Z-artifacts/vxlan.nftables.coredns/',
    );
    await page.close();
  });

  test('hostile strings render as text: no element, no dialog', async () => {
    const { html } = pages.find((p) => p.name === 'synthetic.html')!;
    const { page, errors } = await open(strict, 'hostile.html', html);
    assert.equal(await page.locator('h1').textContent(), `scalelab report: ${hostile}`);
    assert.equal(await page.evaluate<number>("document.querySelectorAll('img, script, iframe').length"), 0);
    const svgText = await page.$$eval('figure.chart svg text', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(
      svgText.some((t) => t.includes('<script>alert("phase")</script>')),
      'a phase name drawn as text',
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('axe-core finds no serious or critical accessibility violations', async (t) => {
    for (const { name, html } of pages) {
      const { page } = await open(audit, name, html);
      await page.addScriptTag({ content: axeSource });
      // A string, not a function: this project's TypeScript has no DOM types. Violations only: by default axe
      // also details every node that passed.
      const violations = await page.evaluate<AxeViolation[]>(
        'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) })))',
      );
      const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
      if (minor.length) t.diagnostic(`${name}: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
      assert.deepEqual(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        [],
        name,
      );
      await page.close();
    }
  });

  test('`scalelab report --latest` writes the page, JUnit and PerfData, and prints the path', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-report-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    // A results directory of its own: docs/results grows, and its newest run need not be a quick one.
    const runs = mkdtempSync(join(tmpdir(), 'scalelab-runs-'));
    t.after(() => rmSync(runs, { recursive: true, force: true }));
    for (const f of ['quick-2026-11-25T13-33-16-799Z.json', 'quick-2026-11-25T14-35-39-915Z.json'])
      copyFileSync(join(examples, f), join(runs, f));
    const baseline = join(examples, 'quick-2026-11-25T13-33-16-799Z.json');
    const r = await scalelab(['report', '--latest', runs, '--baseline', baseline, '--out', out], 120_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^report: ${join(out, 'index.html')}$`, 'm'));
    const files = readdirSync(out);
    assert.ok(files.includes('index.html') && files.includes('junit.xml'));
    assert.ok(files.some((f) => /^NetworkProgrammingLatency_quick_.*\.json$/.test(f)));
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /scalelab report: quick/);
    assert.match(html, /Against the baseline/);
    const bad = await scalelab([
      'report',
      join(
        examples,
        readdirSync(examples).find((f) => f.startsWith('lab-up-'))!,
      ),
      '--out',
      out,
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /lab-up-[^:]*\.json: schema: "scalelab.bench.lab-up\/v1" is a lab-up benchmark/);
  });
});

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  /** The first few offending elements, as CSS selectors. */
  nodes: string[];
}
