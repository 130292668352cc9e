import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/tiny.yaml', import.meta.url));
const bad = fileURLToPath(new URL('../../scenarios/testdata/bad/negative-rate.yaml', import.meta.url));
const lab = 'itrun';

describe('scalelab run', { timeout: 600_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('a malformed scenario exits 2 before any process or namespace starts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-run-'));
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

  test('a tiny scenario writes a results file with every measurement, the manifest and a verdict', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-run-'));
    const r = await scalelab(['run', fixture, '--out', out, '--lab', lab]);
    assert.ok([0, 3, 5].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const results = JSON.parse(readFileSync(join(out, file!), 'utf8')) as RunResults;
    assert.equal(results.schema, 'scalelab.results/v1');
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
    assert.equal(v!.phases[0]!.churn[0]!.done, 20);
    assert.equal(v!.background!.namespaces, 2, 'the background spread over two namespaces');
    const m = Object.fromEntries(v!.measurements.map((x) => [x.name, x.summary]));
    assert.ok((m.networkProgrammingLatency!.kubeProxySamples ?? 0) > 0, 'kube-proxy histogram has samples');
    assert.equal(m.networkProgrammingLatency!.probeAdditions, 3);
    assert.ok((m.ruleSync!.syncs ?? 0) > 0 && (m.ruleSync!.rules ?? 0) > 0);
    assert.ok((m.controlPlane!.apiMutatingRequests ?? 0) > 0);
    assert.ok((m.connectionLatency!.requests ?? 0) > 100, 'the agent made new connections through the VIP');
    assert.equal(m.connectionLatency!.failedRate, 0);
    assert.ok((m.connectionLatency!.directRequests ?? 0) > 100, 'and straight to a pod');
    assert.ok((m.connectionLatency!.vegetaP50Ms ?? 0) > 0, 'vegeta ran against the same target');
    assert.ok((m.connectionLatency!.agentAtRateP50Ms ?? 0) > 0, 'and the agent at the same rate');
    assert.notEqual(m.connectionLatency!.churnErrorRate, null, 'the endpoint rollout was probed');

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
    // The summary table goes to stdout, progress to stderr (docs/cli.md).
    assert.match(r.stdout, /variant\s+status/);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
      'the run takes its lab down',
    );
  });
});
