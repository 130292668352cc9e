import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientHeader, LookupLine } from '../traffic/dns-lookups.ts';
import { conditionStats, lookupsIn, quantile } from './dns-conditions.ts';

const header: ClientHeader = {
  startMs: 1_000_000,
  rate: 10,
  timeoutMs: 5000,
  attempts: 2,
  ndots: 5,
  search: [],
};
const line = (seq: number, latencyMs: number, outcome: LookupLine['outcome'] = 'ok', code?: string) => ({
  seq,
  startMs: header.startMs + seq * 100,
  latencyMs,
  clientLateMs: seq === 2 ? 12 : 0.1,
  outcome,
  name: 'svc-0',
  ...(code ? { code } : {}),
});

test('lookups are placed in windows by due time; one due there without an answer is a timeout', () => {
  const lines = [
    line(0, 1),
    line(1, 2),
    line(2, 0.5, 'servfail', 'EAI_AGAIN'),
    line(4, 5003, 'timeout', 'late'),
  ];
  const w = { name: 'coredns-killed', fromMs: header.startMs + 100, toMs: header.startMs + 500 };
  const got = lookupsIn(w, header, lines, header.startMs + 20_000);
  assert.deepEqual(
    got.map((l) => [l.seq, l.outcome, l.code]),
    [
      [1, 'ok', undefined],
      [2, 'servfail', 'EAI_AGAIN'],
      [3, 'timeout', 'unanswered'],
      [4, 'timeout', 'late'],
    ],
  );
  assert.equal(got[2]!.latencyMs, 19_700);
  const s = conditionStats(w, 'coredns', got);
  assert.deepEqual(
    [s.lookups, s.ok, s.servfail, s.nxdomain, s.timeout, s.late, s.unanswered, s.otherErrors, s.failureRate],
    [4, 1, 1, 0, 2, 1, 1, 0, 0.75],
  );
  assert.equal(s.maxMs, 19_700);
  assert.deepEqual(s.failuresDueMs, { first: 100, last: 300 });
  assert.equal(s.clientLateMaxMs, 12);
});

test('a window before the client started, or without lookups, has nulls, not NaN', () => {
  const s = conditionStats({ name: 'steady', fromMs: 0, toMs: 1 }, 'coredns', []);
  assert.equal(s.lookups, 0);
  assert.equal(s.failureRate, null);
  assert.equal(s.p99Ms, null);
  assert.equal(s.failuresDueMs, null);
  const early = lookupsIn({ name: 'x', fromMs: 0, toMs: header.startMs + 150 }, header, [line(0, 1)], 0);
  assert.deepEqual(
    early.map((l) => l.seq),
    [0, 1],
  );
});

test('exact nearest-rank quantiles', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(v, 0.5), 50);
  assert.equal(quantile(v, 0.99), 99);
  assert.equal(quantile(v, 1), 100);
  assert.equal(quantile([7], 0.5), 7);
  assert.equal(quantile([], 0.5), null);
});
