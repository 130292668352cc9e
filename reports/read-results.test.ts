import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../runners/errors.ts';
import { classifyResultsFile, readResults } from './read-results.ts';
import { exampleResults } from './testdata/synthetic.ts';

const examples = fileURLToPath(new URL('../docs/results/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scalelab-read-'));

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
    for (const f of runs) assert.equal(readResults(join(examples, f)).schema, 'scalelab.results/v1');
  });

  test('refuses the lab-up benchmark file, naming the file, the field and what it is', () => {
    const lab = readdirSync(examples).find((f) => f.startsWith('lab-up-'))!;
    const message = refusal(join(examples, lab));
    assert.match(message, new RegExp(`${lab}: schema: "scalelab.bench.lab-up/v1" is a lab-up benchmark`));
    assert.match(message, /expected "scalelab.results\/v1"/);
  });

  test('refuses an unknown results version with a clear message', () => {
    const message = refusal(write('v2.json', { ...exampleResults(), schema: 'scalelab.results/v2' }));
    assert.match(
      message,
      /v2.json: schema: results version "scalelab.results\/v2" is not one this scalelab reads/,
    );
  });

  test('names the field path and what was expected for a malformed file', () => {
    const r = exampleResults() as unknown as { variants: Record<string, unknown>[] };
    r.variants[2]!.status = 'ok';
    delete r.variants[0]!.slos;
    const message = refusal(write('bad.json', r));
    assert.match(message, /variants\[0\]\.slos: expected an array, got nothing/);
    assert.match(
      message,
      /variants\[2\]\.status: expected one of running \| passed \| slo-failed \| invalid \| failed, got "ok"/,
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
      /schema: expected "scalelab\.results\/v1", got nothing/,
    ],
    ['schema-number', (d) => ({ ...d, schema: 1 }), /schema: expected "scalelab\.results\/v1", got 1/],
    ['foreign-schema', (d) => ({ ...d, schema: 'k6.summary/v1' }), /got "k6\.summary\/v1"/],
    ['no-manifest', (d) => ({ ...d, manifest: undefined }), /manifest: expected an object/],
    ['manifest-string', (d) => ({ ...d, manifest: 'x' }), /manifest: expected an object, got "x"/],
    [
      'bad-start',
      (d) => ((d.manifest.startedAt = 'yesterday'), d),
      /manifest\.startedAt: expected an ISO time/,
    ],
    [
      'no-scenario-name',
      (d) => ((d.manifest.scenario.name = 7), d),
      /manifest\.scenario\.name: expected a string/,
    ],
    ['variants-object', (d) => ({ ...d, variants: {} }), /variants: expected an array/],
    ['variant-null', (d) => ((d.variants[0] = null), d), /variants\[0\]: expected an object/],
    [
      'variant-id',
      (d) => ((d.variants[0].id = ['a']), d),
      /variants\[0\]\.id: expected a string, got an array/,
    ],
    [
      'axis-missing',
      (d) => (delete d.variants[0].variant.dns, d),
      /variants\[0\]\.variant\.dns: expected a string/,
    ],
    ['phases-string', (d) => ((d.variants[0].phases = 'p'), d), /variants\[0\]\.phases: expected an array/],
    ['phase-churn', (d) => ((d.variants[0].phases[0].churn = 1), d), /phases\[0\]\.churn: expected an array/],
    [
      'measurement-name',
      (d) => ((d.variants[0].measurements[0].name = null), d),
      /measurements\[0\]\.name: expected one of networkProgrammingLatency, .*dns, got null/,
    ],
    [
      'measurement-name-typo',
      (d) => ((d.variants[0].measurements[0].name = 'ruleSynch'), d),
      /measurements\[0\]\.name: expected one of .*ruleSync.*, got "ruleSynch"/,
    ],
    [
      'summary-string',
      (d) => ((d.variants[0].measurements[0].summary.p = '<b>'), d),
      /summary\.p: expected a number or null, got "<b>"/,
    ],
    [
      'summary-infinite',
      (d) => ((d.variants[0].measurements[0].summary = { p: '1e999' }), d),
      /summary\.p: expected a number or null/,
    ],
    [
      'slo-threshold',
      (d) => ((d.variants[0].slos = [{ name: 'x', thresholdMs: '1' }]), d),
      /slos\[0\]\.thresholdMs: expected a number/,
    ],
    [
      'validity',
      (d) => ((d.variants[0].validity = { valid: 'yes' }), d),
      /variants\[0\]\.validity: expected \{ valid: boolean/,
    ],
    ['skipped-reason', (d) => ({ ...d, skipped: [{ id: 'x' }] }), /skipped\[0\]\.reason: expected a string/],
    ['errors-null', (d) => ({ ...d, errors: null }), /errors: expected an array/],
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
