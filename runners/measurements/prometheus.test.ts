import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogram, histogramDelta, histogramQuantile, parsePrometheusText } from './prometheus.ts';

// Shaped as kube-apiserver serves it; figures made up for the arithmetic.
const text = `# HELP apiserver_request_duration_seconds [STABLE] Response latency
# TYPE apiserver_request_duration_seconds histogram
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="POST",le="0.005"} 10
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="POST",le="0.01"} 30
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="POST",le="0.1"} 40
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="POST",le="+Inf"} 40
apiserver_request_duration_seconds_sum{component="apiserver",resource="nodes",verb="POST"} 0.4
apiserver_request_duration_seconds_count{component="apiserver",resource="nodes",verb="POST"} 40
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="GET",le="0.005"} 5
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="GET",le="0.01"} 5
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="GET",le="0.1"} 5
apiserver_request_duration_seconds_bucket{component="apiserver",resource="nodes",verb="GET",le="+Inf"} 5
weird_label{msg="a \\"quoted\\" word"} 1
`;

test('parses names, labels with escapes, and values', () => {
  const s = parsePrometheusText(text);
  assert.equal(s.length, 11);
  assert.equal(s.at(-1)!.labels.msg, 'a "quoted" word');
});

test('quantiles interpolate inside buckets, per label filter', () => {
  const s = parsePrometheusText(text);
  const post = histogram(s, 'apiserver_request_duration_seconds', (l) => l.verb === 'POST');
  assert.equal(post.count, 40);
  assert.equal(histogramQuantile(0.25, post), 0.005);
  assert.equal(histogramQuantile(0.5, post), 0.0075);
  assert.ok(Math.abs(histogramQuantile(0.875, post) - 0.055) < 1e-12);
  assert.ok(Number.isNaN(histogramQuantile(0.5, histogram(s, 'missing'))));
});

test('a delta keeps only what was observed between scrapes', () => {
  const s = parsePrometheusText(text);
  const all = histogram(s, 'apiserver_request_duration_seconds');
  const get = histogram(s, 'apiserver_request_duration_seconds', (l) => l.verb === 'GET');
  const d = histogramDelta(all, get);
  assert.equal(d.count, 40 - 0);
  assert.deepEqual(
    d.buckets.map((b) => b.count),
    [10, 30, 40, 40],
  );
});
