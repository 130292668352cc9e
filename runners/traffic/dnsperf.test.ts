import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDnsperf } from './dnsperf.ts';

const fixture = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

test("dnsperf 2.10's statistics, recorded in a lab node against the kube-dns ClusterIP", () => {
  assert.deepEqual(parseDnsperf(fixture('dnsperf-ok.txt')), {
    queriesSent: 1500,
    queriesCompleted: 1500,
    queriesLost: 0,
    responseCodes: { NOERROR: 600, SERVFAIL: 300, NXDOMAIN: 600 },
    runSeconds: 3.000298,
    qps: 499.95,
    avgLatencyMs: 0.208,
    minLatencyMs: 0.051,
    maxLatencyMs: 5.287,
    latencyStdDevMs: 0.266,
  });
});

test('every query lost: no response codes, no latency', () => {
  const r = parseDnsperf(fixture('dnsperf-lost.txt'));
  assert.equal(r.queriesSent, 191);
  assert.equal(r.queriesLost, 191);
  assert.equal(r.queriesCompleted, 0);
  assert.deepEqual(r.responseCodes, {});
  assert.equal(r.qps, 0);
  assert.equal(r.latencyStdDevMs, null);
});

test('output without statistics is an error that quotes its end', () => {
  assert.throws(
    () => parseDnsperf('Error: could not open datafile\n'),
    /no statistics: Error: could not open/,
  );
});
