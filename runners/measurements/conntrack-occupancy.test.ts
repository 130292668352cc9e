import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConntrackCount } from './conntrack-occupancy.ts';

test('conntrack -C: the count alone, anything else refused with what it printed', () => {
  assert.equal(parseConntrackCount('10314\n'), 10314);
  assert.equal(parseConntrackCount('0'), 0);
  assert.throws(
    () => parseConntrackCount('conntrack v1.4.7: Operation not permitted'),
    /expected a count, got "conntrack v1/,
  );
});
