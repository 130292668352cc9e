import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, paths } from '../api/api-writes.ts';
import { fakeNodeName, retry } from './fake-nodes.ts';

test('fake nodes are created at the cluster-scoped nodes collection', () => {
  assert.equal(paths.nodes(), '/api/v1/nodes');
  assert.equal(paths.nodes(fakeNodeName(7)), '/api/v1/nodes/kwok-node-7');
});

test('retry: a write that got no answer (a reset stream, a string code) is tried again', async () => {
  let calls = 0;
  const reset = Object.assign(new Error('stream reset'), { code: 'ERR_HTTP2_STREAM_ERROR' });
  const got = await retry(async () => {
    if (++calls === 1) throw reset;
    return 'created';
  }, 'create node kwok-node-0');
  assert.equal(got, 'created');
  assert.equal(calls, 2);
});

test('retry: an answer that will not change (a 422) fails at once, naming what was done', async () => {
  let calls = 0;
  await assert.rejects(
    retry(async () => {
      calls++;
      throw new ApiError(422, 'POST', paths.nodes(), '{"message":"Node is invalid"}');
    }, 'create node kwok-node-0'),
    /^Error: create node kwok-node-0: POST \/api\/v1\/nodes: HTTP 422: Node is invalid$/,
  );
  assert.equal(calls, 1);
});
