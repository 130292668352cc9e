import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedLibraries } from './rootfs.ts';

test("ldd's list for Node: libc and the loader, by absolute path", async () => {
  const libs = await sharedLibraries(process.execPath);
  assert.ok(
    libs.some((l) => /\/libc\.so\.6$/.test(l)),
    libs.join(' '),
  );
  assert.ok(
    libs.some((l) => /\/ld-linux[^/]*\.so\.\d$/.test(l)),
    'the dynamic loader',
  );
  assert.ok(libs.every((l) => l.startsWith('/')));
});
