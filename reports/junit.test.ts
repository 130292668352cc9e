import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { junitXml } from './junit.ts';
import { exampleResults, syntheticResults } from './testdata/synthetic.ts';
import type { RunResults } from '../runners/results/schema.ts';

/** Well-formed enough for CI parsers: every `<` opens a tag whose attribute values hold no `<`, `>` or `"`. */
function assertWellFormed(xml: string): void {
  const text = xml.replace(/<\?xml[^>]*\?>/, '');
  for (const m of text.matchAll(/<[^>]*>/g))
    assert.match(m[0], /^<\/?[a-zA-Z]+(\s+[a-zA-Z]+="[^"<>]*")*\s*\/?>$/, `tag ${m[0]}`);
  assert.doesNotMatch(text.replace(/<[^>]*>/g, ''), /[<>]/, 'no raw < or > in text');
  const open = [...text.matchAll(/<([a-zA-Z]+)[^>]*[^/]>/g)].map((m) => m[1]);
  const close = [...text.matchAll(/<\/([a-zA-Z]+)>/g)].map((m) => m[1]);
  assert.deepEqual(open.sort(), close.sort(), 'every element closed');
}

function testcases(xml: string, classname: string): string[] {
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="[^"]*"(\/>|>[\s\S]*?<\/testcase>)/g)]
    .filter((m) => m[1] === classname)
    .map((m) => m[0]);
}

describe('junitXml', () => {
  test('the example: one testcase per SLO per variant, skipped variants skipped', () => {
    const xml = junitXml([exampleResults()]);
    assertWellFormed(xml);
    assert.match(xml, /<testsuites name="scalelab" tests="18" failures="0" errors="0" skipped="6">/);
    assert.equal(testcases(xml, 'quick.direct.nftables.coredns').length, 2);
    assert.match(
      testcases(xml, 'quick.direct.ipvs.coredns')[0]!,
      /<skipped message="this kernel [^"]* has no IPVS/,
    );
  });

  test('invalid, failed and SLO-failed variants: errors and a failure, never passes', () => {
    const xml = junitXml([syntheticResults()]);
    assertWellFormed(xml);
    const scenario = '&lt;script&gt;alert(1)&lt;/script&gt;';
    const invalid = testcases(xml, `${scenario}.vxlan.nftables.coredns`);
    assert.equal(invalid.length, 2);
    for (const c of invalid)
      assert.match(c, /<error type="invalid" message="not judged: the self-audit marked this run invalid/);
    for (const c of testcases(xml, `${scenario}.bgp.iptables-nft.coredns`))
      assert.match(c, /<error type="failed"/);
    const sloFailed = testcases(xml, `${scenario}.direct.nftables.coredns`);
    assert.match(
      sloFailed.join('\n'),
      /<failure type="slo" message="networkProgrammingP99Ms: 31 s against a threshold of 30 s">/,
    );
    assert.match(xml, /tests="22" failures="1" errors="4" skipped="6"/);
  });

  test('user strings are escaped in attributes and text', () => {
    const xml = junitXml([syntheticResults()]);
    assert.doesNotMatch(xml, /<script|<img|<b>|<stderr/);
    assert.match(
      xml,
      /classname="&lt;script&gt;alert\(1\)&lt;\/script&gt;\.direct\.iptables-nft\.coredns&quot;&gt;&lt;img src=x onerror=alert\(2\)&gt;"/,
    );
    assert.match(xml, /average &lt;b&gt;bold&lt;\/b&gt;/);
  });

  test('a variant without SLOs gets one "run" testcase, an error when it is invalid', () => {
    const r = JSON.parse(
      readFileSync(
        new URL('../docs/results/nft-probe-2026-11-25T14-09-43-970Z.json', import.meta.url),
        'utf8',
      ),
    ) as RunResults;
    assert.match(junitXml([r]), /<testcase classname="nft-probe.direct.nftables.coredns" name="run"\/>/);
    r.variants[0]!.status = 'invalid';
    assert.match(
      junitXml([r]),
      /<testcase classname="nft-probe.direct.nftables.coredns" name="run">\s*<error type="invalid"/,
    );
  });
});
