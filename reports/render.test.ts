import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layout } from './helpers.ts';
import { readResults } from './read-results.ts';
import { measurementOf } from './figures.ts';
import { renderComparison } from './render.ts';
import { exampleResults, syntheticResults } from './testdata/synthetic.ts';

const examples = fileURLToPath(new URL('../docs/results/', import.meta.url));
const exampleFiles = readdirSync(examples).filter((f) => f.endsWith('.json') && !f.startsWith('lab-up-'));

/** Each <figure class="chart">: its SVG and its caption. */
function figures(html: string): { svg: string; caption: string }[] {
  return [...html.matchAll(/<figure class="chart">([\s\S]*?)<\/figure>/g)].map((m) => ({
    svg: /<svg[\s\S]*<\/svg>/.exec(m[1]!)?.[0] ?? '',
    caption: /<figcaption>([\s\S]*?)<\/figcaption>/.exec(m[1]!)?.[1] ?? '',
  }));
}

/** Nothing the page would load: no src, and every href is an anchor, the site index or a data: URL. */
function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /<script/i, 'no script');
  // Tags only: escaped text may well say "src=", a tag never may.
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi))
    assert.doesNotMatch(tag!, /\ssrc=/i, `loads nothing: ${tag}`);
  for (const [, href] of html.matchAll(/href="([^"]*)"/g))
    assert.match(href!, /^(#|data:|\.\.\/index\.html$)/, `href ${href}`);
}

describe('renderComparison of the shipped example results', () => {
  for (const file of exampleFiles)
    test(file, async () => {
      const results = readResults(join(examples, file));
      const html = await renderComparison([results]);
      assertSelfContained(html);
      assert.match(html, /<dt>Which proxy mode\?<\/dt>/);
      assert.match(html, /<dt>At this scale\?<\/dt>/);
      const charts = figures(html);
      const measuredAnything = results.variants.some((v) => v.measurements.length > 0);
      // A run whose variants all failed before measuring (scale-5000 here) has no chart, and says why.
      if (measuredAnything) assert.ok(charts.length >= 2, `${charts.length} charts`);
      else assert.match(html, /st-failed/);
      for (const c of charts) {
        assert.match(c.svg, /^<svg role="img" aria-label="[^"]+" /, 'every chart has its SVG, labelled');
        assert.match(c.svg, /class="mark-text role-axis-title"/, 'axes with titles');
        assert.match(c.svg, /role-title-text/, 'a title');
        assert.match(c.caption, /n &#x3D; \d/, `sample counts in "${c.caption}"`); // Handlebars escapes =
      }
      // What a run did not measure is said in a sentence, not left blank.
      const measured = new Set(results.variants.flatMap((v) => v.measurements.map((m) => m.name)));
      for (const name of ['connectionLatency', 'networkProgrammingLatency', 'ruleSync', 'dns'] as const)
        if (!measured.has(name)) assert.match(html, new RegExp(`This run has no ${name} measurement`));
      assert.match(html, /<h2 id="methodology">Methodology<\/h2>/);
      assert.match(html, /<h2 id="manifests">Run manifests<\/h2>/);
    });

  test('the quick run with connection latency has the latency chart, programming chart and timeline', async () => {
    const html = await renderComparison([exampleResults()]);
    const titles = figures(html).map((c) => /aria-label="([^"]+)"/.exec(c.svg)?.[1]);
    assert.deepEqual(titles, [
      'New-connection latency through a ClusterIP, per variant',
      'Network programming latency: kube-proxy’s metric beside the black-box probe',
      'Churn phases over time, with what was measured in each',
    ]);
    assert.match(html, /Every phase ended at 300 Services, so there is no curve against size to draw/);
    assert.match(html, /All 6 valid variants met all 2 SLOs\./);
  });

  test('cost-growth with three proxy modes: cilium’s map entries beside the rules, and a full map said so', async () => {
    const file = join(examples, 'cost-growth-2026-12-05T20-52-50-030Z.json');
    const html = await renderComparison([readResults(file)]);
    assert.match(
      html,
      /direct\.cilium\.coredns<\/td><td>to-10000<\/td><td>10,003<\/td>(<td>[^<]*<\/td>){4}<td>70,017<\/td>/,
    );
    assert.doesNotMatch(html, /service map is full/);
    // The same run had its map been the size of the entries it held at the end.
    const full = readResults(file);
    const cilium = full.variants.find((v) => v.id === 'direct.cilium.coredns')!;
    measurementOf(cilium, 'ruleSync')!.details!.phases.at(-1)!.capacity = 70_017;
    assert.match(await renderComparison([full]), /70,017: the service map is full \(its size: 70,017\)/);
  });

  test('a baseline comparison states the method and says when repetitions are too few', async () => {
    const older = readResults(
      join(
        examples,
        exampleFiles.find((f) => f.startsWith('quick-2026-11-25T13'))!,
      ),
    );
    const html = await renderComparison([exampleResults()], { baseline: [older] });
    assert.match(html, /Against the baseline/);
    assert.match(html, /two-sided Mann–Whitney U test/);
    assert.match(html, /not enough repetitions to judge/);
    assert.doesNotMatch(html, />regression</, 'one run each is never a regression');
    assert.match(html, /Only one side has connectionLatency/);
  });
});

describe('renderComparison of synthetic results (measurements and states the examples lack)', async () => {
  const html = await renderComparison([syntheticResults()]);

  test('DNS: both charts, the conditions, dnsperf and conntrack tables', () => {
    assert.match(html, /aria-label="DNS failure rate per condition and DNS mode"/);
    assert.match(html, /aria-label="DNS lookup latency \(p99\) per condition and DNS mode"/);
    assert.match(html, /<caption>DNS lookups by condition/);
    assert.match(html, /<caption>dnsperf against the cluster DNS/);
    assert.match(html, /<caption>conntrack -S counters/);
    assert.match(html, /<td>insert_failed<\/td><td>0<\/td><td>12<\/td><td>12<\/td>/);
  });

  test('connection latency against the number of Services, and during churn', () => {
    assert.match(html, /aria-label="First-packet latency against the number of Services, per proxy mode"/);
    assert.match(html, /<caption>New connections during endpoint churn/);
  });

  test('the timeline puts what was measured under each phase, DNS failures included', () => {
    const timeline = figures(html).find((f) => f.svg.includes('aria-label="Churn phases over time'))!;
    for (const axis of [
      'rule sync p50 (ms)',
      'connect p50 (ms)',
      'DNS failed lookups (fraction)',
      'churn achieved (changes/s)',
    ])
      assert.ok(timeline.svg.includes(axis), axis);
  });

  test('the node-local cache question is answered from the dns figures', () => {
    assert.match(
      html,
      /<dt>Does the node-local DNS cache pay off\?<\/dt>\s*<dd><strong>Too close to call with [^<]*nodelocal is lower on every figure/,
    );
  });

  test('invalid and failed variants are shown as such, never as passes', () => {
    // The id is cut after each dot, with a <wbr> offering a line break there (variant-tables.ts idParts).
    const row = (id: string) =>
      new RegExp(`<th scope="row">${id.replace(/\./g, '\\.<wbr>')}<wbr></th>[\\s\\S]*?</tr>`).exec(
        html,
      )?.[0] ?? '';
    assert.match(row('vxlan.nftables.coredns'), /invalid: not judged/);
    assert.match(row('vxlan.nftables.coredns'), /not judged \(invalid\)/);
    assert.doesNotMatch(row('vxlan.nftables.coredns'), /pass:/);
    assert.match(row('bgp.iptables-nft.coredns'), /not judged \(failed\)/);
    assert.doesNotMatch(row('bgp.iptables-nft.coredns'), /pass:/);
    assert.match(row('direct.nftables.coredns'), /FAIL: 31 s &gt; 30 s/);
    assert.match(html, /vxlan\.nftables\.coredns \(invalid\)/, 'labelled in charts and tables');
  });

  test('every user string is escaped, in the HTML and in the charts’ SVG', () => {
    assertSelfContained(html);
    assert.doesNotMatch(html, /<img/i);
    assert.match(html, /<h1>scalelab report: &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h1>/);
    assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/, 'validity reasons');
    const svgs = figures(html).map((f) => f.svg);
    assert.ok(svgs.every((s) => !/<script|<img|<b>/i.test(s)));
    assert.ok(
      svgs.some((s) => s.includes('&lt;script&gt;alert("phase")&lt;/script&gt;')),
      'a phase name in a chart legend, as text',
    );
    assert.ok(
      svgs.some((s) => s.includes('"&gt;&lt;img src=x')),
      'a variant id in a chart axis, as text',
    );
  });
});

test('templates are strict: a field the model lacks is an error, not an empty cell', () => {
  assert.throws(() => layout({ body: 'report' }), /not defined in/);
});
