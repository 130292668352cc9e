import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runResultsSchema, resultsSchemaVersion } from './definition.ts';
import { upgradeResults } from './upgrade.ts';
import { readResults } from '../../reports/read-results.ts';
import { UserError } from '../errors.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const examples = fileURLToPath(new URL('../../docs/results/', import.meta.url));
const v1Files = readdirSync(examples).filter((f) => f.endsWith('.json') && !f.startsWith('lab-up-'));
const load = (f: string) => JSON.parse(readFileSync(join(examples, f), 'utf8')) as Record<string, any>;

test('results.schema.json is the definition the code has (regenerate: npx scalelab schema --results --out runners/results/results.schema.json)', () => {
  const committed = JSON.parse(readFileSync(join(here, 'results.schema.json'), 'utf8'));
  const { $schema: _s, title: _t, ...rest } = committed;
  assert.deepEqual(rest, JSON.parse(JSON.stringify(runResultsSchema.jsonSchema())));
});

test('every shipped results file (v1 upgraded) is a document the definition accepts whole', () => {
  assert.ok(v1Files.filter((f) => load(f).schema === 'scalelab.results/v1').length >= 20);
  for (const f of v1Files) {
    const doc = load(f);
    assert.match(doc.schema, /^scalelab\.results\/v[12]$/, f);
    const issues: unknown[] = [];
    assert.ok(
      runResultsSchema.parse(upgradeResults(doc), [], issues as never),
      `${f}: ${JSON.stringify(issues)}`,
    );
  }
});

test('v1 to v2: the Kubernetes pin from the manifest, one background namespace, the per-phase lists empty', () => {
  const doc = load('quick-2026-11-25T13-33-16-799Z.json');
  assert.equal(doc.variants[0].variant.kubernetesVersion, undefined);
  const up = upgradeResults(doc) as Record<string, any>;
  assert.equal(up.schema, resultsSchemaVersion);
  assert.equal(
    up.variants[0].variant.kubernetesVersion,
    'v1.36.3',
    'kube-apiserver printed "Kubernetes v1.36.3"',
  );
  assert.equal(up.variants[0].background.namespaces, 1);
  const rs = up.variants[0].measurements.find((m: { name: string }) => m.name === 'ruleSync');
  assert.deepEqual(rs.details.phases, []);
  assert.equal(doc.schema, 'scalelab.results/v1', 'the input is left as it was');
  // A run with two pins kept its own per variant.
  const two = upgradeResults(load('upgrade-check-2026-11-25T19-16-07-831Z.json')) as Record<string, any>;
  assert.deepEqual(
    two.variants.map((v: { variant: { kubernetesVersion: string } }) => v.variant.kubernetesVersion),
    ['v1.36.3', 'v1.36.3', 'v1.37.2', 'v1.37.2'],
  );
  assert.equal(upgradeResults({ ...doc, schema: 'scalelab.results/v0' }), undefined);
});

test("a measurement's details of the wrong shape are refused, the field named", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalelab-details-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const refusal = (mutate: (d: Record<string, any>) => void): string => {
    const doc = upgradeResults(load('cost-growth-2026-12-05T20-52-50-030Z.json')) as Record<string, any>;
    mutate(doc);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(doc));
    try {
      readResults(file);
    } catch (err) {
      assert.ok(err instanceof UserError);
      return err.message;
    }
    assert.fail('a wrong detail shape was read');
  };
  const measurement = (d: Record<string, any>, name: string) =>
    d.variants[0].measurements.find((m: { name: string }) => m.name === name);
  assert.match(
    refusal((d) => (measurement(d, 'ruleSync').details.phases[1].rules = 'many')),
    /bad\.json: variants\[0\]\.measurements\[\d\]\.details\.phases\[1\]\.rules: must be a number ≥ 0, got "many"/,
  );
  assert.match(
    refusal((d) => (measurement(d, 'connectionLatency').details.bySize = { services: 100 })),
    /variants\[0\]\.measurements\[\d\]\.details\.bySize: must be a list, got a mapping/,
  );
  assert.match(
    refusal((d) => delete measurement(d, 'controlPlane').details.byPhase[0].phase),
    /variants\[0\]\.measurements\[\d\]\.details\.byPhase\[0\]\.phase: is required \(must be a string\)/,
  );
});
