import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countServiceMap } from './rule-sync-cilium.ts';

/** lb4_key bytes: address, dport (big-endian), backend_slot (little-endian), proto, scope, pad. */
const key = (slot: number) =>
  ['0xc6', '0x13', '0x00', '0x0a', '0x00', '0x35', slot & 0xff, slot >> 8, 0, 0, 0, 0].map((b) =>
    typeof b === 'string' ? b : `0x${b.toString(16).padStart(2, '0')}`,
  );

test('service map dump: frontends are backend slot 0, the rest are backend slots (raw keys)', () => {
  const dump = JSON.stringify([0, 1, 2, 0, 1, 256].map((s) => ({ key: key(s), value: [] })));
  assert.deepEqual(countServiceMap(dump), {
    rules: 6,
    elements: null,
    chains: 0,
    serviceChains: 2,
    endpointChains: 4,
  });
});

test('service map dump: the BTF-formatted key is read where bpftool gives one', () => {
  const dump = JSON.stringify([
    { key: key(9), formatted: { key: { backend_slot: 0 } } },
    { key: key(0), formatted: { key: { backend_slot: 1 } } },
  ]);
  assert.equal(countServiceMap(dump).serviceChains, 1);
  assert.equal(countServiceMap('[]').rules, 0);
  assert.throws(() => countServiceMap('{}'), /expected a JSON array/);
});
