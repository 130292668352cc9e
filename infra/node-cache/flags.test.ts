import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { durationMs, parseFlags } from './flags.ts';

describe('node-cache flags', () => {
  test("upstream's DaemonSet args, with upstream's defaults for the rest", () => {
    const f = parseFlags([
      '-localip',
      '169.254.20.10,198.19.0.10',
      '-conf',
      '/etc/Corefile',
      '-upstreamsvc',
      'kube-dns-upstream',
      '-pidfile',
      '/etc/node-cache.pid',
    ]);
    assert.deepEqual(f, {
      localIps: ['169.254.20.10', '198.19.0.10'],
      corefile: '/etc/Corefile',
      baseCorefile: '/etc/coredns/Corefile.base',
      upstreamSvc: 'kube-dns-upstream',
      pidfile: '/etc/node-cache.pid',
      skipTeardown: false,
      setupIptables: true,
      setupInterface: true,
      interfaceName: 'nodelocaldns',
      syncIntervalMs: 60_000,
      healthPort: 8080,
      metricsListen: { host: '0.0.0.0', port: 9353 },
      dnsPort: 53,
    });
  });

  test('Go flag forms: -name=value, --name, booleans by presence or =false', () => {
    const f = parseFlags([
      '--localip=169.254.20.10',
      '-skipteardown',
      '-setupiptables=false',
      '-syncinterval',
      '2s',
      '-health-port=8081',
      '-metrics-listen-address',
      '169.254.20.10:9353',
    ]);
    assert.equal(f.skipTeardown, true);
    assert.equal(f.setupIptables, false);
    assert.equal(f.syncIntervalMs, 2000);
    assert.equal(f.healthPort, 8081);
    assert.deepEqual(f.metricsListen, { host: '169.254.20.10', port: 9353 });
  });

  test('bad input names the flag and what it expected', () => {
    assert.throws(
      () => parseFlags(['-localip', 'nodelocal']),
      /-localip: expected comma-separated IPv4.*"nodelocal"/,
    );
    assert.throws(() => parseFlags(['-localip', '1.2.3.4', '-nosuch']), /unknown flag -nosuch/);
    assert.throws(
      () => parseFlags(['-localip', '1.2.3.4', '-health-port', '0']),
      /-health-port: expected a port/,
    );
    assert.throws(
      () => parseFlags(['-localip', '1.2.3.4', '-skipteardown=maybe']),
      /-skipteardown: expected true/,
    );
    assert.throws(() => parseFlags(['-localip', '1.2.3.4', '-conf']), /-conf needs a value/);
  });

  test('a bare -syncinterval is seconds, as upstream multiplies it by one', () => {
    assert.equal(durationMs('60', 'x'), 60_000);
    assert.equal(durationMs('1m30s', 'x'), 90_000);
    assert.equal(durationMs('500ms', 'x'), 500);
    assert.throws(() => durationMs('5 s', 'syncinterval'), /-syncinterval: expected seconds/);
  });
});
