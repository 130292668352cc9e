import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { parseDuration, runProfile } from './load-profile.ts';
import * as connect from './profiles/connect.ts';
import * as paired from './profiles/connect-paired.ts';

test('durations read as k6 writes them', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2m'), 120_000);
  assert.throws(() => parseDuration('2 minutes'), /expected e\.g\./);
});

test('a profile runs its iterations against a loopback server and judges its thresholds', async () => {
  const server = createServer((_req, res) => res.end('pod-a')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const target = `127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const r = await runProfile(
      { options: { ...connect.options, duration: undefined, iterations: 40 }, default: connect.default },
      { TARGET: target },
    );
    assert.equal(r.summary.http_reqs, 40);
    assert.equal(r.summary.iterations, 40);
    assert.equal(r.summary.http_req_failed, 0);
    assert.deepEqual(
      r.thresholds.map((t) => [t.metric, t.ok]),
      [
        ['http_req_failed', true],
        ['http_req_connecting', true],
      ],
    );
  } finally {
    server.close();
  }
});

test('a constant arrival rate starts iterations on schedule, whatever the latency', async () => {
  // Each reply takes 30 ms; at 100 arrivals/s one VU could do ~33/s, so 8 VUs keep the schedule.
  const server = createServer((_req, res) => setTimeout(() => res.end('pod-a'), 30)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const target = `127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const r = await runProfile(
      { options: { rate: 100, vus: 8, duration: '1s' }, default: connect.default },
      { TARGET: target },
    );
    // Never more than the schedule's 100 arrivals (plus the one at t = 0 that rounding may add). Fewer when the
    // machine is loaded: a timer that fires after the second's end starts nothing (78 seen with a lab benchmark
    // and the unit tests sharing 2 cores), so the floor is loose; the comparison below is what is judged.
    const scheduled = (x: typeof r) => x.summary.http_reqs + x.summary.dropped_iterations;
    assert.ok(scheduled(r) <= 101 && r.summary.http_reqs >= 50, `${r.summary.http_reqs} ran`);
    assert.ok(r.summary.trends.req_total.p50 >= 30);
    // One VU cannot keep 100/s at 30 ms each: most arrivals are dropped and counted, where 8 VUs ran most.
    const starved = await runProfile(
      { options: { rate: 100, vus: 1, duration: '1s' }, default: connect.default },
      { TARGET: target },
    );
    assert.ok(scheduled(starved) <= 101);
    assert.ok(
      starved.summary.dropped_iterations > starved.summary.http_reqs,
      `1 VU: ${starved.summary.dropped_iterations} dropped, ${starved.summary.http_reqs} ran`,
    );
    assert.ok(
      r.summary.dropped_iterations < r.summary.http_reqs &&
        r.summary.http_reqs >= 2 * starved.summary.http_reqs,
      `8 VUs: ${r.summary.http_reqs} ran, ${r.summary.dropped_iterations} dropped; 1 VU: ${starved.summary.http_reqs} ran`,
    );
  } finally {
    server.close();
  }
});

test('the paired profile counts only the VIP side in the metrics and keeps one difference per pair', async () => {
  const vipServer = createServer((_req, res) => res.end('pod-a')).listen(0, '127.0.0.1');
  const podServer = createServer((_req, res) => res.end('pod-a')).listen(0, '127.0.0.1');
  await Promise.all([once(vipServer, 'listening'), once(podServer, 'listening')]);
  const at = (s: typeof vipServer) => `127.0.0.1:${(s.address() as { port: number }).port}`;
  try {
    const r = await runProfile(
      { options: { ...paired.options, duration: undefined, iterations: 30 }, default: paired.default },
      { TARGET: at(vipServer), DIRECT: at(podServer) },
    );
    assert.equal(r.summary.http_reqs, 30, 'the direct requests are not in the metrics');
    assert.equal(r.samples?.vip_minus_direct_connecting?.length, 30);
    assert.ok(r.samples!.vip_minus_direct_connecting!.every(Number.isFinite));
    // Both answer "pod-a": every pair reached the same backend.
    assert.deepEqual(new Set(r.samples?.vip_reached_direct_pod), new Set([1]));
  } finally {
    vipServer.close();
    podServer.close();
  }
});
