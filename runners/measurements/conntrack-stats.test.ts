import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conntrackDelta, parseConntrackStats } from './conntrack-stats.ts';

// conntrack-tools 1.4.7 on Linux 6.18, two CPUs.
const text = `cpu=0   \tfound=3 invalid=1 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=2 clash_resolve=4 chaintoolong=0 
cpu=1   \tfound=1 invalid=0 insert=0 insert_failed=1 drop=1 early_drop=0 error=0 search_restart=0 clash_resolve=3 chaintoolong=0 
`;

test('conntrack -S: the per-CPU counters summed', () => {
  const c = parseConntrackStats(text);
  assert.equal(c.found, 4);
  assert.equal(c.insert_failed, 1);
  assert.equal(c.drop, 1);
  assert.equal(c.clash_resolve, 7);
  assert.equal(c.search_restart, 2);
  assert.equal(c.cpu, undefined);
  assert.deepEqual(parseConntrackStats(''), {});
});

test('deltas are summed over nodes; a counter missing before counts from 0', () => {
  const d = conntrackDelta({
    'real-node-1': { before: { drop: 1, clash_resolve: 2 }, after: { drop: 1, clash_resolve: 5 } },
    'real-node-2': { before: {}, after: { drop: 2, clash_resolve: 1 } },
  });
  assert.deepEqual(d, { drop: 2, clash_resolve: 4 });
});
