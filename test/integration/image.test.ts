/**
 * The agent image end to end: `image build` makes the OCI layout, `image push` puts it in the lab's registry
 * (run inside the lab namespace: the host has no route there), and a kubeconfig run whose `--agent-image`
 * names it has its traffic Jobs' pods pulled by the node agents and run under runc. The pre-flights refuse a
 * wrong image and a read-only identity with exit 2 before any namespace exists. Needs root; the lab goes down
 * whatever happened, and its runc state with it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from '../../infra/exec.ts';
import { listNetns, belongsToLab } from '../../infra/lab/netns.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { labHttpGet } from '../../infra/lab/lab-connect.ts';
import type { RunResults } from '../../runners/results/schema.ts';
import { kubectlPath, scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/kubeconfig-quick.yaml', import.meta.url));
const lab = 'im1';
const pushed = '198.18.0.1:5000/scalelab/agent:it';

/** Container ids runc has on every real node, with each container's program (as its root sees it) and uid. */
async function runcContainers(state: LabState): Promise<{ id: string; exe: string }[]> {
  const out: { id: string; exe: string }[] = [];
  for (const node of state.realNodes ?? []) {
    const root = join(state.stateDir, 'nodes', node.name, 'runc');
    if (!existsSync(root)) continue;
    const list = await exec(['runc', '--root', root, 'list', '--format', 'json'], { allowFailure: true });
    for (const c of (JSON.parse(list.stdout || 'null') ?? []) as { id: string; pid: number }[]) {
      const exe = (() => {
        try {
          const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))?.[1];
          return `${readlinkSync(`/proc/${c.pid}/exe`)} uid ${uid}`;
        } catch {
          return '';
        }
      })();
      out.push({ id: c.id, exe });
    }
  }
  return out;
}

describe('the agent image: build, push, pull, runc', { timeout: 900_000 }, () => {
  let kubeconfig = '';
  let kubectl = '';
  let state: LabState;
  let built: { code: number; stdout: string; stderr: string };
  const tmp = mkdtempSync(join(tmpdir(), 'scalelab-image-it-'));
  const namespaces = async () =>
    (await exec([kubectl, '--kubeconfig', kubeconfig, 'get', 'ns', '-o', 'name'])).stdout.split('\n').sort();

  before(async () => {
    // Built first, into the default layout, so `lab up` finds it current and does not build it again.
    built = await scalelab(['image', 'build']);
    assert.equal(built.code, 0, built.stderr.slice(-3000));
    const up = await scalelab(['lab', 'up', '--name', lab, '--fake-nodes', '20', '--real-nodes', '2']);
    assert.equal(up.code, 0, up.stderr.slice(-3000));
    kubeconfig = (await scalelab(['lab', 'kubeconfig', '--name', lab])).stdout.trim();
    kubectl = await kubectlPath();
    state = readLabState(lab)!;
  });
  after(async () => {
    const roots = (state?.realNodes ?? []).map((n) => join(state.stateDir, 'nodes', n.name, 'runc'));
    await scalelab(['lab', 'down', '--name', lab]);
    rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(
      (await listNetns()).filter((ns) => belongsToLab(ns, lab)),
      [],
    );
    for (const root of roots) assert.ok(!existsSync(root), `runc state ${root} went with the lab`);
  });

  test('lab up pushed this checkout’s agent image to the lab registry', async () => {
    assert.match(state.agentImage ?? '', /^198\.18\.0\.1:5000\/scalelab\/agent:/);
    const catalog = await labHttpGet(state.gatewaySocket, 'http://198.18.0.1:5000/v2/_catalog');
    assert.deepEqual(JSON.parse(catalog).repositories, ['scalelab/agent']);
  });

  test('image build writes an OCI layout with the labels; image push copies it into the lab', async () => {
    const layout = built.stdout.trim().replace(/^oci:(.*):[^:]+$/, '$1');
    assert.ok(existsSync(join(layout, 'index.json')), built.stdout);
    const facts = JSON.parse(readFileSync(join(layout, 'scalelab-image.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    assert.equal(facts.labels['org.opencontainers.image.version'], pkg.version);
    assert.match(facts.labels['org.opencontainers.image.revision'], /^[0-9a-f]{40}$/);
    assert.equal(
      state.agentImage,
      `198.18.0.1:5000/scalelab/agent:${facts.tag}`,
      'lab up pushed this layout',
    );
    // The host has no route into the lab: the CLI runs in the lab's namespace, as `lab up` pushes.
    const push = await exec(
      [
        ...[
          'ip',
          'netns',
          'exec',
          `scalelab_${lab}`,
          process.execPath,
          'runners/scalelab.js',
          'image',
          'push',
        ],
        ...['--to', pushed, '--tls-verify', 'false'],
      ],
      { allowFailure: true, cwd: fileURLToPath(new URL('../../', import.meta.url)) },
    );
    assert.equal(push.exitCode, 0, push.stderr);
    const tags = await labHttpGet(state.gatewaySocket, 'http://198.18.0.1:5000/v2/scalelab/agent/tags/list');
    assert.ok(JSON.parse(tags).tags.includes('it'), tags);
  });

  test('a wrong image name: exit 2 before the namespace is created', async () => {
    const before = await namespaces();
    const r = await scalelab([
      'run',
      fixture,
      '--kubeconfig',
      kubeconfig,
      '--agent-image',
      '198.18.0.1:5000/scalelab/nope:1',
    ]);
    assert.equal(r.code, 2, r.stderr.slice(-2000));
    assert.match(r.stderr, /cannot pull 198\.18\.0\.1:5000\/scalelab\/nope:1: ErrImagePull/);
    assert.deepEqual(await namespaces(), before);
  });

  test('a read-only identity: exit 2 listing what it lacks, before anything is created', async () => {
    const k = (args: string[]) => exec([kubectl, '--kubeconfig', kubeconfig, ...args]);
    await k(['create', 'serviceaccount', 'scalelab-ro', '-n', 'default']);
    await k([
      'create',
      'clusterrolebinding',
      'scalelab-ro',
      '--clusterrole',
      'view',
      '--serviceaccount',
      'default:scalelab-ro',
    ]);
    try {
      const token = (await k(['create', 'token', 'scalelab-ro', '-n', 'default'])).stdout.trim();
      const ro = join(tmp, 'ro.kubeconfig');
      writeFileSync(ro, readFileSync(kubeconfig, 'utf8'));
      const rok = (args: string[]) => exec([kubectl, '--kubeconfig', ro, ...args]);
      const user = (await rok(['config', 'view', '-o', 'jsonpath={.users[0].name}'])).stdout;
      await rok(['config', 'unset', `users.${user}`]);
      await rok(['config', 'set-credentials', user, `--token=${token}`]);
      const before = await namespaces();
      const r = await scalelab(['run', fixture, '--kubeconfig', ro, '--agent-image', pushed]);
      assert.equal(r.code, 2, r.stderr.slice(-2000));
      assert.match(r.stderr, /lacks \d+ permission\(s\)/);
      for (const line of [
        'create namespaces in the cluster',
        'create batch/jobs in the run namespace',
        'get nodes/proxy',
      ])
        assert.ok(r.stderr.includes(line), `${line} in:\n${r.stderr}`);
      assert.deepEqual(await namespaces(), before);
    } finally {
      await k(['delete', 'clusterrolebinding', 'scalelab-ro']);
      await k(['delete', 'serviceaccount', 'scalelab-ro', '-n', 'default']);
    }
  });

  test('the quick scenario through the kubeconfig runs the pulled image under runc', async () => {
    const out = join(tmp, 'results');
    const seen = new Map<string, string>();
    let running = true;
    const watcher = (async () => {
      while (running) {
        for (const c of await runcContainers(state)) if (c.exe) seen.set(c.id, c.exe);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const r = await scalelab([
      'run',
      fixture,
      '--kubeconfig',
      kubeconfig,
      '--out',
      out,
      '--workers',
      '2',
      '--agent-image',
      pushed,
    ]);
    running = false;
    await watcher;
    assert.ok([0, 3].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    // Every container runc ran was the image's /agent (seen from the host through its own root), as the
    // image's user.
    assert.ok(seen.size > 0, 'runc ran containers');
    for (const [id, who] of seen) assert.equal(who, '/agent uid 65532', id);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const results = JSON.parse(readFileSync(join(out, file!), 'utf8')) as RunResults;
    assert.equal(results.status, 'finished');
    const m = Object.fromEntries(results.variants[0]!.measurements.map((x) => [x.name, x]));
    assert.equal(m.networkProgrammingLatency!.summary.probeAdditions, 3, 'the probe read through pods/log');
    assert.ok((m.connectionLatency!.summary.requests ?? 0) > 100, 'two workers, histograms merged');
    // A loaded machine may time out a connection or two; a broken VIP fails them all.
    assert.ok(
      (m.connectionLatency!.summary.failedRate ?? 1) < 0.5,
      'most connections through the VIP succeed',
    );
    assert.ok((m.dns!.summary.lookups ?? 0) > 0, 'the DNS client Job ran');
    assert.ok((m.dns!.summary.dnsperfQps ?? 0) > 0, 'dnsperf, from the image');
    for (const n of state.realNodes ?? []) {
      const left = await exec([
        'runc',
        '--root',
        join(state.stateDir, 'nodes', n.name, 'runc'),
        'list',
        '-q',
      ]);
      assert.equal(left.stdout.trim(), '', `no runc container left on ${n.name} after the run`);
    }
  });
});
