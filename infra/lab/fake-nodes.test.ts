import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, paths } from '../api/api-writes.ts';
import { fakeNodeName, readyNodesInTable, retry } from './fake-nodes.ts';

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

// As kube-apiserver v1.36.3 serves /api/v1/nodes?includeObject=None with `Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io` (a lab's kwok nodes, 2026-12-06; descriptions left out).
const columns = ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image'];
const row = (name: string, status: string) => ({
  cells: [name, status, '<none>', '3s', 'kwok-0.8.0', '198.18.64.1', '<none>', '<unknown>'],
});
const nodeTable = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  columnDefinitions: columns.map((name) => ({ name, type: 'string' })),
  rows: [
    row('kwok-node-0', 'Ready'),
    row('kwok-node-1', 'Ready,SchedulingDisabled'),
    row('kwok-node-2', 'NotReady'),
    row('kwok-node-3', 'Unknown'),
  ],
};

test('the node table counts Ready rows, cordoned ones too, not NotReady or Unknown', () => {
  assert.equal(readyNodesInTable(nodeTable), 2);
});

test('a node table without a Status column is an error, not zero Ready nodes', () => {
  assert.throws(
    () => readyNodesInTable({ columnDefinitions: [{ name: 'Name' }], rows: [{ cells: ['kwok-node-0'] }] }),
    /no Status column/,
  );
});
