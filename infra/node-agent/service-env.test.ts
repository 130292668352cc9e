import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceLinkEnv } from './service-env.ts';

test('service links as the kubelet writes them; headless Services get none', () => {
  const env = serviceLinkEnv([
    {
      metadata: { name: 'kube-dns-upstream' },
      spec: {
        clusterIP: '198.19.7.7',
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ],
      },
    },
    { metadata: { name: 'node-local-dns' }, spec: { clusterIP: 'None', ports: [{ port: 9253 }] } },
  ]);
  assert.deepEqual(env, {
    KUBE_DNS_UPSTREAM_SERVICE_HOST: '198.19.7.7',
    KUBE_DNS_UPSTREAM_SERVICE_PORT: '53',
    KUBE_DNS_UPSTREAM_SERVICE_PORT_DNS: '53',
    KUBE_DNS_UPSTREAM_SERVICE_PORT_DNS_TCP: '53',
    KUBE_DNS_UPSTREAM_PORT: 'udp://198.19.7.7:53',
    KUBE_DNS_UPSTREAM_PORT_53_UDP: 'udp://198.19.7.7:53',
    KUBE_DNS_UPSTREAM_PORT_53_UDP_PROTO: 'udp',
    KUBE_DNS_UPSTREAM_PORT_53_UDP_PORT: '53',
    KUBE_DNS_UPSTREAM_PORT_53_UDP_ADDR: '198.19.7.7',
    KUBE_DNS_UPSTREAM_PORT_53_TCP: 'tcp://198.19.7.7:53',
    KUBE_DNS_UPSTREAM_PORT_53_TCP_PROTO: 'tcp',
    KUBE_DNS_UPSTREAM_PORT_53_TCP_PORT: '53',
    KUBE_DNS_UPSTREAM_PORT_53_TCP_ADDR: '198.19.7.7',
  });
});
