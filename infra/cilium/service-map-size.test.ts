import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceMapSize } from './service-map-size.ts';

test('the default map where it is big enough; otherwise 16 entries a Service, to a power of two', () => {
  assert.equal(serviceMapSize(undefined), undefined);
  assert.equal(serviceMapSize(4_096), undefined);
  assert.equal(serviceMapSize(10_000), 262_144);
  assert.equal(serviceMapSize(30_100), 524_288);
});
