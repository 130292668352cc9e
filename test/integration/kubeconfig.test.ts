/**
 * `scalelab run --kubeconfig`: a trimmed quick.yaml against a lab's own apiserver through its kubeconfig alone,
 * as against any cluster. Every object the run made must be gone afterwards, and nothing outside its namespace
 * may have changed. Needs root (it brings a lab up); the lab goes down whatever happened.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { exec } from '../../infra/exec.ts';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { kubectlPath, scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/kubeconfig-quick.yaml', import.meta.url));
const lab = 'itkcfg';

/**
 * Every object of every listable type, as "apiVersion kind namespace name" lines. Events are left out: the
 * cluster's own components write them all the time.
 */
async function clusterObjects(kubectl: string, kubeconfig: string): Promise<string[]> {
  const k = (args: string[]) => exec([kubectl, '--kubeconfig', kubeconfig, ...args]);
  const types = (await k(['api-resources', '--verbs=list', '-o', 'name'])).stdout
    .split('\n')
    .filter((t) => t && !/^events(\.|$)/.test(t));
  const list = JSON.parse((await k(['get', types.join(','), '-A', '-o', 'json'])).stdout) as {
    items: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }[];
  };
  return list.items
    .map((i) => `${i.apiVersion} ${i.kind} ${i.metadata.namespace ?? '-'} ${i.metadata.name}`)
    .sort();
}

describe('scalelab run --kubeconfig', { timeout: 900_000 }, () => {
  let kubeconfig = '';
  let kubectl = '';
  const out = mkdtempSync(join(tmpdir(), 'scalelab-kubeconfig-'));

  before(async () => {
    const up = await scalelab(['lab', 'up', '--name', lab, '--fake-nodes', '20', '--real-nodes', '2']);
    assert.equal(up.code, 0, up.stderr.slice(-3000));
    kubeconfig = (await scalelab(['lab', 'kubeconfig', '--name', lab])).stdout.trim();
    kubectl = await kubectlPath();
  });
  after(async () => {
    // The lab holds everything the run made: taking it down cleans up after a failed run too.
    await scalelab(['lab', 'down', '--name', lab]);
    rmSync(out, { recursive: true, force: true });
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
  });

  test('pods/log reaches a real node: the node agent serves the kubelet API to the apiserver', async () => {
    const k = [kubectl, '--kubeconfig', kubeconfig, '-n', 'kube-system'];
    const pod = (await exec([...k, 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'name'])).stdout.split(
      '\n',
    )[0]!;
    const logs = await exec([...k, 'logs', pod, '--tail', '5']);
    assert.match(logs.stdout, /CoreDNS-\d+\.\d+\.\d+/);
  });

  test('--dry-run prints every object as YAML and creates nothing', async () => {
    const before = await clusterObjects(kubectl, kubeconfig);
    const r = await scalelab(['run', fixture, '--kubeconfig', kubeconfig, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    const docs = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { kind?: string; metadata?: { name?: string } },
    );
    const kinds = docs.filter((d) => d?.kind).map((d) => `${d.kind}/${d.metadata!.name}`);
    assert.ok(kinds[0]?.startsWith('Namespace/scalelab-'), kinds[0]);
    for (const want of [
      'Deployment/bg-g0',
      'Service/svc-39',
      'Pod/probe-client',
      'Job/conn-client-rate',
      'Job/dns-client',
    ])
      assert.ok(kinds.includes(want), `${want} in the dry run`);
    assert.deepEqual(await clusterObjects(kubectl, kubeconfig), before, 'the dry run created nothing');
  });

  test('the trimmed quick scenario runs through the kubeconfig and leaves nothing behind', async () => {
    const before = await clusterObjects(kubectl, kubeconfig);
    const r = await scalelab(['run', fixture, '--kubeconfig', kubeconfig, '--out', out, '--workers', '2']);
    assert.ok([0, 3].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const text = readFileSync(join(out, file!), 'utf8');
    const results = JSON.parse(text) as RunResults;
    assert.equal(results.status, 'finished');
    const [v] = results.variants;
    assert.match(v!.id, /^scalelab-itkcfg\.iptables\.coredns$/);
    assert.equal(v!.cluster!.proxyMode, 'iptables', 'the proxy mode is read from the cluster');
    assert.ok((v!.cluster!.cleanupSeconds ?? -1) >= 0, 'the run waited for its namespace to go');
    const m = Object.fromEntries(v!.measurements.map((x) => [x.name, x]));
    assert.ok(
      (m.networkProgrammingLatency!.summary.kubeProxySamples ?? 0) > 0,
      'kube-proxy via the node proxy',
    );
    assert.equal(m.networkProgrammingLatency!.summary.probeAdditions, 3, 'the probe read through pods/log');
    assert.ok((m.connectionLatency!.summary.requests ?? 0) > 100, 'two workers, histograms merged');
    // A loaded machine may time out a connection or two; a broken VIP fails them all.
    assert.ok(
      (m.connectionLatency!.summary.failedRate ?? 1) < 0.5,
      'most connections through the VIP succeed',
    );
    assert.ok((m.dns!.summary.lookups ?? 0) > 0, 'the DNS client Job ran');
    assert.ok((m.dns!.summary.dnsperfQps ?? 0) > 0, 'and dnsperf');
    assert.ok((m.dns!.summary.corednsRequests ?? 0) > 0, "CoreDNS's metrics through the pod proxy");
    assert.match(m.ruleSync!.skipped?.[0] ?? '', /^skipped: rule sync .* through its API alone$/);
    assert.match(r.stderr, /ruleSync: skipped: /, 'the skip is said in the output too');
    assert.doesNotMatch(text, /-----BEGIN [A-Z ]+-----|client-(key|certificate)-data/, 'no credential');

    const ns = v!.cluster!.namespace;
    const gone = await exec([kubectl, '--kubeconfig', kubeconfig, 'get', 'namespace', ns], {
      allowFailure: true,
    });
    assert.match(gone.stderr, /NotFound/, `namespace ${ns} is gone`);
    assert.deepEqual(
      await clusterObjects(kubectl, kubeconfig),
      before,
      'no object left, nothing changed outside',
    );
  });
});
