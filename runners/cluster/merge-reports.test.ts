import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentMetrics } from '../traffic/metrics.ts';
import type { ProfileReport } from '../traffic/load-profile.ts';
import { mergeProfileReports } from './merge-reports.ts';

/** A worker's report of requests whose every phase took `ms` (one failed every `failEvery`). */
function worker(msList: number[], failEvery = 0): ProfileReport {
  const m = new AgentMetrics();
  msList.forEach((ms, i) =>
    m.addRequest({
      blocked: 0,
      looking_up: 0,
      connecting: ms,
      sending: 0,
      waiting: ms,
      receiving: 0,
      duration: ms,
      failed: failEvery > 0 && i % failEvery === 0,
      status: 200,
      body: '',
    }),
  );
  m.iterations = msList.length;
  const thresholds = [{ metric: 'http_req_connecting', expression: 'p(99)<50', ok: true }];
  return { summary: m.summary(), thresholds, seconds: 3, histograms: m.histograms() };
}

test('merged percentiles are those of every request, not an average of the workers', () => {
  const fast = worker(Array.from({ length: 99 }, () => 1));
  const slow = worker([100], 1);
  const r = mergeProfileReports([fast, slow]);
  assert.equal(r.summary.http_reqs, 100);
  assert.equal(r.summary.iterations, 100);
  assert.equal(r.summary.http_req_failed, 0.01);
  assert.equal(r.summary.trends.http_req_connecting.p50, 1);
  assert.equal(r.summary.trends.http_req_connecting.max, 100.031);
  assert.equal(r.histograms, undefined, 'the results keep summaries only');
});

test('thresholds are judged again on the merged figures', () => {
  const ok = worker(Array.from({ length: 50 }, () => 1));
  const late = worker(Array.from({ length: 50 }, () => 80));
  assert.ok(ok.thresholds[0]!.ok);
  assert.equal(mergeProfileReports([ok, late]).thresholds[0]!.ok, false);
});

test('a worker without histograms (an older agent image) is refused, naming why', () => {
  const { histograms: _, ...old } = worker([1]);
  assert.throws(() => mergeProfileReports([old]), /no histograms \(an older agent image\?\)/);
});

test("the workers' raw samples are concatenated, series by series", () => {
  const a = { ...worker([1]), samples: { d: [0.1, -0.2] } };
  const b = { ...worker([1]), samples: { d: [0.3], e: [1] } };
  assert.deepEqual(mergeProfileReports([a, b]).samples, { d: [0.1, -0.2, 0.3], e: [1] });
  assert.equal(mergeProfileReports([worker([1])]).samples, undefined);
});
