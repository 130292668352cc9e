import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResults } from '../runners/results/schema.ts';
import { groupRuns } from './groups.ts';
import { renderComparison } from './render.ts';
import { answers } from './answers.ts';
import { sideBySide } from './variant-tables.ts';
import { compareVersions, kubernetesVersionsOf, withoutVersion } from './versions.ts';
import { exampleResults } from './testdata/synthetic.ts';

/**
 * n repetitions of a two-version run made from the example: every variant once on v1.36.3 and once on
 * v1.37.2, the newer one's rule-sync p50 scaled by `factor`.
 */
function twoVersionRuns(n: number, factor: number): RunResults[] {
  return Array.from({ length: n }, (_, i) => {
    const r = exampleResults();
    const at = (version: string, scale: number) =>
      r.variants.map((v) => {
        const copy = structuredClone(v);
        const m = copy.measurements.find((x) => x.name === 'ruleSync')!;
        (m.summary as Record<string, number>).syncP50Ms = 50 * scale + i;
        return { ...copy, id: `${version}/${v.id}`, variant: { ...v.variant, kubernetesVersion: version } };
      });
    const variants = [...at('v1.36.3', 1), ...at('v1.37.2', factor)];
    r.variants.splice(0, r.variants.length, ...variants);
    return r;
  });
}

describe('a run over two Kubernetes versions', () => {
  test('the versions, in run order, and ids without them', () => {
    const [s] = groupRuns(twoVersionRuns(1, 1));
    assert.deepEqual(kubernetesVersionsOf(s!), ['v1.36.3', 'v1.37.2']);
    assert.equal(withoutVersion('v1.37.2/direct.nftables.coredns'), 'direct.nftables.coredns');
    assert.equal(withoutVersion('direct.nftables.coredns'), 'direct.nftables.coredns');
  });

  test('side by side, each variant has its two versions in adjacent columns', () => {
    const [s] = groupRuns(twoVersionRuns(1, 1));
    const ids = sideBySide(s!).columns.map((c) => c.id);
    assert.equal(ids.length, s!.variants.length);
    for (let i = 0; i < ids.length; i += 2) {
      assert.match(ids[i]!, /^v1\.36\.3\//);
      assert.equal(ids[i + 1], ids[i]!.replace('v1.36.3', 'v1.37.2'));
    }
  });

  test('one run per version: the answer says it is too close to call and shows the medians', () => {
    const [s] = groupRuns(twoVersionRuns(1, 1.5));
    const a = answers(s!)[0]!;
    assert.match(a.question, /^Does the upgrade change anything \(v1\.36\.3 → v1\.37\.2\)\?$/);
    assert.match(a.lead, /^Too close to call with 1 run per variant and version\./);
    assert.match(
      a.detail,
      /Medians: direct\.iptables-nft\.coredns: kube-proxy metric p99 .*, sync p50 50 ms → 75 ms \(\+50%\)/,
    );
  });

  test('five runs per version: a slower v1.37.2 is a regression by the Mann–Whitney test', () => {
    const [s] = groupRuns(twoVersionRuns(5, 1.5));
    const [c] = compareVersions(s!);
    assert.equal(c!.from, 'v1.36.3');
    const sync = c!.comparison.variants[0]!.figures.find((f) => f.figure.key === 'syncP50Ms')!;
    assert.equal(sync.verdict, 'regression');
    assert.match(answers(s!)[0]!.lead, /^Yes: worse beyond run-to-run noise on \d+ figures?\.$/);
  });

  test('the page has the version table and stays byte-identical', async () => {
    const runs = twoVersionRuns(1, 1.5);
    const html = await renderComparison(runs);
    assert.match(html, /<h3 id="s0-upgrade-0">Kubernetes v1\.36\.3 → v1\.37\.2<\/h3>/);
    assert.match(html, /<th scope="col">v1\.36\.3 \(median, n\)<\/th>/);
    assert.match(html, /<dt>Does the upgrade change anything/);
    assert.equal(await renderComparison(runs), html);
  });

  test('a run on one version has no upgrade question or table', async () => {
    const html = await renderComparison([exampleResults()]);
    assert.doesNotMatch(html, /Does the upgrade change anything|upgrade-0/);
  });
});
