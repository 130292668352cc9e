import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText } from '../runners/measurements/prometheus.ts';
import { latencyMs, non2xx, requestsByCode } from './peer-churn-apiserver.ts';

const before = parsePrometheusText(`
apiserver_request_total{code="201",resource="pods",subresource="",verb="POST"} 10
apiserver_request_total{code="201",resource="pods",subresource="binding",verb="POST"} 10
apiserver_request_total{code="201",resource="services",subresource="",verb="POST"} 5
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="0.1"} 10
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="1"} 10
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="+Inf"} 10
apiserver_request_duration_seconds_count{resource="pods",subresource="",verb="POST"} 10
apiserver_request_duration_seconds_sum{resource="pods",subresource="",verb="POST"} 0.5
`);
const after = parsePrometheusText(`
apiserver_request_total{code="201",resource="pods",subresource="",verb="POST"} 110
apiserver_request_total{code="500",resource="pods",subresource="",verb="POST"} 2
apiserver_request_total{code="201",resource="pods",subresource="binding",verb="POST"} 110
apiserver_request_total{code="201",resource="services",subresource="",verb="POST"} 5
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="0.1"} 60
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="1"} 110
apiserver_request_duration_seconds_bucket{resource="pods",subresource="",verb="POST",le="+Inf"} 112
apiserver_request_duration_seconds_count{resource="pods",subresource="",verb="POST"} 112
apiserver_request_duration_seconds_sum{resource="pods",subresource="",verb="POST"} 40
`);
const podCreates = (l: Record<string, string>) =>
  l.verb === 'POST' && l.resource === 'pods' && !l.subresource;

test('requests between two scrapes, by code, only those matched (not the scheduler’s bindings)', () => {
  const codes = requestsByCode(before, after, podCreates);
  assert.deepEqual(codes, { '201': 100, '500': 2 });
  assert.equal(non2xx(codes), 2);
  assert.deepEqual(
    requestsByCode(before, after, (l) => l.resource === 'services'),
    {},
  );
});

test('latency quantiles of the requests between the scrapes', () => {
  // 102 new requests: 50 under 0.1 s, 50 in (0.1, 1], 2 above 1 s; rank 51 lies 1/50 into (0.1, 1].
  const l = latencyMs(before, after, podCreates);
  assert.equal(l.requests, 102);
  assert.equal(l.p50Ms, 118);
  assert.equal(l.p99Ms, 1000); // in +Inf: the highest finite bound, a lower limit
  assert.deepEqual(
    latencyMs(before, after, () => false),
    { requests: 0, p50Ms: null, p99Ms: null },
  );
});
