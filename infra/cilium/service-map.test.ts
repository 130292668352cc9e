import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendCountOf, frontendKey } from './service-map.ts';

test('a frontend key: VIP and port in network order, slot 0, the protocol, scope and padding 0', () => {
  assert.deepEqual(frontendKey('198.19.3.4', 80, 6), [
    'c6',
    '13',
    '03',
    '04',
    '00',
    '50',
    '00',
    '00',
    '06',
    '00',
    '00',
    '00',
  ]);
  assert.deepEqual(frontendKey('10.0.0.1', 8443, 0).slice(4, 6), ['20', 'fb']);
});

test("a frontend's backend count: value bytes 4-5, little-endian, or BTF's formatted count", () => {
  const raw = { key: [], value: ['0x00', '0x00', '0x00', '0x00', '0x02', '0x01', '0x07', '0x00'] };
  assert.equal(backendCountOf(JSON.stringify(raw)), 258);
  assert.equal(backendCountOf(JSON.stringify({ ...raw, formatted: { value: { count: 3 } } })), 3);
  assert.throws(() => backendCountOf('{"value":[]}'), /no value bytes/);
});
