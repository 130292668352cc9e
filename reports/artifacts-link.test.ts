import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebaseArtifacts } from './artifacts-link.ts';
import { exampleResults } from './testdata/synthetic.ts';
import { verdictTable } from './variant-tables.ts';
import { groupRuns } from './groups.ts';

test("a variant's evidence is linked from where the page is written", () => {
  const r = exampleResults();
  r.variants[1]!.artifacts = 'quick-x-artifacts/direct.nftables.coredns';
  const page = rebaseArtifacts(r, '/srv/results/quick-x.json', '/srv/results/report');
  assert.equal(page.variants[1]!.artifacts, '../quick-x-artifacts/direct.nftables.coredns');
  assert.equal(page.variants[0]!.artifacts, undefined);
  assert.equal(
    r.variants[1]!.artifacts,
    'quick-x-artifacts/direct.nftables.coredns',
    'the input is unchanged',
  );
});

test('the verdicts table links a relative evidence path only, never a script or another host', () => {
  const r = exampleResults();
  const paths = ['../quick-x-artifacts/a.b', 'javascript:alert(1)', '//evil.example/x', '/etc/passwd'];
  paths.forEach((p, i) => (r.variants[i]!.artifacts = p));
  const rows = verdictTable(groupRuns([r])[0]!).rows;
  const linked = paths.map(
    (p) => rows.find((row) => row.variant === r.variants[paths.indexOf(p)]!.id)!.artifacts,
  );
  assert.deepEqual(linked, ['../quick-x-artifacts/a.b', null, null, null]);
});
