import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { pullVerdict } from './preflight-image.ts';

const withState = (state: object, imageID = ''): V1Pod => ({
  status: {
    containerStatuses: [{ name: 'agent', image: 'x', imageID, ready: false, restartCount: 0, state }],
  },
});

test('a pull failure is a verdict with the reason and message', () => {
  assert.deepEqual(
    pullVerdict(withState({ waiting: { reason: 'ImagePullBackOff', message: 'not found' } })),
    {
      pulled: false,
      reason: 'ImagePullBackOff: not found',
    },
  );
  assert.equal(pullVerdict(withState({ waiting: { reason: 'ErrImagePull' } }))?.pulled, false);
});

test('a started container, whatever its exit, means the image was pulled', () => {
  assert.deepEqual(pullVerdict(withState({ terminated: { exitCode: 2 } })), { pulled: true });
  assert.deepEqual(pullVerdict(withState({ running: {} })), { pulled: true });
});

test('still creating or pending: no verdict yet', () => {
  assert.equal(pullVerdict({ status: { phase: 'Pending' } }), undefined);
  assert.equal(pullVerdict(withState({ waiting: { reason: 'ContainerCreating' } })), undefined);
});
