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
