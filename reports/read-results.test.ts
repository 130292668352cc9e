import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../runners/errors.ts';
import { classifyResultsFile, readResults } from './read-results.ts';
import { exampleResults } from './testdata/synthetic.ts';

const examples = fileURLToPath(new URL('../docs/results/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scalelab-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

function refusal(file: string): string {
  try {
    readResults(file);
  } catch (err) {
    assert.ok(err instanceof UserError, `a UserError (exit 2), got ${err}`);
    return err.message;
  }
  assert.fail(`${file} was read`);
}

describe('readResults', () => {
  test('reads every shipped run results file', () => {
    const runs = readdirSync(examples).filter((f) => f.endsWith('.json') && !f.startsWith('lab-up-'));
    assert.ok(runs.length >= 4);
    for (const f of runs) assert.equal(readResults(join(examples, f)).schema, 'scalelab.results/v2');
  });

  test('refuses the lab-up benchmark file, naming the file, the field and what it is', () => {
    const lab = readdirSync(examples).find((f) => f.startsWith('lab-up-'))!;
    const message = refusal(join(examples, lab));
    assert.match(message, new RegExp(`${lab}: schema: "scalelab.bench.lab-up/v1" is a lab-up benchmark`));
    assert.match(message, /expected "scalelab.results\/v2"/);
  });

  test('refuses an unknown results version with a clear message', () => {
    const message = refusal(write('v9.json', { ...exampleResults(), schema: 'scalelab.results/v9' }));
    assert.match(
      message,
      /v9.json: schema: results version "scalelab.results\/v9" is not one this scalelab reads \(it reads "scalelab.results\/v2", and upgrades "scalelab.results\/v1"\)/,
    );
  });

  test('names the field path and what was expected for a malformed file', () => {
    const r = exampleResults() as unknown as { variants: Record<string, unknown>[] };
    r.variants[2]!.status = 'ok';
    delete r.variants[0]!.slos;
    const message = refusal(write('bad.json', r));
    assert.match(message, /variants\[0\]\.slos: is required \(must be a list\)/);
    assert.match(
      message,
      /variants\[2\]\.status: must be one of running, passed, slo-failed, invalid, failed, got "ok"/,
    );
  });

  test('not JSON, and a JSON array, are refused with the file named', () => {
    assert.match(refusal(write('text.json', 'not json')), /text.json: is not JSON/);
    assert.match(
      refusal(write('array.json', [1])),
      /array.json: expected a JSON object \(scalelab results\), got an array/,
    );
    assert.match(refusal(join(dir, 'missing.json')), /missing.json: cannot be read \(ENOENT\)/);
  });

  test('classify says what a file is without throwing, and keeps its schema for the site', () => {
    const lab = readdirSync(examples).find((f) => f.startsWith('lab-up-'))!;
    const r = classifyResultsFile(join(examples, lab));
    assert.equal(r.kind, 'other');
    assert.equal(r.kind === 'other' && r.schema, 'scalelab.bench.lab-up/v1');
    const ok = classifyResultsFile(write('ok.json', exampleResults()));
    assert.equal(ok.kind, 'results');
    assert.match(ok.kind === 'results' ? ok.sha256 : '', /^[0-9a-f]{64}$/);
  });
});

describe('the malformed results corpus: each refused with the file, the field and what was expected', () => {
  type Doc = Record<string, any>;
  const cases: [string, (d: Doc) => unknown, RegExp][] = [
    [
      'no-schema',
      (d) => ({ ...d, schema: undefined }),
      /schema: expected "scalelab\.results\/v2", got nothing/,
    ],
    ['schema-number', (d) => ({ ...d, schema: 1 }), /schema: expected "scalelab\.results\/v2", got 1/],
    ['foreign-schema', (d) => ({ ...d, schema: 'k6.summary/v1' }), /got "k6\.summary\/v1"/],
    ['no-manifest', (d) => ({ ...d, manifest: undefined }), /manifest: is required \(must be a mapping\)/],
    ['manifest-string', (d) => ({ ...d, manifest: 'x' }), /manifest: must be a mapping, got "x"/],
    [
      'bad-start',
      (d) => ((d.manifest.startedAt = 'yesterday'), d),
      /manifest\.startedAt: must be an ISO time, got "yesterday"/,
    ],
    [
      'no-scenario-name',
      (d) => ((d.manifest.scenario.name = 7), d),
      /manifest\.scenario\.name: must be a string, got 7/,
    ],
    ['variants-object', (d) => ({ ...d, variants: {} }), /variants: must be a list, got a mapping/],
    ['variant-null', (d) => ((d.variants[0] = null), d), /variants\[0\]: must be a mapping, got null/],
    ['variant-id', (d) => ((d.variants[0].id = ['a']), d), /variants\[0\]\.id: must be a string, got a list/],
    [
      'axis-missing',
      (d) => (delete d.variants[0].variant.dns, d),
      /variants\[0\]\.variant\.dns: is required \(must be one of coredns, nodelocal\)/,
    ],
    [
      'phases-string',
      (d) => ((d.variants[0].phases = 'p'), d),
      /variants\[0\]\.phases: must be a list, got "p"/,
    ],
    [
      'phase-churn',
      (d) => ((d.variants[0].phases[0].churn = 1), d),
      /phases\[0\]\.churn: must be a list, got 1/,
    ],
    [
      'measurement-name',
      (d) => ((d.variants[0].measurements[0].name = null), d),
      /measurements\[0\]\.name: must be one of networkProgrammingLatency, .*dns, got null/,
    ],
    [
      'measurement-name-typo',
      (d) => ((d.variants[0].measurements[0].name = 'ruleSynch'), d),
      /measurements\[0\]\.name: must be one of .*ruleSync.*, got "ruleSynch"/,
    ],
    [
      'summary-string',
      (d) => ((d.variants[0].measurements[0].summary.p = '<b>'), d),
      /summary\.p: must be a number, got "<b>"/,
    ],
    [
      'summary-infinite',
      (d) => ((d.variants[0].measurements[0].summary = { p: '1e999' }), d),
      /summary\.p: must be a number, got "1e999"/,
    ],
    [
      'slo-threshold',
      (d) => ((d.variants[0].slos = [{ name: 'x', thresholdMs: '1' }]), d),
      /slos\[0\]\.thresholdMs: must be a number, got "1"/,
    ],
    [
      'validity',
      (d) => ((d.variants[0].validity = { valid: 'yes' }), d),
      /variants\[0\]\.validity\.valid: must be true or false, got "yes"/,
    ],
    [
      'skipped-reason',
      (d) => ({ ...d, skipped: [{ id: 'x' }] }),
      /skipped\[0\]\.reason: is required \(must be a string\)/,
    ],
    ['errors-null', (d) => ({ ...d, errors: null }), /errors: must be a list, got null/],
  ];
  for (const [name, mutate, message] of cases)
    test(name, () => {
      const doc = mutate(structuredClone(exampleResults()) as unknown as Doc);
      assert.match(refusal(write(`${name}.json`, doc)), new RegExp(`${name}\\.json: .*${message.source}`));
    });

  test('a file over the size limit, a non-UTF-8 file and a JSON nesting bomb', () => {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, Buffer.alloc(65 * 1024 * 1024, 32));
    assert.match(refusal(huge), /huge\.json: is \d+ bytes; results files are at most 67108864/);
    const latin1 = join(dir, 'latin1.json');
    writeFileSync(latin1, Buffer.from('{"schema":"caf\xe9"}', 'latin1'));
    assert.match(refusal(latin1), /latin1\.json: is not UTF-8 text/);
    assert.match(
      refusal(write('deep.json', '['.repeat(200_000) + ']'.repeat(200_000))),
      /deep\.json: expected a JSON object .*got an array/,
    );
  });
});
