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
