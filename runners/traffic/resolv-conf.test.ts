import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf, searchCandidates } from './resolv-conf.ts';

// What the node agent writes for a pod in `default` (infra/node-agent/sandbox.ts).
const pod = `search default.svc.cluster.local svc.cluster.local cluster.local
nameserver 198.19.0.10
options ndots:5
`;

test("a pod's resolv.conf: nameserver, search list, ndots, and glibc's defaults for timeout and attempts", () => {
  assert.deepEqual(parseResolvConf(pod), {
    nameservers: ['198.19.0.10'],
    search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
    ndots: 5,
    timeoutSeconds: 5,
    attempts: 2,
  });
  const c = parseResolvConf(
    'domain a.example\nsearch b.example # comment\noptions timeout:2 attempts:3 ndots:20\n',
  );
  assert.deepEqual([c.search, c.timeoutSeconds, c.attempts, c.ndots], [['b.example'], 2, 3, 15]);
  assert.equal(parseResolvConf('').ndots, 1);
});

test('the search path an ndots:5 lookup walks, up to the Service name that answers', () => {
  const conf = parseResolvConf(pod);
  assert.deepEqual(searchCandidates('svc-3', conf), ['svc-3.default.svc.cluster.local']);
  assert.deepEqual(searchCandidates('kubernetes.default', conf), [
    'kubernetes.default.default.svc.cluster.local',
    'kubernetes.default.svc.cluster.local',
  ]);
  // A name outside the cluster walks the whole list and is asked as given last.
  assert.deepEqual(searchCandidates('www.example.com', conf), [
    'www.example.com.default.svc.cluster.local',
    'www.example.com.svc.cluster.local',
    'www.example.com.cluster.local',
    'www.example.com',
  ]);
  // Two labels read as <service>.<namespace>, as CoreDNS would read them.
  assert.deepEqual(searchCandidates('example.com', conf), [
    'example.com.default.svc.cluster.local',
    'example.com.svc.cluster.local',
  ]);
  assert.deepEqual(searchCandidates('kubernetes.default.svc.cluster.local.', conf), [
    'kubernetes.default.svc.cluster.local',
  ]);
  assert.deepEqual(searchCandidates('a.b.c.d.e.f', conf), ['a.b.c.d.e.f']);
});
