import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, ScenarioError } from './load.ts';
import { expandPlan } from './plan.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const bad = join(here, 'testdata', 'bad');

for (const f of readdirSync(bad).filter((f) => f.endsWith('.yaml'))) {
  test(`rejects ${f} with its message`, () => {
    const path = join(bad, f);
    const expect = /^# expect: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1];
    assert.ok(expect, `${f} has no "# expect:" line`);
    assert.throws(
      () => loadScenario(path),
      (err: unknown) => {
        assert.ok(err instanceof ScenarioError, String(err));
        assert.ok(err.message.includes(expect), `${f}:\n  wanted: ${expect}\n  got:    ${err.message}`);
        assert.match(
          err.message,
          new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ `, 'm'),
        );
        return true;
      },
    );
  });
}

test('every problem is reported at once, each at its line', () => {
  const text =
    'name: x\ncluster: { fakeNodes: -1 }\nvariants: { dns: [bind] }\nphases: [{ name: P }]\nmeasurements: []\n';
  assert.throws(
    () => loadScenario('s.yaml', text),
    (err: ScenarioError) => {
      const lines = err.message.split('\n');
      assert.equal(lines.length, 4, err.message);
      assert.match(err.message, /^s\.yaml:2:\d+ cluster\.fakeNodes: must be a whole number ≥ 0/m);
      assert.match(
        err.message,
        /^s\.yaml:3:\d+ variants\.dns\[0\]: must be one of coredns, nodelocal, got "bind"/m,
      );
      assert.match(err.message, /^s\.yaml:4:\d+ phases\[0\]\.name: must be a short lowercase name, got "P"/m);
      assert.match(err.message, /^s\.yaml:5:\d+ measurements: must have 1 or more entries, got 0/m);
      return true;
    },
  );
});

for (const f of ['quick.yaml', 'service-churn.yaml', 'dns-storm.yaml']) {
  test(`the shipped ${f} is valid`, () => {
    const { scenario, hash } = loadScenario(join(here, f));
    assert.equal(hash.length, 64);
    assert.ok(scenario.phases.length > 0);
  });
}

test('the plan expands the matrix and skips what this host cannot run, with the reason', () => {
  const { scenario } = loadScenario(join(here, 'quick.yaml'));
  // quick itself runs each value once (one-at-a-time); its axes as a matrix are the case here.
  const matrix = (dns: ('coredns' | 'nodelocal')[]) => ({
    ...scenario,
    variants: { ...scenario.variants, dns, design: 'matrix' as const },
  });
  const noIpvs = { kernel: 'k', ipvsMissing: 'this kernel has no IPVS: CONFIG_IP_VS is not set' };
  const plan = expandPlan(matrix(['coredns', 'nodelocal']), noIpvs);
  assert.deepEqual(
    plan.runs.map((r) => r.id),
    ['direct', 'vxlan', 'bgp'].flatMap((p) =>
      ['iptables-nft', 'nftables'].flatMap((m) => [`${p}.${m}.coredns`, `${p}.${m}.nodelocal`]),
    ),
  );
  assert.equal(plan.skipped.length, 6);
  assert.ok(plan.skipped.every((s) => s.variant.proxyMode === 'ipvs' && /IPVS/.test(s.reason)));
  const withIpvs = expandPlan(matrix(['coredns']), { kernel: 'k' });
  assert.equal(withIpvs.runs.length, 9);
  assert.equal(withIpvs.skipped.length, 0);
});

test('one-at-a-time: the base, then each other value of one axis with the rest at the base', () => {
  const { scenario } = loadScenario(join(here, 'datadog-talk.yaml'));
  const plan = expandPlan(scenario, { kernel: 'k', ipvsMissing: 'no IPVS' });
  assert.deepEqual(
    plan.runs.map((r) => r.id),
    [
      'direct.iptables-nft.coredns',
      'vxlan.iptables-nft.coredns',
      'bgp.iptables-nft.coredns',
      'direct.nftables.coredns',
      'direct.cilium.coredns',
      'direct.iptables-nft.nodelocal',
    ],
  );
  assert.deepEqual(plan.skipped, []);
});

test('the iptables backend multiplies only iptables runs', () => {
  const { scenario } = loadScenario(join(here, 'service-churn.yaml'));
  const plan = expandPlan(scenario, { kernel: 'k' });
  assert.deepEqual(
    plan.runs.map((r) => r.id),
    ['direct.iptables-nft.coredns', 'direct.iptables-legacy.coredns', 'direct.nftables.coredns'],
  );
});

test('scenarios/schema.json is the schema the code has (regenerate: npx scalelab schema --out scenarios/schema.json)', async () => {
  const { scenarioSchema } = await import('./schema.ts');
  const committed = JSON.parse(readFileSync(join(here, 'schema.json'), 'utf8'));
  const { $schema: _s, title: _t, ...rest } = committed;
  assert.deepEqual(rest, JSON.parse(JSON.stringify(scenarioSchema.jsonSchema())));
});

test('a file over 1 MiB, a missing file and a directory are refused before parsing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const huge = join(dir, 'huge.yaml');
  writeFileSync(huge, `name: huge\ndescription: "${'x'.repeat(2 * 1024 * 1024)}"\n`);
  const cases: [string, RegExp][] = [
    [huge, /huge\.yaml:1:1 \(file\): is \d+ bytes; a scenario may be at most 1048576 bytes/],
    [join(dir, 'missing.yaml'), /missing\.yaml:1:1 \(file\): cannot be read: ENOENT/],
    [dir, /:1:1 \(file\): not a regular file/],
  ];
  for (const [path, message] of cases)
    assert.throws(
      () => loadScenario(path),
      (err: unknown) => err instanceof ScenarioError && message.test(err.message),
    );
});
