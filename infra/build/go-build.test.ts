import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stagingModules, wrapperGoMod } from './go-build.ts';
import { kubeBurnerRecipe, onDemandRecipes, recipes } from './recipes.ts';

const upstream = `module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	github.com/blang/semver/v4 v4.0.0
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
	k8s.io/streaming v0.0.0 // indirect
	k8s.io/klog/v2 v2.130.1
)
`;

test('staging modules are derived from the v0.0.0 requirements', () => {
  assert.deepEqual(stagingModules(upstream), ['k8s.io/api', 'k8s.io/client-go', 'k8s.io/streaming']);
});

test('the wrapper pins each staging module to the matching v0.x and keeps upstream godebug', () => {
  const kube = recipes.find((r) => r.group === 'kubernetes')!;
  const mod = wrapperGoMod(kube, upstream);
  assert.match(mod, /^go 1\.26\.0$/m);
  assert.match(mod, /^godebug default=go1\.26$/m);
  assert.match(mod, new RegExp(`^\\tk8s\\.io/api => k8s\\.io/api ${kube.pin.stagingVersion}$`, 'm'));
  assert.doesNotMatch(mod, /klog/);
});

test('modules without staging get no replace block, and a godebug from their go line', () => {
  const kwok = recipes.find((r) => r.group === 'kwok')!;
  const mod = wrapperGoMod(kwok, 'module sigs.k8s.io/kwok\n\ngo 1.25.9\n');
  assert.doesNotMatch(mod, /replace/);
  assert.match(mod, /^godebug default=go1\.25$/m);
});

test('every pinned program has a version check', () => {
  for (const r of [...recipes, ...onDemandRecipes])
    assert.deepEqual(Object.keys(r.versionChecks).sort(), Object.keys(r.pin.programs).sort(), r.group);
});

test("upstream's own replace directives are repeated in the wrapper", () => {
  const mod = wrapperGoMod(kubeBurnerRecipe, 'module github.com/kube-burner/kube-burner\n\ngo 1.22.0\n');
  assert.match(
    mod,
    /^\tk8s\.io\/kube-openapi => k8s\.io\/kube-openapi v0\.0\.0-20240430033511-f0e62f92d13f$/m,
  );
});
