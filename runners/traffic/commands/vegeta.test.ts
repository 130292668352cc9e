import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVegetaReport } from './vegeta.ts';

test("vegeta's JSON report reads in ms, errors kept", () => {
  const r = parseVegetaReport(
    '{"latencies":{"total":2290725,"mean":458145,"50th":389090,"90th":697820,"95th":697820,"99th":697820,"max":697820,"min":353748},"requests":5,"rate":6.2,"success":0,"status_codes":{"0":5},"errors":["connect: connection refused"]}',
  );
  assert.deepEqual(r.latencies, { p50: 0.389, p90: 0.698, p99: 0.698, max: 0.698, mean: 0.458 });
  assert.equal(r.requests, 5);
  assert.deepEqual(r.statusCodes, { '0': 5 });
  assert.deepEqual(r.errors, ['connect: connection refused']);
});
