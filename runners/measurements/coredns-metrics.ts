/**
 * CoreDNS's own view of the DNS measurement's window: each CoreDNS pod's /metrics (:9153) at start and stop,
 * through the target (the pod proxy through a kubeconfig). Counters are summed over the pods present at stop,
 * each minus what it had at start (0 for a pod that started since: a rollout's new pods); a pod gone by stop
 * (a rollout's old ones) takes its counts with it, so after a rollout these are a lower bound.
 * Source: coredns_dns_requests_total, coredns_dns_responses_total{rcode}, coredns_dns_request_duration_seconds.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget } from '../cluster/target.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
  type Sample,
} from './prometheus.ts';

export type CoreDnsScrape = Map<string, Sample[]>;

export interface CoreDnsFigures {
  readonly pods: number;
  readonly requests: number;
  readonly responsesByRcode: Record<string, number>;
  readonly p99Ms: number | null;
}

/** Every running kube-dns pod's samples, by pod name; throws naming the first pod that did not answer. */
export async function scrapeCoreDns(kc: KubeConfig, target: ClusterTarget): Promise<CoreDnsScrape> {
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
  const out: CoreDnsScrape = new Map();
  for (const p of pods.items.filter((x) => x.status?.phase === 'Running' && !x.metadata?.deletionTimestamp)) {
    const text = await target.podMetrics(p, 9153).catch((err: unknown) => {
      throw new Error(`CoreDNS /metrics of ${p.metadata!.name}: ${err instanceof Error ? err.message : err}`);
    });
    out.set(p.metadata!.name!, parsePrometheusText(text));
  }
  return out;
}

export function coreDnsDelta(start: CoreDnsScrape, end: CoreDnsScrape): CoreDnsFigures {
  const sum = (samples: readonly Sample[] | undefined, name: string, rcode?: string) =>
    (samples ?? [])
      .filter((s) => s.name === name && (rcode === undefined || s.labels.rcode === rcode))
      .reduce((n, s) => n + s.value, 0);
  const empty: Histogram = { buckets: [], count: 0, sum: 0 };
  let requests = 0;
  const responsesByRcode: Record<string, number> = {};
  let duration: Histogram | undefined;
  for (const [pod, later] of end) {
    const earlier = start.get(pod);
    requests += sum(later, 'coredns_dns_requests_total') - sum(earlier, 'coredns_dns_requests_total');
    const rcodes = new Set(
      later.filter((s) => s.name === 'coredns_dns_responses_total').map((s) => s.labels.rcode!),
    );
    for (const r of rcodes)
      responsesByRcode[r] =
        (responsesByRcode[r] ?? 0) +
        sum(later, 'coredns_dns_responses_total', r) -
        sum(earlier, 'coredns_dns_responses_total', r);
    const name = 'coredns_dns_request_duration_seconds';
    const d = histogramDelta(histogram(later, name), earlier ? histogram(earlier, name) : empty);
    duration = duration ? addHistograms(duration, d) : d;
  }
  const p99 = duration ? histogramQuantile(0.99, duration) : NaN;
  return {
    pods: end.size,
    requests,
    responsesByRcode,
    p99Ms: Number.isNaN(p99) ? null : Math.round(p99 * 1e6) / 1000,
  };
}

function addHistograms(a: Histogram, b: Histogram): Histogram {
  const byLe = new Map(a.buckets.map((x) => [x.le, x.count]));
  for (const x of b.buckets) byLe.set(x.le, (byLe.get(x.le) ?? 0) + x.count);
  const buckets = [...byLe].sort((x, y) => x[0] - y[0]).map(([le, count]) => ({ le, count }));
  return { buckets, count: a.count + b.count, sum: a.sum + b.sum };
}
