import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from './dns-node-samples.ts';

test('each sample is summed over nodes; a sample with a failed node is left out of the figures', () => {
  const s = summarize(
    [
      { atMs: 0, udp53Entries: { a: 10, b: 2 }, tcp53Established: { a: 0, b: 0 } },
      { atMs: 5000, udp53Entries: { a: 30, b: 4 }, tcp53Established: { a: 2, b: 1 } },
      { atMs: 10_000, udp53Entries: { a: 20, b: null }, tcp53Established: { a: 2, b: 2 } },
    ],
    5000,
  );
  assert.equal(s.udp53EntriesP50, 12);
  assert.equal(s.udp53EntriesMax, 34);
  assert.equal(s.tcp53EstablishedP50, 3);
  assert.equal(s.tcp53EstablishedMax, 4);
  assert.equal(s.samples.length, 3);
  const none = summarize([], 5000);
  assert.deepEqual([none.udp53EntriesP50, none.udp53EntriesMax], [null, null]);
});
