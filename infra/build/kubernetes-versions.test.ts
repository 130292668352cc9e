import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubernetesPin, kubernetesVersions } from '../versions.ts';
import { kubernetesRecipe, recipes } from './recipes.ts';
import { groupDir, wrapperGoMod } from './go-build.ts';

test('the default version comes first; every other pinned version builds into its own directory', () => {
  assert.deepEqual(kubernetesVersions(), ['v1.36.3', 'v1.37.2']);
  const next = kubernetesRecipe('v1.37.2');
  assert.equal(next.pin.stagingVersion, 'v0.37.2');
  assert.match(groupDir(next), /\/kubernetes-v1\.37\.2$/);
  assert.equal(next.versionChecks['kube-apiserver']!.expect, 'Kubernetes v1.37.2');
  assert.match(
    wrapperGoMod(next, 'module k8s.io/kubernetes\n\ngo 1.26.0\n\nrequire (\n\tk8s.io/api v0.0.0\n)\n'),
    /k8s\.io\/api => k8s\.io\/api v0\.37\.2/,
  );
});

test('the default recipe is the one `build` always builds, and its pin carries no list of other versions', () => {
  const kube = recipes.find((r) => r.group === 'kubernetes')!;
  assert.equal(kube.pin.version, 'v1.36.3');
  // The pin is hashed into the build stamp: pinning a further version must not rebuild the default.
  assert.deepEqual(Object.keys(kube.pin).sort(), ['module', 'programs', 'stagingVersion', 'version']);
});

test('an unpinned version is refused naming the pinned ones', () => {
  assert.throws(
    () => kubernetesPin('v1.38.0'),
    /Kubernetes v1\.38\.0 is not pinned in infra\/versions\.json \(pinned: v1\.36\.3, v1\.37\.2\)/,
  );
});

test('a run naming an unbuilt version is refused with the command that builds it', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const empty = mkdtempSync(join(tmpdir(), 'scalelab-cache-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  // cacheRoot is read once at import: a child process sees the empty cache.
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "import('./infra/build/build.ts').then((b) => b.requireKubernetesBuilt(['v1.37.2'])).catch((e) => { console.log(e.message, e.hint); })",
    ],
    { env: { ...process.env, SCALELAB_CACHE: empty }, encoding: 'utf8' },
  );
  assert.match(
    r.stdout,
    /kube-apiserver v1\.37\.2 is not built run: npx scalelab build --kubernetes v1\.37\.2/,
  );
});
