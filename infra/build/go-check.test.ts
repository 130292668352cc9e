import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, parseGoVersion, requireGo, requiredGo } from './go-check.ts';
import { UserError } from '../../runners/errors.ts';
import { chooseRecipes } from './build.ts';

describe('the Go check before a build', () => {
  test('versions are read from `go version` and compared part by part', () => {
    assert.deepEqual(parseGoVersion('go version go1.26.8 linux/amd64'), [1, 26, 8]);
    assert.deepEqual(parseGoVersion('go version go1.27rc1 linux/amd64'), [1, 27, 0]);
    assert.ok(atLeast([1, 26, 0], [1, 26]));
    assert.ok(atLeast([1, 30, 1], [1, 26]));
    assert.ok(!atLeast([1, 25, 9], [1, 26]));
  });
  test('infra/versions.json asks for Go 1.26', () => assert.equal(requiredGo(), '1.26'));
  test('a new enough Go passes', () => assert.equal(requireGo('go version go1.26.8 linux/amd64'), '1.26.8'));
  for (const [what, output, message] of [
    ['missing', null, /^go: not found on PATH; the component builds need Go ≥ 1\.26$/],
    [
      'too old',
      'go version go1.24.3 linux/amd64',
      /^go: found 1\.24\.3, the component builds need Go ≥ 1\.26$/,
    ],
    ['unreadable', 'bash: go: permission denied', /expected "go version goX\.Y\.Z …"/],
  ] as const)
    test(`Go ${what}: bad input (exit 2) with the fix in one line`, () => {
      assert.throws(
        () => requireGo(output),
        (err: unknown) =>
          err instanceof UserError &&
          message.test(err.message) &&
          /^install Go 1\.26 or newer .* export PATH=/.test(err.hint ?? '') &&
          !err.hint!.includes('\n'),
      );
    });
});

describe('what a build builds', () => {
  test('a default build skips the on-demand groups (kube-burner, cilium)', () => {
    const groups = chooseRecipes([]).map((r) => r.group);
    assert.ok(groups.includes('kubernetes') && groups.includes('vegeta'), groups.join());
    assert.ok(!groups.includes('kube-burner'), groups.join());
    assert.ok(!groups.includes('cilium'), groups.join());
  });
  test('naming a group builds it alone, on-demand ones too', () =>
    assert.deepEqual(
      chooseRecipes(['kube-burner']).map((r) => r.group),
      ['kube-burner'],
    ));
  test('an unknown group is refused, naming the known ones', () =>
    assert.throws(() => chooseRecipes(['kube-burnr']), /unknown component kube-burnr/));
});
