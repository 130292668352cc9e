/**
 * The DNS servers' own counters at each edge of the DNS measurement's windows (the phases, then each
 * condition): the cluster CoreDNS (:9153) and, in nodelocal mode, every node's cache (:9253). Between two
 * edges: CoreDNS's requests and their rate (behind the caches, in nodelocal mode), the caches' hits and misses,
 * and the requests of the first hop the client's queries reach (its node's cache, or CoreDNS), which the
 * lookups can be checked against: an ok lookup is at least two queries (A and AAAA) counted by that server.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget } from '../cluster/target.ts';
import { coreDnsDelta, scrapeCoreDns, type CoreDnsScrape } from './coredns-metrics.ts';
import { scrapeNodeLocal } from './dns-nodelocal.ts';

export interface ServerScrape {
  readonly atMs: number;
  readonly coredns?: CoreDnsScrape;
  /** By node name. */
  readonly nodelocal?: CoreDnsScrape;
}

export interface WindowServers {
  /** When the scrapes at the window's edges were taken (epoch ms). */
  readonly scrapedFromMs: number;
  readonly scrapedToMs: number;
  readonly corednsRequests: number | null;
  readonly corednsRequestsPerSecond: number | null;
  /** The caches' own request counters, summed over nodes; null without caches. */
  readonly cacheRequests: number | null;
  readonly cacheHits: number | null;
  readonly cacheMisses: number | null;
  /** hits / (hits + misses); null without caches or without lookups. */
  readonly cacheHitRatio: number | null;
  /** Requests counted by the server the client's node sends to: its cache, or CoreDNS without one. */
  readonly firstHopRequests: number | null;
}

/** Scrapes what the mode has; a part that fails is left out and named through `onError`. */
export async function scrapeServers(
  kc: KubeConfig,
  target: ClusterTarget,
  mode: 'coredns' | 'nodelocal',
  onError: (what: string, err: unknown) => void,
): Promise<ServerScrape> {
  const atMs = Date.now();
  const coredns = await scrapeCoreDns(kc, target).catch((err: unknown) => {
    onError("CoreDNS's own metrics", err);
    return undefined;
  });
  const nodelocal =
    mode === 'nodelocal'
      ? await scrapeNodeLocal(kc, target).catch((err: unknown) => {
          onError("the node-local caches' metrics", err);
          return undefined;
        })
      : undefined;
  return { atMs, ...(coredns ? { coredns } : {}), ...(nodelocal ? { nodelocal } : {}) };
}

export function windowServers(
  a: ServerScrape,
  b: ServerScrape,
  mode: 'coredns' | 'nodelocal',
  clientNode: string,
): WindowServers {
  const seconds = (b.atMs - a.atMs) / 1000;
  const core = a.coredns && b.coredns ? coreDnsDelta(a.coredns, b.coredns) : undefined;
  const caches = a.nodelocal && b.nodelocal ? coreDnsDelta(a.nodelocal, b.nodelocal) : undefined;
  const clientCache =
    a.nodelocal && b.nodelocal
      ? coreDnsDelta(onlyKey(a.nodelocal, clientNode), onlyKey(b.nodelocal, clientNode))
      : undefined;
  const lookedUp = caches ? caches.cacheHits + caches.cacheMisses : 0;
  return {
    scrapedFromMs: a.atMs,
    scrapedToMs: b.atMs,
    corednsRequests: core?.requests ?? null,
    corednsRequestsPerSecond: core && seconds > 0 ? round(core.requests / seconds) : null,
    cacheRequests: caches?.requests ?? null,
    cacheHits: caches?.cacheHits ?? null,
    cacheMisses: caches?.cacheMisses ?? null,
    cacheHitRatio: caches && lookedUp ? round(caches.cacheHits / lookedUp, 4) : null,
    firstHopRequests:
      mode === 'nodelocal'
        ? clientCache && b.nodelocal!.has(clientNode)
          ? clientCache.requests
          : null
        : (core?.requests ?? null),
  };
}

function onlyKey(s: CoreDnsScrape, key: string): CoreDnsScrape {
  const v = s.get(key);
  return new Map(v ? [[key, v]] : []);
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
