import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getText } from './get-text.ts';

test('a connection cut mid-body rejects instead of leaving the GET pending forever', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('# HELP partial');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    const got = getText((cb) => request({ host: '127.0.0.1', port, path: '/metrics' }, cb), 'metrics', 5000);
    await assert.rejects(got, /closed mid-response|aborted|socket hang up/);
  } finally {
    server.close();
  }
});
