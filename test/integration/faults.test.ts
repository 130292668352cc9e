/**
 * Component faults (issue 9): a scenario kills a component's process mid-phase; the run records the fault and
 * its time, the measurements count whatever effect it had (each lookup with one outcome; whether a kill loses
 * any depends on timing), and the run either recovers (a CoreDNS process, restarted by the node agent) or
 * fails with a message that names the component (lab daemons, which nothing restarts).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { scalelab } from './helpers.ts';

const lab = 'itflt';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const outs: string[] = [];

async function run(file: string): Promise<{ code: number; results: RunResults; stderr: string }> {
  const out = mkdtempSync(join(tmpdir(), 'scalelab-faults-'));
  outs.push(out);
  const r = await scalelab(['run', fixture(file), '--out', out, '--lab', lab]);
  const [name] = readdirSync(out).filter((f) => f.endsWith('.json'));
  return {
    code: r.code,
    stderr: r.stderr,
    results: JSON.parse(readFileSync(join(out, name!), 'utf8')) as RunResults,
  };
}

describe('component faults', { timeout: 900_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    for (const out of outs) rmSync(out, { recursive: true, force: true });
  });

  test('a CoreDNS process killed: recorded, its lookups all counted; then kube-proxy killed: the run names it', async () => {
    const { code, results, stderr } = await run('faults-dataplane.yaml');
    assert.equal(code, 1, stderr.slice(-3000));
    const v = results.variants[0]!;
    assert.equal(v.status, 'failed');
    const [calm, dnsFault, proxyFault] = v.phases;
    assert.equal(calm!.faults, undefined);
    const killed = dnsFault!.faults![0]!;
    assert.equal(killed.kill, 'coredns');
    assert.ok(killed.pid && !killed.error, JSON.stringify(killed));
    assert.ok(Date.parse(killed.at) > Date.parse(v.startedAt));
    assert.equal(proxyFault!.faults![0]!.target, 'kube-proxy-2');
    assert.match(
      v.errors.join('\n'),
      /after phase proxy-fault: kube-proxy-2 \(pid \d+\) is not running: killed by a fault in phase proxy-fault/,
    );
    // Whether a kill loses lookups depends on timing (the node agent takes the pod out of its endpoints
    // within a fraction of a second): what must hold is that the lookups of the phase the kill hit are all
    // there, each with one outcome, and that the summary counts every failure among them.
    const dns = v.measurements.find((m) => m.name === 'dns')!;
    const d = dns.details as unknown as {
      phases: { name: string; fromMs: number; toMs: number; lookups: number; ok: number }[];
      conditions: {
        lookups: number;
        ok: number;
        servfail: number;
        nxdomain: number;
        timeout: number;
        otherErrors: number;
      }[];
    };
    const phase = d.phases.find((p) => p.name === 'dns-fault')!;
    const at = Date.parse(killed.at);
    assert.ok(at >= phase.fromMs && at <= phase.toMs, `the kill inside its phase: ${killed.at}`);
    assert.ok(Math.abs(phase.lookups - ((phase.toMs - phase.fromMs) * 400) / 1000) <= 1, 'every lookup due');
    const [all] = d.conditions;
    assert.equal(all!.ok + all!.servfail + all!.nxdomain + all!.timeout + all!.otherErrors, all!.lookups);
    assert.equal(dns.summary.lookups, all!.lookups);
    assert.equal(dns.summary.failures, all!.lookups - all!.ok);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
  });

  test('the apiserver and kwok killed: the run fails, naming both, and keeps what it gathered', async () => {
    const { code, results, stderr } = await run('faults-control-plane.yaml');
    assert.equal(code, 1, stderr.slice(-3000));
    const v = results.variants[0]!;
    assert.equal(v.status, 'failed');
    const errors = v.errors.join('\n');
    assert.match(errors, /kube-apiserver \(pid \d+\) is not running: killed by a fault in phase cp-fault/);
    assert.match(errors, /kwok \(pid \d+\) is not running: killed by a fault in phase cp-fault/);
    assert.deepEqual(v.phases[0]!.faults!.map((f) => f.target).sort(), ['kube-apiserver', 'kwok']);
    assert.ok(
      v.measurements.some((m) => m.name === 'controlPlane'),
      'measurements were still collected',
    );
    assert.match(stderr, /killed kube-apiserver/);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
  });
});
