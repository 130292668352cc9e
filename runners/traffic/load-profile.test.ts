import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { parseDuration, runProfile } from './load-profile.ts';
import * as connect from './profiles/connect.ts';

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
    // 100 arrivals in the second; on a machine busy with labs a few timers fire after its end (95 seen).
    assert.ok(r.summary.http_reqs >= 90 && r.summary.http_reqs <= 102, `${r.summary.http_reqs} requests`);
    // An arrival is dropped only when every VU is busy; a loaded machine that delays replies past 80 ms can
    // drop a few, so the schedule is judged by what ran plus what was dropped.
    assert.ok(
      r.summary.dropped_iterations <= 5 && r.summary.http_reqs + r.summary.dropped_iterations >= 90,
      `${r.summary.dropped_iterations} dropped, ${r.summary.http_reqs} ran`,
    );
    assert.ok(r.summary.trends.req_total.p50 >= 30);
    // One VU cannot keep 100/s at 30 ms each: most arrivals are dropped and counted.
    const starved = await runProfile(
      { options: { rate: 100, vus: 1, duration: '1s' }, default: connect.default },
      { TARGET: target },
    );
    assert.ok(starved.summary.dropped_iterations > 50, `${starved.summary.dropped_iterations} dropped`);
  } finally {
    server.close();
  }
});
