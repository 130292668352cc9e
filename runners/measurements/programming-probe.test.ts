import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removalSettled } from './programming-probe.ts';

test('a removal is read once the probe has answered from others for 2 s past the removed backend’s last reply', () => {
  const removedAt = 10_000;
  // The backend keeps answering for 7.5 s after its removal (a slow sync): not settled at 9.4 s past it...
  const slow: [number, string][] = [
    [9_000, 'probe-b-0'],
    [12_000, 'probe-a'],
    [17_500, 'probe-b-0'],
    [18_000, 'probe-a'],
    [19_400, 'probe-a'],
  ];
  assert.equal(removalSettled(slow, 'probe-b-0', removedAt), undefined);
  // ...and settled at 7.5 s once another backend answers 2 s after that last reply (a fixed 3 s wait read 0).
  assert.equal(removalSettled([...slow, [19_600, 'probe-a']], 'probe-b-0', removedAt), 7_500);
  // No reply after the removal: 0, once others have answered for 2 s.
  assert.equal(
    removalSettled(
      [
        [9_500, 'probe-b-0'],
        [11_000, 'probe-a'],
      ],
      'probe-b-0',
      removedAt,
    ),
    undefined,
  );
  assert.equal(
    removalSettled(
      [
        [9_500, 'probe-b-0'],
        [12_100, 'probe-a'],
      ],
      'probe-b-0',
      removedAt,
    ),
    0,
  );
});
