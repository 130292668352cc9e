/**
 * Interrupts (issue 9): SIGINT or SIGTERM at any phase stops the run cleanly, keeps the partial results with
 * the reason, and takes the lab down; after kill -9 of the harness, `lab down` cleans everything. `lab up`
 * interrupted exits 130 too (issue 19), and `lab logs` reads what the half-up lab wrote.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import { pidsMentioning } from '../../infra/lab/processes.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { etcNetnsEntries, hostNetworkSnapshot, labMounts, scalelab } from './helpers.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/long-hold.yaml', import.meta.url));
const lab = 'itint';

/** Starts `scalelab run` and resolves once its output shows `marker`. */
function startRun(out: string, marker: RegExp) {
  return startScalelab(['run', fixture, '--out', out, '--lab', lab], marker);
}

/** Starts a scalelab command and resolves `reached` once its output shows `marker`. */
function startScalelab(
  args: readonly string[],
  marker: RegExp,
): { child: ChildProcess; reached: Promise<void>; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [`${repoRoot}runners/scalelab.js`, ...args], { cwd: repoRoot });
  let text = '';
  const reached = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString();
      if (marker.test(text)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('close', () => reject(new Error(`the run ended before ${marker}:\n${text.slice(-2000)}`)));
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code, sig) => resolve(code ?? (sig ? -1 : null))),
  );
  return { child, reached, exit, output: () => text };
}

async function assertNothingLeft(): Promise<void> {
  assert.deepEqual(
    (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
    [],
  );
  assert.deepEqual(pidsMentioning(`/run/scalelab/${lab}/`), []);
  assert.deepEqual(labMounts(lab), []);
  assert.equal(etcNetnsEntries(lab), false);
}

function readResults(out: string): RunResults {
  const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
  assert.ok(file, 'a results file was written');
  return JSON.parse(readFileSync(join(out, file), 'utf8')) as RunResults;
}

describe('interrupting a run', { timeout: 900_000 }, () => {
  let hostBefore = '';
  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    hostBefore = await hostNetworkSnapshot();
  });
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  for (const [sig, marker, where] of [
    ['SIGINT', /phase hold/, 'in a phase'],
    ['SIGTERM', /fake nodes/, 'while the lab comes up'],
  ] as const) {
    test(`${sig} ${where}: exit 130, partial results with the reason, the lab gone`, async (t) => {
      const out = mkdtempSync(join(tmpdir(), 'scalelab-int-'));
      t.after(() => rmSync(out, { recursive: true, force: true }));
      const run = startRun(out, marker);
      await run.reached;
      const sentAt = Date.now();
      run.child.kill(sig);
      const code = await run.exit;
      assert.equal(code, 130, run.output().slice(-2000));
      assert.ok(Date.now() - sentAt < 120_000, 'it stopped within two minutes');
      const results = readResults(out);
      assert.equal(results.status, 'interrupted');
      assert.ok(
        results.errors.some((e) => e.includes(`interrupted by ${sig}`)),
        results.errors.join('; '),
      );
      assert.ok(results.manifest.finishedAt, 'the manifest says when it stopped');
      if (sig === 'SIGINT') {
        // The phase before the interrupt was kept, with its churn figures.
        assert.deepEqual(
          results.variants[0]!.phases.map((p) => p.name),
          ['warm'],
        );
        assert.equal(results.variants[0]!.phases[0]!.churn[0]!.done, 5);
      }
      await assertNothingLeft();
      assert.equal(await hostNetworkSnapshot(), hostBefore);
    });
  }

  test('kill -9 of the harness leaves the lab running; lab down then cleans everything', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-int-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const run = startRun(out, /phase hold/);
    await run.reached;
    run.child.kill('SIGKILL');
    await run.exit;
    assert.ok(
      (await listNetns()).some((ns) => belongsToLab(ns, lab)),
      'the lab outlives a harness killed with -9',
    );
    // What was gathered before the kill is on disk.
    assert.equal(readResults(out).status, 'running');
    const down = await scalelab(['lab', 'down', '--name', lab]);
    assert.equal(down.code, 0, down.stderr);
    await assertNothingLeft();
    assert.equal(await hostNetworkSnapshot(), hostBefore);
  });
});

describe('interrupting `lab up`', { timeout: 300_000 }, () => {
  const upLab = 'ev3';
  after(async () => {
    await scalelab(['lab', 'down', '--name', upLab]);
  });

  test('SIGINT while the apiserver comes up: exit 130; lab logs reads the logs; lab down cleans', async () => {
    await scalelab(['lab', 'down', '--name', upLab]);
    const up = startScalelab(['lab', 'up', '--name', upLab, '--fake-nodes', '20'], /… kube-apiserver/);
    await up.reached;
    up.child.kill('SIGINT');
    assert.equal(await up.exit, 130, up.output().slice(-2000));
    // What the interrupted lab left is still readable until it is taken down.
    const one = await scalelab(['lab', 'logs', '--name', upLab, '--component', 'etcd', '--tail', '3']);
    assert.equal(one.code, 0, one.stderr);
    const lines = one.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length > 0 && lines.length <= 3, one.stdout);
    const all = await scalelab(['lab', 'logs', '--name', upLab, '--tail', '1']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^==> etcd <==$/m);
    assert.match(all.stdout, /^==> kube-apiserver <==$/m);
    const bad = await scalelab(['lab', 'logs', '--name', upLab, '--component', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /has no log named "nope"[\s\S]*etcd/);
    assert.equal((await scalelab(['lab', 'down', '--name', upLab])).code, 0);
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, upLab)),
      [],
    );
    const gone = await scalelab(['lab', 'logs', '--name', upLab]);
    assert.equal(gone.code, 2, 'no lab, no logs: bad input');
  });
});
