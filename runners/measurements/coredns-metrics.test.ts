import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText } from './prometheus.ts';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import { getText } from '../../infra/lab/get-text.ts';
import type { ClusterTarget } from '../cluster/target.ts';
import { coreDnsDelta, scrapePods, type CoreDnsScrape } from './coredns-metrics.ts';

const text = (requests: number, noerror: number, servfail: number, fast: number) => `
coredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="A",zone="."} ${requests}
coredns_dns_responses_total{plugin="kubernetes",rcode="NOERROR",server="dns://:53",zone="."} ${noerror}
coredns_dns_responses_total{plugin="",rcode="SERVFAIL",server="dns://:53",zone="."} ${servfail}
coredns_dns_request_duration_seconds_bucket{server="dns://:53",type="A",zone=".",le="0.001"} ${fast}
coredns_dns_request_duration_seconds_bucket{server="dns://:53",type="A",zone=".",le="0.1"} ${requests}
coredns_dns_request_duration_seconds_bucket{server="dns://:53",type="A",zone=".",le="+Inf"} ${requests}
coredns_dns_request_duration_seconds_count{server="dns://:53",type="A",zone="."} ${requests}
`;
const scrape = (pods: Record<string, string>): CoreDnsScrape =>
  new Map(Object.entries(pods).map(([pod, t]) => [pod, parsePrometheusText(t)]));

test('counts between the scrapes, summed over pods; a pod new since start counts from zero', () => {
  const start = scrape({ 'coredns-a': text(100, 100, 0, 100) });
  const end = scrape({ 'coredns-a': text(300, 290, 10, 300), 'coredns-b': text(50, 50, 0, 0) });
  const d = coreDnsDelta(start, end);
  assert.equal(d.pods, 2);
  assert.equal(d.requests, 250);
  assert.deepEqual(d.responsesByRcode, { NOERROR: 240, SERVFAIL: 10 });
  // 200 of the 250 under 1 ms, 50 between 1 and 100 ms: the p99 is interpolated in the second bucket.
  assert.equal(d.p99Ms, 95.05);
});

test('no observations: a null p99, zero counts', () => {
  const d = coreDnsDelta(scrape({ a: text(5, 5, 0, 5) }), scrape({ a: text(5, 5, 0, 5) }));
  assert.equal(d.requests, 0);
  assert.equal(d.p99Ms, null);
});

test('a counter lower at stop than at start was reset by a restart: it counts from zero', () => {
  const cache = (hits: number, misses: number) =>
    `coredns_cache_hits_total{server="dns://169.254.20.10:53",type="success",zones="cluster.local."} ${hits}\n` +
    `coredns_cache_misses_total{server="dns://169.254.20.10:53",zones="cluster.local."} ${misses}\n`;
  const start = scrape({
    a: text(1000, 1000, 0, 1000) + cache(900, 100),
    b: text(10, 10, 0, 10) + cache(5, 5),
  });
  const end = scrape({ a: text(40, 40, 0, 40) + cache(30, 10), b: text(30, 30, 0, 30) + cache(15, 15) });
  const d = coreDnsDelta(start, end);
  assert.equal(d.requests, 40 + 20);
  assert.equal(d.cacheHits, 30 + 10);
  assert.equal(d.cacheMisses, 10 + 10);
  assert.equal(d.responsesByRcode.NOERROR, 40 + 20);
});

test('a scrape whose stream is cut is asked again, and the second answer counts', async (t) => {
  // The first connection is dropped before any reply ("socket hang up"), as the lab's gateway drops a stream.
  let connections = 0;
  const server = createServer((req, res) => {
    if (++connections === 1) return req.socket.destroy();
    res.end(text(7, 7, 0, 7));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const target = {
    podMetrics: () =>
      getText((cb) => request({ host: '127.0.0.1', port, path: '/metrics' }, cb), 'metrics', 5000),
  } as unknown as ClusterTarget;
  const pod = { metadata: { name: 'coredns-a' } } as V1Pod;
  const got = await scrapePods(target, [pod], 9153);
  assert.equal(connections, 2);
  assert.equal(coreDnsDelta(new Map(), got).requests, 7);
});
