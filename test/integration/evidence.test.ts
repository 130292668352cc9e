/**
 * Fit for nightly CI (issue 19): a run that judged nothing exits 5 and never becomes a nightly baseline; a
 * failed variant's evidence (component logs, lab state, rule dumps, last status) is kept beside the results
 * before its lab goes, without a key or token, and the report links it. Faults make the failure deterministic:
 * a lab daemon killed mid-phase is never restarted (faults-control-plane.yaml, shared with faults.test.ts).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostFacts } from '../../infra/lab/host-facts.ts';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { scalelab } from './helpers.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Every file under dir, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    statSync(join(dir, f)).isFile(),
  );
}

describe('evidence and exit codes for CI', { timeout: 600_000 }, () => {
  after(async () => {
    for (const lab of ['ev1', 'ev2']) await scalelab(['lab', 'down', '--name', lab]);
  });

  test('a component killed by a fault: exit 1; its log, the lab state and rule dumps kept, no key or token', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-evidence-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const r = await scalelab(['run', fixture('faults-control-plane.yaml'), '--out', out, '--lab', 'ev1']);
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    const file = readdirSync(out).find((f) => f.endsWith('.json'))!;
    const results = JSON.parse(readFileSync(join(out, file), 'utf8')) as RunResults;
    const v = results.variants[0]!;
    assert.equal(v.status, 'failed');
    assert.equal(v.artifacts, `${file.replace(/\.json$/, '')}-artifacts/${v.id}`);
    const dir = join(out, v.artifacts!);
    const files = filesUnder(dir);
    // The killed apiserver's log, and the rest of the lab's: what the error message points at.
    for (const f of ['state/logs/kube-apiserver.log', 'state/logs/kwok.log', 'state/logs/etcd.log'])
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.ok(statSync(join(dir, 'state/logs/kube-apiserver.log')).size > 0);
    assert.match(readFileSync(join(dir, 'errors.txt'), 'utf8'), /kube-apiserver \(pid \d+\) is not running/);
    assert.match(readFileSync(join(dir, 'state/state.json'), 'utf8'), /"flags"/);
    // kube-proxy's rules as it left them, from a real node's namespace.
    assert.match(readFileSync(join(dir, 'rules/real-node-1/iptables-save.txt'), 'utf8'), /KUBE-SERVICES/);
    assert.ok(files.includes('rules/real-node-1/nft-list-ruleset.txt'));
    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { processes: unknown[] };
    assert.ok(Array.isArray(status.processes) && status.processes.length > 0, 'the last lab status');
    const kept = JSON.parse(readFileSync(join(dir, 'artifacts.json'), 'utf8')) as {
      leftOut: { path: string }[];
    };
    assert.ok(
      kept.leftOut.some((l) => l.path === 'pki'),
      'the PKI is left out, and said so',
    );
    // No key or token, by name or by content.
    assert.deepEqual(
      files.filter((f) => /\.key$|(^|\/)token$|(^|\/)pki\//.test(f)),
      [],
    );
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, f);
      assert.doesNotMatch(text, /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/, `${f}: a token`);
    }
    // The lab is gone, the evidence stays; the report links it from where the page is written.
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, 'ev1')),
      [],
    );
    const page = join(out, 'report');
    const rep = await scalelab(['report', join(out, file), '--out', page], 300_000);
    assert.equal(rep.code, 0, rep.stderr);
    const href = `${relative(page, dir)}/`;
    assert.ok(readFileSync(join(page, 'index.html'), 'utf8').includes(`href="${href}"`), href);
  });

  test('a run that judged nothing exits 5, and its night is "not judged", never the baseline', async (t) => {
    if (!hostFacts().ipvsMissing)
      return t.skip('this kernel has IPVS: the ipvs-only scenario would run and be judged');
    const results = mkdtempSync(join(tmpdir(), 'scalelab-nj-results-'));
    t.after(() => rmSync(results, { recursive: true, force: true }));
    const site = mkdtempSync(join(tmpdir(), 'scalelab-nj-site-'));
    t.after(() => rmSync(site, { recursive: true, force: true }));
    const dir = fixture('nightly-not-judged');
    const run = await scalelab(['run', join(dir, 'only-ipvs.yaml'), '--out', results, '--lab', 'ev2']);
    assert.equal(run.code, 5, run.stderr.slice(-2000));
    const night = await scalelab(['nightly', dir, '--results', results, '--out', site, '--lab', 'ev2']);
    assert.equal(night.code, 5, night.stdout + night.stderr.slice(-2000));
    assert.match(night.stdout, /^nightly only-ipvs: not-judged \(exit 5\)$/m);
    assert.match(night.stdout, /not judged: no variant ran/);
    const lastGood = join(results, 'last-good.json');
    assert.ok(existsSync(lastGood));
    assert.deepEqual(JSON.parse(readFileSync(lastGood, 'utf8')), {}, 'no baseline was taken');
  });
});
