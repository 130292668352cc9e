import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { minimalClusterRole, requiredPermissions } from './preflight-rbac.ts';

test('the documented ClusterRole is the table the pre-flight checks (with --allow-cluster-writes)', () => {
  const file = new URL('../../docs/examples/scalelab-clusterrole.yaml', import.meta.url);
  assert.deepEqual(
    parse(readFileSync(file, 'utf8')),
    minimalClusterRole(requiredPermissions({ allowClusterWrites: true })),
  );
});

test('writes outside the run namespace are asked for only with --allow-cluster-writes', () => {
  const outside = (w: boolean) =>
    requiredPermissions({ allowClusterWrites: w }).filter(
      (p) => p.namespace === 'kube-system' && p.verbs.some((v) => ['patch', 'delete', 'create'].includes(v)),
    );
  assert.equal(outside(false).length, 0);
  assert.ok(outside(true).length > 0);
});

test('one rule per resource, verbs merged and sorted', () => {
  const role = minimalClusterRole(requiredPermissions({ allowClusterWrites: false }));
  const pods = role.rules!.filter((r) => r.resources![0] === 'pods');
  assert.equal(pods.length, 1);
  assert.deepEqual(pods[0]!.verbs, ['create', 'delete', 'get', 'list', 'patch', 'watch']);
});
