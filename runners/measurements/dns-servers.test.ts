import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText } from './prometheus.ts';
import { windowServers, type ServerScrape } from './dns-servers.ts';

const server = (requests: number, hits = 0, misses = 0) =>
  parsePrometheusText(
    `coredns_dns_requests_total{proto="udp",server="dns://:53",type="A",zone="."} ${requests}\n` +
      `coredns_cache_hits_total{server="dns://:53",type="success"} ${hits}\n` +
      `coredns_cache_misses_total{server="dns://:53"} ${misses}\n`,
  );

test('coredns mode: the first hop is CoreDNS; its rate is over the scrapes, no cache figures', () => {
  const a: ServerScrape = { atMs: 0, coredns: new Map([['coredns-x', server(100)]]) };
  const b: ServerScrape = { atMs: 10_000, coredns: new Map([['coredns-x', server(600)]]) };
  const w = windowServers(a, b, 'coredns', 'real-node-1');
  assert.equal(w.corednsRequests, 500);
  assert.equal(w.corednsRequestsPerSecond, 50);
  assert.equal(w.firstHopRequests, 500);
  assert.deepEqual([w.cacheRequests, w.cacheHits, w.cacheHitRatio], [null, null, null]);
});

test("nodelocal mode: CoreDNS behind the caches; the first hop is the client node's cache", () => {
  const a: ServerScrape = {
    atMs: 0,
    coredns: new Map([['coredns-x', server(100)]]),
    nodelocal: new Map([
      ['real-node-1', server(1000, 900, 100)],
      ['real-node-2', server(50, 40, 10)],
    ]),
  };
  const b: ServerScrape = {
    atMs: 5000,
    coredns: new Map([['coredns-x', server(110)]]),
    nodelocal: new Map([
      ['real-node-1', server(3000, 2880, 120)],
      ['real-node-2', server(60, 48, 12)],
    ]),
  };
  const w = windowServers(a, b, 'nodelocal', 'real-node-1');
  assert.equal(w.corednsRequests, 10);
  assert.equal(w.corednsRequestsPerSecond, 2);
  assert.equal(w.cacheRequests, 2010);
  assert.equal(w.firstHopRequests, 2000);
  assert.equal(w.cacheHits, 1988);
  assert.equal(w.cacheMisses, 22);
  assert.equal(w.cacheHitRatio, 0.9891);
  // The client node's cache not scraped (restarting): no first-hop figure rather than CoreDNS's.
  const gone = windowServers(
    a,
    { ...b, nodelocal: new Map([['real-node-2', server(60)]]) },
    'nodelocal',
    'real-node-1',
  );
  assert.equal(gone.firstHopRequests, null);
});
