import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLookup, formatHeader, formatLookup, parseClientLog } from './dns-lookups.ts';

test('classification: EAI_AGAIN by time, ENOTFOUND as NXDOMAIN, an answer past the timeout as a timeout', () => {
  assert.deepEqual(classifyLookup(undefined, 1.2, 5000), { outcome: 'ok' });
  assert.deepEqual(classifyLookup(undefined, 5004.8, 5000), { outcome: 'timeout', code: 'late' });
  assert.deepEqual(classifyLookup({ code: 'EAI_AGAIN' }, 0.4, 5000), {
    outcome: 'servfail',
    code: 'EAI_AGAIN',
  });
  assert.deepEqual(classifyLookup({ code: 'EAI_AGAIN' }, 10_003, 5000), {
    outcome: 'timeout',
    code: 'EAI_AGAIN',
  });
  assert.deepEqual(classifyLookup({ code: 'EAI_AGAIN' }, 5000, 5000).outcome, 'timeout');
  assert.deepEqual(classifyLookup({ code: 'ENOTFOUND' }, 3, 5000), {
    outcome: 'nxdomain',
    code: 'ENOTFOUND',
  });
  assert.deepEqual(classifyLookup({ code: 'EAI_FAIL' }, 3, 5000), { outcome: 'error', code: 'EAI_FAIL' });
  assert.deepEqual(classifyLookup({}, 3, 5000), { outcome: 'error', code: 'unknown' });
});

test('the client log round-trips; a half-written last line and stray text are skipped', () => {
  const header = {
    startMs: 1795619144200,
    rate: 100,
    timeoutMs: 5000,
    attempts: 2,
    ndots: 5,
    search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
  };
  const a = {
    seq: 0,
    startMs: 1795619144200,
    latencyMs: 1.5,
    clientLateMs: 0.2,
    outcome: 'ok' as const,
    name: 'svc-0',
  };
  const b = {
    seq: 1,
    startMs: 1795619144210,
    latencyMs: 5005.349,
    clientLateMs: 0,
    outcome: 'timeout' as const,
    name: 'kube-dns.kube-system',
    code: 'late',
  };
  const text = [
    formatHeader(header),
    formatLookup(a),
    'node:internal warning',
    formatLookup(b),
    '2 17956',
  ].join('\n');
  assert.equal(formatLookup(b), '1 1795619144210 5005.349 0.0 timeout kube-dns.kube-system late');
  assert.deepEqual(parseClientLog(text), { header, lookups: [a, b] });
  assert.deepEqual(parseClientLog(''), { header: undefined, lookups: [] });
});
