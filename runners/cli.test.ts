import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Help, type Command } from 'commander';
import { commandTable } from './command-table.ts';

const cli = fileURLToPath(new URL('./scalelab.js', import.meta.url));
const scalelab = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
/** A repo file's absolute path: the CLI runs in the test's working directory. */
const r = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

test('bad input to any command, at any depth, exits 2 and says what is wrong', () => {
  for (const [args, message] of [
    [['validate'], /missing required argument 'files'/],
    [['lab', 'up', '--bogus'], /unknown option '--bogus'/],
    [['no-such-command'], /unknown command/],
  ] as const) {
    const r = scalelab(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('--help exits 0', () => {
  assert.equal(scalelab('--help').status, 0);
  assert.equal(scalelab('lab', '--help').status, 0);
});

test('--version and -V exit 0 and print the version and the git commit', () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  for (const flag of ['--version', '-V']) {
    const r = scalelab(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^scalelab ${version.replaceAll('.', '\\.')}, commit ([0-9a-f]{40}(-dirty)?|unknown)\\n$`),
    );
  }
});

test('validate checks every file: all good exits 0; one bad exits 2 and lists every problem of every file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: bad\ncluster: { fakeNodes: -1 }\n');
  const good = r('scenarios/quick.yaml');
  const ok = scalelab('validate', good, r('scenarios/dns-storm.yaml'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.split('\n').filter((l) => /: valid scenario "/.test(l)).length, 2);
  const mixed = scalelab('validate', bad, good, join(dir, 'missing.yaml'));
  assert.equal(mixed.status, 2);
  assert.match(mixed.stdout, /quick\.yaml: valid scenario "quick"/);
  for (const problem of [
    /bad\.yaml:2:\d+ cluster\.fakeNodes: /,
    /bad\.yaml:\d+:\d+ phases: is required/,
    /missing\.yaml:1:1 \(file\): cannot be read: ENOENT/,
  ])
    assert.match(mixed.stderr, problem);
  assert.match(mixed.stderr, /2 of 3 file\(s\) have problems/);
  const json = scalelab('validate', '--json', bad, good);
  assert.equal(json.status, 2);
  const parsed = JSON.parse(json.stdout) as { file: string; valid: boolean; problems: unknown[] }[];
  assert.deepEqual(
    parsed.map((f) => f.valid),
    [false, true],
  );
  assert.ok(parsed[0]!.problems.length >= 2);
});

test('plan --json prints the runs of every file as JSON', () => {
  const p = scalelab(
    'plan',
    '--json',
    r('scenarios/quick.yaml'),
    r('scenarios/dns-storm.yaml'),
    '--set',
    'cluster.fakeNodes=20',
  );
  assert.equal(p.status, 0, p.stderr);
  const plans = JSON.parse(p.stdout) as { scenario: string; runs: { id: string }[]; overrides: string[] }[];
  assert.deepEqual(
    plans.map((x) => x.scenario),
    ['quick', 'dns-storm'],
  );
  assert.ok(plans.every((x) => x.runs.length > 0 && x.overrides[0] === 'cluster.fakeNodes=20'));
});

test('--set with a bad path or value exits 2 naming the --set and the field', () => {
  for (const [set, message] of [
    ['cluster.fakeNodes=many', /cluster\.fakeNodes: .*\(from --set cluster\.fakeNodes=many\)/],
    ['cluster.nodez=3', /cluster\.nodez: unknown field.*\(from --set cluster\.nodez=3\)/],
    ['phases[7].name=x', /--set phases\[7\]\.name=x: phases has \d+ entries; index 7 is past its end/],
    ['cluster..x=1', /--set cluster\.\.x=1: "cluster\.\.x" is not a field path/],
  ] as const)
    for (const command of ['validate', 'plan']) {
      const res = scalelab(command, r('scenarios/quick.yaml'), '--set', set);
      assert.equal(res.status, 2, `${command} --set ${set}: ${res.stderr}`);
      assert.match(res.stderr, message);
    }
});

test('the command table lists every command with the usage its module gives it', async () => {
  const help = new Help();
  for (const entry of commandTable) {
    const c = await entry.load();
    assert.equal(c.name(), entry.name);
    assert.equal(entry.term, help.subcommandTerm(c), `runners/command-table.ts: ${entry.name}'s term`);
  }
});

test('docs/cli.md documents every command and flag --help shows, and no other, and the environment', async () => {
  const doc = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  const commands: Command[] = [];
  for (const entry of commandTable) {
    const c = await entry.load();
    if (c.commands.length) commands.push(...c.commands.map((s) => s.name(`${c.name()} ${s.name()}`)));
    else commands.push(c);
  }
  for (const c of commands) {
    const mine = rows.filter((l) => l.startsWith(`| \`${c.name()} `) || l.startsWith(`| \`${c.name()}\``));
    assert.ok(mine.length, `docs/cli.md: no row for \`${c.name()}\``);
    const flags = new Set(mine.flatMap((l) => l.split(/(?<!\\)\|/)[1]!.match(/--[a-z][a-z-]*/g) ?? []));
    const real = c.options.map((o) => o.long!).filter((f) => f !== '--help');
    assert.deepEqual([...flags].sort(), [...real].sort(), `docs/cli.md: the flags of \`${c.name()}\``);
  }
  const env = scalelab('--help')
    .stdout.match(/^ {2}(SCALELAB_\w+|KUBECONFIG)/gm)!
    .map((s) => s.trim());
  for (const name of env) assert.ok(doc.includes(`\`${name}\``), `docs/cli.md: ${name}`);
});

test('run: a bare --kubeconfig uses $KUBECONFIG, and without it exits 2; KUBECONFIG alone is a lab run', () => {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  const run = (extra: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, [cli, 'run', r('scenarios/quick.yaml'), ...args], {
      encoding: 'utf8',
      env: { ...env, ...extra },
    });
  const none = run({}, '--kubeconfig');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /--kubeconfig: no path given and KUBECONFIG is not set/);
  const missing = run({ KUBECONFIG: '/nonexistent/kubeconfig' }, '--kubeconfig', '--dry-run');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--kubeconfig: no such file: \/nonexistent\/kubeconfig/);
  // Without --kubeconfig, --dry-run is refused as a lab run's: KUBECONFIG did not make it a cluster run.
  const lab = run({ KUBECONFIG: '/nonexistent/kubeconfig' }, '--dry-run');
  assert.equal(lab.status, 2);
  assert.match(lab.stderr, /--dry-run, --agent-image and --allow-cluster-writes go with --kubeconfig/);
});
