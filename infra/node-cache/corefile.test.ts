import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCorefile, serviceHostEnv } from './corefile.ts';
import { nodeLocalDnsCorefileTemplate } from '../addons/nodelocaldns.ts';

describe('node-cache Corefile', () => {
  test('transparent mode: the cluster block forwards over TCP to kube-dns-upstream, binds both IPs', () => {
    const t = nodeLocalDnsCorefileTemplate({
      localDns: '169.254.20.10',
      dnsServer: '198.19.0.10',
      domain: 'cluster.local',
    });
    const c = renderCorefile(t, { clusterDnsIp: '198.19.12.34', localIps: ['169.254.20.10', '198.19.0.10'] });
    assert.doesNotMatch(c, /__PILLAR__/);
    const cluster = c.slice(c.indexOf('cluster.local:53 {'), c.indexOf('in-addr.arpa:53'));
    assert.match(cluster, /cache \{\s+success 9984 30\s+denial 9984 5\s+\}/);
    assert.match(cluster, /bind 169\.254\.20\.10 198\.19\.0\.10\n/);
    assert.match(cluster, /forward \. 198\.19\.12\.34 \{\s+force_tcp\s+\}/);
    assert.match(cluster, /prometheus :9253/);
    assert.match(cluster, /health 169\.254\.20\.10:8080/);
    for (const zone of ['in-addr.arpa', 'ip6.arpa']) {
      const block = c.slice(c.indexOf(`${zone}:53 {`));
      assert.match(block, /^[^}]*cache 30[^}]*forward \. 198\.19\.12\.34 \{\s+force_tcp/);
    }
    // No upstream resolver in the lab: the `.` block has no forward, so other names fail fast.
    const root = c.slice(c.indexOf('.:53 {'));
    assert.doesNotMatch(root, /^\s*forward/m);
    assert.match(root, /cache 30/);
  });

  test('link-local mode: only 169.254.20.10 is bound; the leftover __PILLAR__DNS__SERVER__ is dropped', () => {
    const t = nodeLocalDnsCorefileTemplate({ localDns: '169.254.20.10', domain: 'cluster.local' });
    const c = renderCorefile(t, { clusterDnsIp: '198.19.12.34', localIps: ['169.254.20.10'] });
    assert.match(c, /bind 169\.254\.20\.10 *\n/);
    assert.doesNotMatch(c, /bind .*198\.19\.0\.10|__PILLAR__/);
    // As upstream's ipvs instructions: the cache forwards to kube-dns itself.
    assert.match(c, /forward \. 198\.19\.0\.10 \{/);
  });

  test("upstream's runtime substitutions", () => {
    const t =
      'forward . __PILLAR__CLUSTER__DNS__\nforward . __PILLAR__UPSTREAM__SERVERS__\nbind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__\n';
    assert.equal(
      renderCorefile(t, { clusterDnsIp: undefined, localIps: ['169.254.20.10', '10.0.0.10'] }),
      'forward . <nil>\nforward . /etc/resolv.conf\nbind 169.254.20.10 10.0.0.10 \n',
    );
    assert.equal(serviceHostEnv('kube-dns-upstream'), 'KUBE_DNS_UPSTREAM_SERVICE_HOST');
  });
});
