import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { AgentMetrics, thresholdHolds } from './metrics.ts';
import { timedGet } from './http-timings.ts';

test('timedGet times a new connection to a loopback server, and reports failures', async () => {
  const server = createServer((req, res) =>
    setTimeout(() => res.end(req.url === '/missing' ? '' : 'pod-a'), 20),
  );
  server.on('request', (req, res) => req.url === '/missing' && (res.statusCode = 404));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  try {
    const ok = await timedGet(`http://127.0.0.1:${port}/hostname`);
    assert.equal(ok.body, 'pod-a');
    assert.equal(ok.failed, false);
    assert.ok(ok.waiting >= 15, `waiting ${ok.waiting} ms covers the server's 20 ms`);
    assert.ok(ok.duration >= ok.waiting);
    const missing = await timedGet(`http://127.0.0.1:${port}/missing`);
    assert.equal(missing.status, 404);
    assert.equal(missing.failed, true);
  } finally {
    server.close();
  }
  const refused = await timedGet(`http://127.0.0.1:${port}/`);
  assert.equal(refused.failed, true);
  assert.match(refused.error ?? '', /ECONNREFUSED/);
});

test('metrics keep k6 names, HDR percentiles in ms, and the failure rate', () => {
  const m = new AgentMetrics();
  const base = {
    blocked: 0,
    looking_up: 0,
    sending: 0.1,
    receiving: 0.1,
    status: 200,
    failed: false,
    body: '',
  };
  for (let i = 1; i <= 100; i++) m.addRequest({ ...base, connecting: i / 10, waiting: i, duration: i + 0.2 });
  m.addRequest({
    ...base,
    connecting: 0,
    waiting: 0,
    duration: 0,
    status: 0,
    failed: true,
    error: 'ECONNREFUSED',
  });
  const s = m.summary();
  assert.equal(s.http_reqs, 101);
  assert.ok(Math.abs(s.http_req_failed - 1 / 101) < 1e-12);
  assert.ok(Math.abs(s.trends.http_req_waiting.p50 - 50) <= 0.1, String(s.trends.http_req_waiting.p50));
  assert.ok(Math.abs(s.trends.http_req_waiting.max - 100) <= 0.1);
  assert.equal(s.trends.http_req_connecting.count, 101);
});

test('thresholds read k6 expressions', () => {
  const t = { count: 10, p50: 5, p90: 9, p99: 12, max: 15, avg: 6 };
  assert.equal(thresholdHolds('p(99)<20', t), true);
  assert.equal(thresholdHolds('p(90) < 9', t), false);
  assert.equal(thresholdHolds('avg<=6', t), true);
  assert.equal(thresholdHolds('rate<0.01', 0.02), false);
  assert.throws(() => thresholdHolds('p(75)<3', t), /p\(50\), p\(90\), p\(99\)/);
  assert.throws(() => thresholdHolds('median<3', t), /expected e\.g\./);
});
