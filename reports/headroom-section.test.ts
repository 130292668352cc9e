import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderComparison } from './render.ts';
import { exampleResults, hostileId } from './testdata/synthetic.ts';
import type { HeadroomResult, HeadroomStep, RunResults } from '../runners/results/schema.ts';

function step(value: number, apiMs: number, programmingMs: number): HeadroomStep {
  const slo = (name: string, thresholdMs: number, valueMs: number) => ({
    name,
    thresholdMs,
    valueMs,
    passed: valueMs <= thresholdMs,
  });
  return {
    value,
    slos: [slo('networkProgrammingP99Ms', 10_000, programmingMs), slo('apiMutatingP99Ms', 1000, apiMs)],
    validity: { valid: true, reasons: [] },
    summaries: {},
    seconds: 30,
  };
}

/** The example run with a headroom search on its first two variants, the first under a hostile id. */
function withHeadroom(): RunResults {
  const r = exampleResults();
  const search = (steps: HeadroomStep[], summary: string): HeadroomResult => ({
    vary: 'churnRate',
    unit: 'changes per second',
    max: 140,
    slos: ['apiMutatingP99Ms', 'networkProgrammingP99Ms'],
    steps,
    knee: {
      stop: 'slo-broke',
      lastPassing: steps.at(-2)!.value,
      firstFailing: steps.at(-1)!.value,
      broken: [],
      summary,
    },
  });
  r.variants[0] = { ...r.variants[0]!, id: hostileId };
  r.variants[0]!.headroom = search(
    [step(20, 300, 2000), step(35, 700, 2500), step(50, 1400, 3000)],
    'apiMutatingP99Ms broke (1,400 ms > 1,000 ms) at 50 changes per second; held at 35 changes per second',
  );
  r.variants[1]!.headroom = search([step(20, 250, 1500), step(35, 1200, 1800)], 'broke at 35; held at 20');
  return r;
}

test('a headroom search: the knee per variant, a table of its steps, a chart per SLO with its threshold', async () => {
  const html = await renderComparison([withHeadroom()]);
  assert.match(html, /Headroom: where an SLO breaks/);
  assert.match(html, /held at 35 changes per second\./);
  assert.match(html, /<td>1\.4 s \(≤ 1 s\)<\/td>/);
  for (const name of ['apiMutatingP99Ms', 'networkProgrammingP99Ms']) {
    const chart = new RegExp(
      `<svg role="img" aria-label="${name} against the churn rate"[\\s\\S]*?</svg>`,
    ).exec(html);
    assert.ok(chart, `a chart for ${name}`);
    assert.match(chart[0], /changes per second/, 'the x axis in the step unit');
    assert.match(chart[0], /role-axis-title/);
  }
  assert.match(html, /n &#x3D; 5 steps/, 'sample counts in the caption');
  // The hostile variant id is text in the notes, the table caption and the chart legend.
  assert.doesNotMatch(html, /<img/i);
  assert.ok(html.includes('&quot;&gt;&lt;img src&#x3D;x') || html.includes('"&gt;&lt;img src=x'));
});

test('a run without a headroom search has no headroom section', async () => {
  assert.doesNotMatch(await renderComparison([exampleResults()]), /Headroom: where an SLO breaks/);
});
