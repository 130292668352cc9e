import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../events.ts';
import type { Measurement, PhaseEnd } from './measurement.ts';
import { timedMeasurement } from './timed.ts';

test('a timed measurement passes every call through and prints one debug line per start, snapshot and stop', async () => {
  const calls: string[] = [];
  const inner: Measurement = {
    start: async () => void calls.push('start'),
    mark: async (phase: string, end?: PhaseEnd) =>
      void calls.push(`mark ${phase} ${end?.round}/${end?.rounds}`),
    stop: async () => void calls.push('stop'),
    collect: () =>
      ({ name: 'ruleSync', definition: '', source: '', units: '', summary: {}, errors: [] }) as never,
  };
  const events: LogEvent[] = [];
  const m = timedMeasurement(inner, 'v1: ruleSync', (e) => events.push(e));
  await m.start();
  await m.mark!('round-r2', { round: 2, rounds: 8 });
  await m.stop();
  assert.equal((m.collect() as { name: string }).name, 'ruleSync');
  assert.deepEqual(calls, ['start', 'mark round-r2 2/8', 'stop']);
  assert.deepEqual(
    events.map((e) => (e.kind === 'debug' ? e.message.replace(/[\d.]+ s$/, 'N s') : e.kind)),
    ['v1: ruleSync: start N s', 'v1: ruleSync: snapshot after round-r2 N s', 'v1: ruleSync: stop N s'],
  );
});

test('a measurement without snapshots stays without them', () => {
  const m = timedMeasurement(
    { start: async () => {}, stop: async () => {}, collect: () => ({}) as never },
    'v',
    () => {},
  );
  assert.equal(m.mark, undefined);
});

test('a measurement that closes last (what the variants share) still does once timed', () => {
  const inner = { start: async () => {}, stop: async () => {}, collect: () => ({}) as never };
  assert.equal(timedMeasurement({ ...inner, closesLast: true }, 'v', () => {}).closesLast, true);
  assert.equal(timedMeasurement(inner, 'v', () => {}).closesLast, undefined);
});
