/**
 * Network programming latency: from an endpoint change to the dataplane rule that serves it, per real node.
 * Definition: https://github.com/kubernetes/community/blob/master/sig-scalability/slos/network_programming_latency.md
 * Two independent sources, reported side by side:
 *  - kube-proxy's `kubeproxy_network_programming_duration_seconds` on every real node, over the whole run (buckets
 *    of 0.25 s below 1 s, then 1 s): from the EndpointSlice's last-change-trigger-time, which is the pod's Ready
 *    transition stamped to the second, to the end of the sync that programmed it;
 *  - a black-box probe (programming-probe.ts): a client pod on real node 1 opens a new connection to a Service VIP
 *    every probeIntervalMs and logs which pod answered. Addition: from the moment the harness sees a new backend
 *    pod Ready in the API until its first reply through the VIP. Removal: from the API's acknowledgement of the
 *    label change that takes a live pod out of the Service until its last reply through the VIP. The probe runs
 *    its samples after the phases, so churn does not blur it; kube-proxy's histogram is also taken over just
 *    that window.
 * Units: ms.
 */
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
} from './prometheus.ts';
import { emptyProbeSamples, runProgrammingProbe, type ProbeSamples } from './programming-probe.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';

/** The networkProgrammingLatency measurement's parameters, as the scenario schema defines them. */
export type NetworkProgrammingParams = MeasurementParams<'networkProgrammingLatency'>;

const metric = 'kubeproxy_network_programming_duration_seconds';

/** kube-proxy's histogram on every node into `into`; nothing on cilium, which has none. */
async function scrapeKubeProxies(ctx: MeasurementContext, into: Map<string, Histogram>, errors: string[]) {
  for (const n of ctx.target.nodes.filter((x) => !x.borrowed)) {
    try {
      // kube-proxy runs an IPv6 proxier too; the lab's Services are IPv4.
      const samples = parsePrometheusText(await ctx.target.kubeProxyMetrics(n));
      into.set(
        n.name,
        histogram(samples, metric, (l) => (l.ip_family ?? 'IPv4') === 'IPv4'),
      );
    } catch (err) {
      errors.push(`scrape of kube-proxy on ${n.name}: ${err instanceof Error ? err.message : err}`);
    }
  }
}

export function createNetworkProgrammingLatency(
  ctx: MeasurementContext,
  params: NetworkProgrammingParams,
): Measurement {
  const errors: string[] = [];
  const before = new Map<string, Histogram>();
  const wholeRun = new Map<string, Histogram>();
  const probeWindow = new Map<string, Histogram>();
  const samples = emptyProbeSamples();
  let stopped = false;
  // cilium-agent has no network-programming histogram: its nodes are measured by the probe alone.
  const kubeProxyRuns = ctx.state?.spec.proxyMode !== 'cilium';
  const scrapeAll = async (into: Map<string, Histogram>) => {
    if (kubeProxyRuns) await scrapeKubeProxies(ctx, into, errors);
  };

  return {
    async start() {
      await scrapeAll(wholeRun);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const atEnd = new Map<string, Histogram>();
      await scrapeAll(atEnd);
      for (const [node, h] of atEnd) {
        const b = wholeRun.get(node);
        wholeRun.set(node, b ? histogramDelta(h, b) : h);
      }
      try {
        await runProgrammingProbe(ctx, params, samples, {
          start: () => scrapeAll(before),
          end: () => scrapeAll(probeWindow),
        });
      } catch (err) {
        errors.push(`black-box probe: ${err instanceof Error ? err.message : err}`);
      }
      for (const [node, h] of probeWindow) {
        const b = before.get(node);
        if (b) probeWindow.set(node, histogramDelta(h, b));
      }
    },
    collect: (): MeasurementResultOf<'networkProgrammingLatency'> => ({
      ...programmingResult(params, kubeProxyRuns, wholeRun, probeWindow, samples),
      ...(kubeProxyRuns
        ? {}
        : { skipped: [`kube-proxy's ${metric}: the lab's service proxy is cilium-agent, which has none`] }),
      errors,
    }),
  };
}

type ProgrammingResult = MeasurementResultOf<'networkProgrammingLatency'>;

function programmingResult(
  params: NetworkProgrammingParams,
  kubeProxyRuns: boolean,
  wholeRun: Map<string, Histogram>,
  probeWindow: Map<string, Histogram>,
  s: ProbeSamples,
): Omit<ProgrammingResult, 'errors'> {
  return {
    name: 'networkProgrammingLatency',
    definition: kubeProxyRuns
      ? 'time from an endpoint change to the rule that serves it: kube-proxy histogram (trigger time to synced) and a black-box probe through a Service VIP (additions and removals)'
      : "time from an endpoint change to the rule that serves it: a black-box probe through a Service VIP (additions and removals), and the time until the client node's BPF service map holds the change (its frontend's backend count, from the harness seeing the pod Ready, or from the API acknowledging its removal)",
    source: kubeProxyRuns
      ? `kube-proxy ${metric} on every real node; a client pod polling a VIP every ${params.probeIntervalMs} ms`
      : `a client pod polling a VIP every ${params.probeIntervalMs} ms; bpftool map lookup in node 1's cilium_lb4_services_v2, back to back (details.serviceMapLookupP50Ms: the resolution)`,
    units: 'ms',
    summary: programmingSummary(wholeRun, probeWindow, s),
    details: programmingDetails(kubeProxyRuns, probeWindow, s),
  };
}

/** kube-proxy's histograms (whole run, probe window) and the probe's samples, side by side. */
function programmingSummary(
  wholeRun: Map<string, Histogram>,
  probeWindow: Map<string, Histogram>,
  s: ProbeSamples,
): ProgrammingResult['summary'] {
  const kubeProxyWindowP50 = mergedQuantileMs(probeWindow, 0.5);
  const probeAddP50 = rankQuantile(s.additions, 0.5);
  return {
    kubeProxySamples: mergedCount(wholeRun),
    kubeProxyP50Ms: mergedQuantileMs(wholeRun, 0.5),
    kubeProxyP90Ms: mergedQuantileMs(wholeRun, 0.9),
    kubeProxyP99Ms: mergedQuantileMs(wholeRun, 0.99),
    probeWindowKubeProxySamples: mergedCount(probeWindow),
    probeWindowKubeProxyP50Ms: kubeProxyWindowP50,
    probeAdditions: s.additions.length,
    probeAddP50Ms: probeAddP50,
    probeAddMaxMs: maxOf(s.additions),
    probeRemovals: s.removals.length,
    probeRemoveP50Ms: rankQuantile(s.removals, 0.5),
    probeRemoveMaxMs: maxOf(s.removals),
    kubeProxyMinusProbeP50Ms:
      kubeProxyWindowP50 !== null && probeAddP50 !== null ? kubeProxyWindowP50 - probeAddP50 : null,
    // Means compare exactly (the histogram's _sum), where bucketed p50s cannot.
    probeWindowKubeProxyMeanMs: meanOf(probeWindow),
    probeAddMeanMs: mean(s.additions),
    probeAddPlusTruncationMeanMs: s.additions.length
      ? mean(s.additions.map((a, i) => a + s.truncations[i]!))
      : null,
    serviceMapAddP50Ms: rankQuantile(seen(s.mapAdditions), 0.5),
    serviceMapAddMaxMs: maxOf(seen(s.mapAdditions)),
    serviceMapRemoveP50Ms: rankQuantile(seen(s.mapRemovals), 0.5),
  };
}

/** The probe's samples; the service map's on cilium; kube-proxy's probe window per node. */
function programmingDetails(
  kubeProxyRuns: boolean,
  probeWindow: Map<string, Histogram>,
  s: ProbeSamples,
): ProgrammingResult['details'] {
  return {
    additionsMs: s.additions,
    removalsMs: s.removals,
    ...(kubeProxyRuns
      ? {}
      : {
          serviceMapAdditionsMs: s.mapAdditions,
          serviceMapRemovalsMs: s.mapRemovals,
          // The resolution of those times: each is to within one lookup plus the 5 ms pause.
          serviceMapLookupP50Ms: rankQuantile(s.lookupMs, 0.5),
        }),
    readyTruncationMs: s.truncations,
    probeWindowByNode: Object.fromEntries(
      [...probeWindow].map(([node, h]) => [node, { samples: h.count, meanMs: meanOf(new Map([[node, h]])) }]),
    ),
  };
}

/** The samples a lookup measured (null: it saw none). */
const seen = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);

/** The p-quantile by rank (no interpolation); null for no values. */
const rankQuantile = (xs: readonly number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : null;

const maxOf = (xs: readonly number[]) => (xs.length ? Math.max(...xs) : null);

/** The p-quantile in ms of the nodes' histograms merged; null without observations. */
function mergedQuantileMs(hs: Map<string, Histogram>, p: number): number | null {
  const v = histogramQuantile(p, mergeHistograms([...hs.values()]));
  return Number.isNaN(v) ? null : Math.round(v * 1000);
}

const mergedCount = (hs: Map<string, Histogram>) => mergeHistograms([...hs.values()]).count;

function mergeHistograms(hs: readonly Histogram[]): Histogram {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const h of hs) {
    for (const b of h.buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
    count += h.count;
    sum += h.sum;
  }
  return { buckets: [...byLe].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c })), count, sum };
}

function mean(xs: readonly number[]): number | null {
  return xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}

function meanOf(hs: Map<string, Histogram>): number | null {
  const m = mergeHistograms([...hs.values()]);
  return m.count > 0 ? Math.round((m.sum / m.count) * 1000) : null;
}
