/**
 * A CoreDNS's own view of a window of the DNS measurement: each server's /metrics at the window's edges,
 * through the target (the pod proxy through a kubeconfig). The cluster CoreDNS serves :9153; a NodeLocal
 * DNSCache (upstream CoreDNS too) serves :9253 on its node's IP. Counters are summed over the servers present
 * at the end, each minus what it had at the start (0 for a server that started since: a rollout's new pods);
 * a counter lower at the end than at the start was reset by a restart (a killed process) and counts from 0,
 * as Prometheus's rate() does. A server gone by the end (a rollout's old pods) takes its counts with it, and a
 * restart loses what came between the start and the kill: after either, these are a lower bound.
 * Source: coredns_dns_requests_total, coredns_dns_responses_total{rcode}, coredns_dns_request_duration_seconds,
 * coredns_cache_hits_total, coredns_cache_misses_total.
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { ClusterTarget } from '../cluster/target.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
  type Sample,
} from './prometheus.ts';

/** Samples by server (pod name). */
export type CoreDnsScrape = Map<string, Sample[]>;

export interface CoreDnsFigures {
  readonly pods: number;
  readonly requests: number;
  readonly responsesByRcode: Record<string, number>;
  readonly p99Ms: number | null;
  /** The cache plugin's hits (success and denial) and misses. */
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

/** Running, not terminating, kube-system pods that `keep` selects. */
export async function kubeSystemPods(kc: KubeConfig, keep: (p: V1Pod) => boolean): Promise<V1Pod[]> {
  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'kube-system' });
  return pods.items
    .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && keep(p))
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}

export const isClusterCoreDns = (p: V1Pod): boolean => p.metadata?.labels?.['k8s-app'] === 'kube-dns';

/** Every pod's samples, by pod name (or `key`); throws naming the first pod that did not answer. */
export async function scrapePods(
  target: ClusterTarget,
  pods: readonly V1Pod[],
  port: number,
  key: (p: V1Pod) => string = (p) => p.metadata!.name!,
): Promise<CoreDnsScrape> {
  const out: CoreDnsScrape = new Map();
  for (const p of pods) {
    // A cut stream is asked again a second later: through a lab's gateway a scrape was cut now and then (EPIPE,
    // socket hang up) with the server up, which cost the window its CoreDNS figures. A timeout is not retried:
    // it would hold the window's edge another 15 s.
    const text = await target
      .podMetrics(p, port)
      .catch((err: unknown) =>
        String(err).includes('timed out')
          ? Promise.reject(err)
          : sleep(1000).then(() => target.podMetrics(p, port)),
      )
      .catch((err: unknown) => {
        throw new Error(
          `/metrics of ${p.metadata!.name} (:${port}): ${err instanceof Error ? err.message : err}`,
        );
      });
    out.set(key(p), parsePrometheusText(text));
  }
  return out;
}

/** Every running kube-dns pod's samples (:9153). */
export async function scrapeCoreDns(kc: KubeConfig, target: ClusterTarget): Promise<CoreDnsScrape> {
  return scrapePods(target, await kubeSystemPods(kc, isClusterCoreDns), 9153);
}

export function coreDnsDelta(start: CoreDnsScrape, end: CoreDnsScrape): CoreDnsFigures {
  const sum = (samples: readonly Sample[] | undefined, name: string, rcode?: string) =>
    (samples ?? [])
      .filter((s) => s.name === name && (rcode === undefined || s.labels.rcode === rcode))
      .reduce((n, s) => n + s.value, 0);
  // A counter that went down was reset by a restart: what it has now was all counted since.
  const grew = (later: number, earlier: number) => (later >= earlier ? later - earlier : later);
  const empty: Histogram = { buckets: [], count: 0, sum: 0 };
  let requests = 0;
  let cacheHits = 0;
  let cacheMisses = 0;
  const responsesByRcode: Record<string, number> = {};
  let duration: Histogram | undefined;
  for (const [pod, later] of end) {
    const earlier = start.get(pod);
    const delta = (name: string, rcode?: string) => grew(sum(later, name, rcode), sum(earlier, name, rcode));
    requests += delta('coredns_dns_requests_total');
    cacheHits += delta('coredns_cache_hits_total');
    cacheMisses += delta('coredns_cache_misses_total');
    const rcodes = new Set(
      later.filter((s) => s.name === 'coredns_dns_responses_total').map((s) => s.labels.rcode!),
    );
    for (const r of rcodes)
      responsesByRcode[r] = (responsesByRcode[r] ?? 0) + delta('coredns_dns_responses_total', r);
    const name = 'coredns_dns_request_duration_seconds';
    const h1 = histogram(later, name);
    const h0 = earlier ? histogram(earlier, name) : empty;
    const d = histogramDelta(h1, h1.count >= h0.count ? h0 : empty);
    duration = duration ? addHistograms(duration, d) : d;
  }
  const p99 = duration ? histogramQuantile(0.99, duration) : NaN;
  return {
    pods: end.size,
    requests,
    responsesByRcode,
    p99Ms: Number.isNaN(p99) ? null : Math.round(p99 * 1e6) / 1000,
    cacheHits,
    cacheMisses,
  };
}

function addHistograms(a: Histogram, b: Histogram): Histogram {
  const byLe = new Map(a.buckets.map((x) => [x.le, x.count]));
  for (const x of b.buckets) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  const buckets = [...byLe].sort((x, y) => x[0] - y[0]).map(([le, count]) => ({ le, count }));
  return { buckets, count: a.count + b.count, sum: a.sum + b.sum };
}
