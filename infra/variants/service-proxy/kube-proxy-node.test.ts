import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastSyncTimestamps } from './kube-proxy-node.ts';

// As kube-proxy v1.36.3 serves them on :10249/metrics (a lab node, 2026-12-06): one gauge per IP family.
const afterFirstSync = `# HELP kubeproxy_sync_proxy_rules_last_timestamp_seconds [ALPHA] The last time proxy rules were successfully synced
# TYPE kubeproxy_sync_proxy_rules_last_timestamp_seconds gauge
kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family="IPv4"} 1.7965492204407208e+09
kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv4"} 1.7965492208878322e+09
kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv6"} 1.796549219090921e+09
`;

test('the IPv4 last-sync timestamp is read once kube-proxy has synced', () => {
  assert.deepEqual(lastSyncTimestamps(afterFirstSync), [1.7965492208878322e9]);
});

test('an IPv6 sync alone is not the first sync of the IPv4 rules the lab serves', () => {
  const ipv6Only = `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family="IPv4"} 1.79e+09
kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family="IPv6"} 1.79e+09
`;
  assert.deepEqual(lastSyncTimestamps(ipv6Only), []);
});

test('a gauge without a family (older kube-proxy) counts as IPv4', () => {
  assert.deepEqual(lastSyncTimestamps('kubeproxy_sync_proxy_rules_last_timestamp_seconds 0\n'), [0]);
});
