import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import { readResults } from '../../reports/read-results.ts';
import { measurementOf } from '../../reports/figures.ts';
import { junitXml } from '../../reports/junit.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/tiny.yaml', import.meta.url));
const bad = fileURLToPath(new URL('../../scenarios/testdata/bad/negative-rate.yaml', import.meta.url));
const lab = 'itrun';

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

describe('scalelab run', { timeout: 600_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('a malformed scenario exits 2 before any process or namespace starts', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-run-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const r = await scalelab(['run', bad, '--out', out, '--lab', lab]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /negative-rate\.yaml:\d+:\d+ phases\[0\]\.churn\[0\]\.pace\.qps: must be a number/,
    );
    assert.deepEqual(readdirSync(out), []);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
  });

  // One run serves both the results checks and the CLI's (--junit, --set, stdout): a lab run is the costly part.
  test('a tiny scenario writes a results file with every measurement, the manifest and a verdict; --junit and --set', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-run-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
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
    assert.ok([0, 3, 5].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const results = JSON.parse(readFileSync(join(out, file!), 'utf8')) as RunResults;
    assert.equal(results.schema, 'scalelab.results/v2');
    assert.equal(results.status, 'finished');
    assert.match(results.manifest.scenario.sha256, /^[0-9a-f]{64}$/);
    assert.match(results.manifest.versions['kube-proxy'] ?? '', /Kubernetes v1\.36\.3/);
    const [v] = results.variants;
    assert.equal(v!.id, 'direct.iptables-nft.coredns');
    assert.ok(v!.lab!.flags['kube-apiserver']!.some((f) => f.startsWith('--max-requests-inflight=')));
    assert.deepEqual(
      v!.phases.map((p) => p.name),
      ['svc', 'eps'],
    );
    assert.equal(v!.phases[0]!.churn[0]!.done, 10, 'the --set override was applied');
    assert.equal(v!.background!.namespaces, 2, 'the background spread over two namespaces');
    const m = Object.fromEntries(v!.measurements.map((x) => [x.name, x.summary]));
    assert.ok((m.networkProgrammingLatency!.kubeProxySamples ?? 0) > 0, 'kube-proxy histogram has samples');
    assert.equal(m.networkProgrammingLatency!.probeAdditions, 3);
    assert.ok((m.ruleSync!.syncs ?? 0) > 0 && (m.ruleSync!.rules ?? 0) > 0);
    assert.ok((m.controlPlane!.apiMutatingRequests ?? 0) > 0);
    assert.ok((m.connectionLatency!.requests ?? 0) > 100, 'the agent made new connections through the VIP');
    // A loaded machine may time out a connection or two; a broken VIP fails them all.
    assert.ok((m.connectionLatency!.failedRate ?? 1) < 0.5, 'most connections through the VIP succeed');
    assert.ok((m.connectionLatency!.directRequests ?? 0) > 100, 'and straight to a pod');
    assert.ok((m.connectionLatency!.vegetaP50Ms ?? 0) > 0, 'vegeta ran against the same target');
    assert.ok((m.connectionLatency!.agentAtRateP50Ms ?? 0) > 0, 'and the agent at the same rate');
    assert.notEqual(m.connectionLatency!.churnErrorRate, null, 'the endpoint rollout was probed');
    // Each VIP connection had one straight to a pod beside it: the Service path's cost per pair, with its interval.
    const paired = measurementOf(v!, 'connectionLatency')!.details!.bySize[0]!.vipMinusDirect!;
    assert.ok(paired.pairs > 100, JSON.stringify(paired));
    assert.ok(
      paired.lowMs! <= paired.medianMs! && paired.medianMs! <= paired.highMs!,
      JSON.stringify(paired),
    );
    assert.ok(paired.confidence! >= 0.95, JSON.stringify(paired));
    // Thousands of connections went through node 1: its table held entries, far below its size.
    const ct = m.conntrackOccupancy!;
    assert.ok((ct.conntrackEntriesMax ?? 0) > 0 && (ct.conntrackSamples ?? 0) >= 4, JSON.stringify(ct));
    assert.ok((ct.conntrackLimit ?? 0) > (ct.conntrackEntriesMax ?? 0), JSON.stringify(ct));
    const ctPhases = measurementOf(v!, 'conntrackOccupancy')!.details!.phases;
    assert.equal(ctPhases.length, 2, 'a snapshot at the end of each phase');

    // Secrets (issue 9): no key, certificate, token or kubeconfig credential in the results or the output.
    for (const [what, text] of [
      ['results', readFileSync(join(out, file!), 'utf8')],
      ['output', r.stdout + r.stderr],
    ] as const) {
      assert.doesNotMatch(text, /-----BEGIN [A-Z ]+-----/, `a PEM block in the ${what}`);
      assert.doesNotMatch(text, /client-(key|certificate)-data|"token"\s*:/, `a credential in the ${what}`);
      assert.doesNotMatch(text, /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\./, `a JWT in the ${what}`);
    }

    assert.ok(['passed', 'slo-failed', 'invalid'].includes(v!.status), v!.status);
    // The summary table and the paths go to stdout, progress (time-stamped) to stderr (docs/cli.md).
    assert.match(r.stdout, /^ {2}variant +status/m, 'the summary table is on stdout');
    assert.equal(/^results: (.+)$/m.exec(r.stdout)?.[1], join(out, file!), 'stdout names the results file');
    assert.match(r.stdout, new RegExp(`^junit: ${junit.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(
      r.stderr,
      /^\d\d:\d\d:\d\d \+\d+:\d\d ✓ \[1\/1\] variant direct\.iptables-nft\.coredns done \(\d+\.\d s\)/m,
    );
    const read = readResults(join(out, file!));
    assert.deepEqual(read.manifest.overrides, ['phases[0].churn[0].count=10']);
    assert.match(read.manifest.scalelab?.commit ?? '', /^([0-9a-f]{40}(-dirty)?|unknown)$/);
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml, junitXml([read]), 'the same JUnit XML `scalelab report` writes for this results file');
    const doc = parseXml(xml);
    assert.equal(doc.name, 'testsuites');
    assert.ok(Number(doc.attrs.tests) >= 1, 'at least one testcase');
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
      'the run takes its lab down',
    );
  });
});
