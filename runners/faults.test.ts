import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadComponents, processNameFor } from './faults.ts';
import type { LabState } from '../infra/lab/state.ts';

test('node-scoped faults name the real node', () => {
  assert.equal(processNameFor({ kill: 'kube-proxy', node: 2, afterSeconds: 0 }), 'kube-proxy-2');
  assert.equal(processNameFor({ kill: 'kube-apiserver', node: 1, afterSeconds: 0 }), 'kube-apiserver');
});

test('a dead daemon is named, with the fault that killed it or its log', () => {
  const state = {
    processes: [
      { name: 'kube-apiserver', pid: 2 ** 22 + 1, startTime: 1, argv: [], log: '/x/apiserver.log' },
      { name: 'kwok', pid: 2 ** 22 + 2, startTime: 1, argv: [], log: '/x/kwok.log' },
      { name: 'forwarder', pid: 2 ** 22 + 3, startTime: 1, argv: [], log: '/x/fwd.log' },
      { name: 'alive', pid: process.pid, startTime: 0, argv: [], log: '/x/alive.log' },
    ],
  } as unknown as LabState;
  const dead = deadComponents(state, [
    { kill: 'kube-apiserver', target: 'kube-apiserver', phase: 'p2', at: 'T', pid: 2 ** 22 + 1 },
  ]);
  assert.deepEqual(dead, [
    `kube-apiserver (pid ${2 ** 22 + 1}) is not running: killed by a fault in phase p2 at T; nothing restarts it`,
    `kwok (pid ${2 ** 22 + 2}) is not running: it exited on its own; its log: /x/kwok.log`,
  ]);
});
