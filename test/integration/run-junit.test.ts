import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import { readResults } from '../../reports/read-results.ts';
import { junitXml } from '../../reports/junit.ts';
import { scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/tiny.yaml', import.meta.url));
const lab = 'cli1';

/** Element nesting of an XML document: every tag closed in order, attribute values quoted, one root. */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; children: unknown[] } {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root = { name: '#document', attrs: {}, children: [] as unknown[] };
  const stack: (typeof root)[] = [root];
  let at = 0;
  for (const m of body.matchAll(
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!\[CDATA\[[\s\S]*?\]\]>/g,
  )) {
    assert.doesNotMatch(body.slice(at, m.index), /[<>]/, `stray markup before offset ${m.index}`);
    at = m.index + m[0].length;
    if (m[0].startsWith('<![CDATA[')) continue;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      assert.equal(stack.pop()!.name, name, `</${name}> closes another element`);
      continue;
    }
    const attrs = Object.fromEntries(
      [...attrText!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]),
    );
    const el = { name: name!, attrs, children: [] as unknown[] };
    stack.at(-1)!.children.push(el);
    if (!selfClose) stack.push(el);
  }
  assert.doesNotMatch(body.slice(at), /[<>]/, 'stray markup at the end');
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)!.name}>`);
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0] as ReturnType<typeof parseXml>;
}

describe('scalelab run --junit', { timeout: 600_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('writes JUnit XML of the run (the same as `report` writes), the summary and paths on stdout', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-junit-'));
    const junit = join(out, 'ci', 'junit.xml');
    const r = await scalelab([
      'run',
      fixture,
      '--out',
      out,
      '--lab',
      lab,
      '--junit',
      junit,
      '--set',
      'phases[0].churn[0].count=10',
    ]);
    assert.ok([0, 3].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const resultsPath = /^results: (.+)$/m.exec(r.stdout)?.[1];
    assert.ok(resultsPath, `stdout names the results file:\n${r.stdout}`);
    assert.match(r.stdout, new RegExp(`^junit: ${junit.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(r.stdout, /^ {2}variant +status/m, 'the summary table is on stdout');
    assert.match(
      r.stderr,
      /^\d\d:\d\d:\d\d \+\d+:\d\d ✓ \[1\/1\] variant direct\.iptables-nft\.coredns done \(\d+\.\d s\)/m,
    );
    const results = readResults(resultsPath);
    assert.deepEqual(results.manifest.overrides, ['phases[0].churn[0].count=10']);
    assert.equal(results.variants[0]!.phases[0]!.churn[0]!.done, 10, 'the override was applied');
    assert.match(results.manifest.scalelab?.commit ?? '', /^([0-9a-f]{40}(-dirty)?|unknown)$/);
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml, junitXml([results]), 'the same XML `scalelab report` writes for this results file');
    const doc = parseXml(xml);
    assert.equal(doc.name, 'testsuites');
    assert.ok(Number(doc.attrs.tests) >= 1, 'at least one testcase');
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
      'the lab is down after the run',
    );
  });
});
