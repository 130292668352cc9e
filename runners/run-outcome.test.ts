import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exitCodeOf, notJudgedExitCode } from './run-outcome.ts';
import { exampleResults } from '../reports/testdata/synthetic.ts';
import type { RunResults, VariantResult } from './results/schema.ts';

/** The shipped example (six passed variants) with each variant's status replaced in turn by `statuses`. */
function withStatuses(...statuses: VariantResult['status'][]): RunResults {
  const r = exampleResults();
  (r as { variants: RunResults['variants'] }).variants = r.variants
    .slice(0, statuses.length)
    .map((v, i) => ({ ...v, status: statuses[i]! }));
  return r;
}

describe('exitCodeOf', () => {
  test('every variant passed: 0', () => assert.equal(exitCodeOf(withStatuses('passed', 'passed'), false), 0));
  test('an SLO failed: 3', () => assert.equal(exitCodeOf(withStatuses('passed', 'slo-failed'), false), 3));
  test('a variant failed: 1, whatever the others', () =>
    assert.equal(exitCodeOf(withStatuses('invalid', 'failed', 'slo-failed'), false), 1));
  test('every variant invalid: 5 "not judged", never 0', () => {
    assert.equal(notJudgedExitCode, 5);
    assert.equal(exitCodeOf(withStatuses('invalid', 'invalid', 'invalid'), false), 5);
  });
  test('no variant ran (every one skipped): 5, the run measured nothing', () =>
    assert.equal(exitCodeOf(withStatuses(), false), 5));
  test('some invalid, the rest judged: the judged ones decide', () => {
    assert.equal(exitCodeOf(withStatuses('invalid', 'passed'), false), 0);
    assert.equal(exitCodeOf(withStatuses('invalid', 'slo-failed'), false), 3);
  });
  test('the run itself failed: 1; interrupted: 130 before anything else', () => {
    const r = withStatuses('passed');
    (r as { status: RunResults['status'] }).status = 'failed';
    assert.equal(exitCodeOf(r, false), 1);
    assert.equal(exitCodeOf(withStatuses('failed'), true), 130);
  });
});
