import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeVersions } from './merge-versions.ts';

test('a second Kubernetes version is added beside the first, a repeated one is not', () => {
  const m: Record<string, string> = {};
  mergeVersions(m, { 'kube-apiserver': 'Kubernetes v1.36.3', etcd: 'etcd Version: 3.6.16' });
  mergeVersions(m, { 'kube-apiserver': 'Kubernetes v1.36.3', etcd: 'etcd Version: 3.6.16' });
  mergeVersions(m, { 'kube-apiserver': 'Kubernetes v1.37.2', etcd: 'etcd Version: 3.6.16' });
  assert.deepEqual(m, {
    'kube-apiserver': 'Kubernetes v1.36.3; Kubernetes v1.37.2',
    etcd: 'etcd Version: 3.6.16',
  });
});
