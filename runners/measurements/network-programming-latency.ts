/**
 * Network programming latency: from an endpoint change to the dataplane rule that serves it, per real node.
 * Definition: https://github.com/kubernetes/community/blob/master/sig-scalability/slos/network_programming_latency.md
 * Two independent sources, reported side by side:
 *  - kube-proxy's `kubeproxy_network_programming_duration_seconds` on every real node, over the whole run (buckets
 *    of 0.25 s below 1 s, then 1 s): from the EndpointSlice's last-change-trigger-time, which is the pod's Ready
 *    transition stamped to the second, to the end of the sync that programmed it;
 *  - a black-box probe: a client pod on real node 1 opens a new connection to a Service VIP every probeIntervalMs
 *    and logs which pod answered. Addition: from the moment the harness sees a new backend pod Ready in the API
 *    until its first reply through the VIP. Removal: from the API's acknowledgement of the label change that takes
 *    a live pod out of the Service until its last reply through the VIP. The probe runs its samples after the
 *    phases, so churn does not blur it; kube-proxy's histogram is also taken over just that window.
 * Units: ms.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResult } from './measurement.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
} from './prometheus.ts';
import { probeBackend, probeClient, probeService } from './probe-objects.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import { frontendBackends } from '../../infra/cilium/service-map.ts';
import { ciliumNodePaths } from '../../infra/cilium/paths.ts';

/** The networkProgrammingLatency measurement's parameters, as the scenario schema defines them. */
export type NetworkProgrammingParams = MeasurementParams<'networkProgrammingLatency'>;

const metric = 'kubeproxy_network_programming_duration_seconds';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export function createNetworkProgrammingLatency(
  ctx: MeasurementContext,
  params: NetworkProgrammingParams,
): Measurement {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const nodes = ctx.target.nodes;
  const namespace = ctx.target.namespace;
  const errors: string[] = [];
  const before = new Map<string, Histogram>();
  const wholeRun = new Map<string, Histogram>();
  const probeWindow = new Map<string, Histogram>();
  const additions: number[] = [];
  const removals: number[] = [];
  const truncations: number[] = [];
  // On cilium nodes, the time until the client node's BPF service map holds the change (null: not in 30 s).
  const mapAdditions: (number | null)[] = [];
  const mapRemovals: (number | null)[] = [];
  const lookupMs: number[] = [];
  let stopped = false;

  // cilium-agent has no network-programming histogram: its nodes are measured by the probe alone.
  const kubeProxyRuns = ctx.state?.spec.proxyMode !== 'cilium';
  const scrapeAll = async (into: Map<string, Histogram>) => {
    if (!kubeProxyRuns) return;
    for (const n of nodes) {
      try {
        // kube-proxy runs an IPv6 proxier too; the lab's Services are IPv4.
        into.set(
          n.name,
          histogram(
            parsePrometheusText(await ctx.target.kubeProxyMetrics(n)),
            metric,
            (l) => (l.ip_family ?? 'IPv4') === 'IPv4',
          ),
        );
      } catch (err) {
        errors.push(`scrape of kube-proxy on ${n.name}: ${err instanceof Error ? err.message : err}`);
      }
    }
  };
  const readPod = (name: string) => core.readNamespacedPod({ name, namespace });
  const isReady = (p: V1Pod) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waitFor = async (
    what: string,
    check: () => Promise<boolean>,
    intervalMs = 10,
    timeoutMs = 60_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      ctx.signal.throwIfAborted();
      await sleep(intervalMs);
    }
  };

  /** The probe's log lines since `since` (epoch ms) as [time, hostname]. */
  const probeLines = async (probe: V1Pod, since: number): Promise<[number, string][]> =>
    (await ctx.target.containerLog(probe, 'probe'))
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length >= 2 && Number(f[0]) >= since)
      .map((f) => [Number(f[0]), f[1]!]);

  /**
   * ms from `since` until node `client`'s service map has a backend count for vip:80 that `holds`, polled by
   * map lookups (a few ms each); undefined where the lab's proxy is not cilium.
   */
  const serviceMapReaches = (client: string, vip: string, holds: (n: number) => boolean, since: number) => {
    if (kubeProxyRuns || !ctx.state) return undefined;
    const bpfRoot = ciliumNodePaths(ctx.state.spec.name, client).bpfRoot;
    return (async (): Promise<number | null> => {
      while (Date.now() < since + 30_000) {
        // The lookup reads the map after it starts: the change came after the last lookup that missed it.
        const t0 = Date.now();
        const n = await frontendBackends(bpfRoot, vip, 80);
        lookupMs.push(Date.now() - t0);
        if (holds(n)) return Math.max(0, t0 - since);
        await sleep(5);
      }
      return null;
    })();
  };

  async function runProbe(): Promise<void> {
    if (nodes.length < 2) throw new Error('the probe needs two real nodes');
    const [client, server] = [nodes[0]!, nodes[1]!];
    const { target, runId } = ctx;
    await core.createNamespacedPod({ namespace, body: probeBackend(target, runId, 'probe-a', server.name) });
    const svc = await core.createNamespacedService({ namespace, body: probeService(target, runId) });
    const vip = svc.spec!.clusterIP!;
    const probe = await core.createNamespacedPod({
      namespace,
      body: probeClient(target, runId, client.name, vip, params.probeIntervalMs),
    });
    // The log lines carry their own times: how often they are read changes no figure, only API load.
    await waitFor(
      'the probe answered by probe-a',
      async () => (await probeLines(probe, 0)).some(([, h]) => h === 'probe-a'),
      100,
    );
    await scrapeAll(before);
    for (let k = 0; k < params.samples; k++) {
      const name = `probe-b-${k}`;
      await core.createNamespacedPod({ namespace, body: probeBackend(target, runId, name, server.name) });
      let readyAt = 0;
      await waitFor(`${name} Ready`, async () => isReady(await readPod(name)) && (readyAt = Date.now()) > 0);
      const mapAdded = serviceMapReaches(client.name, vip, (n) => n >= 2, readyAt);
      await waitFor(
        `${name} answering through ${vip}`,
        async () => (await probeLines(probe, readyAt)).some(([, h]) => h === name),
        100,
        30_000,
      );
      const first = (await probeLines(probe, readyAt)).find(([, h]) => h === name)![0];
      additions.push(first - readyAt);
      // The API keeps the Ready transition to the whole second: kube-proxy's clock starts up to 1 s earlier.
      truncations.push(readyAt % 1000);
      await sleep(1000);
      await core.patchNamespacedPod(
        { name, namespace, body: { metadata: { labels: { app: 'probe-parked' } } } },
        merge,
      );
      const removedAt = Date.now();
      const mapRemoved = serviceMapReaches(client.name, vip, (n) => n <= 1, removedAt);
      if (mapAdded) mapAdditions.push(await mapAdded);
      await sleep(3000);
      if (mapRemoved) mapRemovals.push(await mapRemoved);
      const last = (await probeLines(probe, removedAt - 2000)).filter(([, h]) => h === name).at(-1)?.[0];
      removals.push(last === undefined ? 0 : Math.max(0, last - removedAt));
      await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    }
    await scrapeAll(probeWindow);
    for (const name of ['probe-client', 'probe-a'])
      await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => {});
    await core.deleteNamespacedService({ name: 'probe-target', namespace }).catch(() => {});
  }

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
        await runProbe();
      } catch (err) {
        errors.push(`black-box probe: ${err instanceof Error ? err.message : err}`);
      }
      for (const [node, h] of probeWindow) {
        const b = before.get(node);
        if (b) probeWindow.set(node, histogramDelta(h, b));
      }
    },
    collect(): MeasurementResult {
      const seen = (xs: readonly (number | null)[]) => xs.filter((x): x is number => x !== null);
      const q = (xs: number[], p: number) =>
        xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : null;
      const hq = (hs: Map<string, Histogram>, p: number) => {
        const merged = mergeHistograms([...hs.values()]);
        const v = histogramQuantile(p, merged);
        return Number.isNaN(v) ? null : Math.round(v * 1000);
      };
      const count = (hs: Map<string, Histogram>) => mergeHistograms([...hs.values()]).count;
      const kubeProxyWindowP50 = hq(probeWindow, 0.5);
      const probeAddP50 = q(additions, 0.5);
      return {
        name: 'networkProgrammingLatency',
        definition: kubeProxyRuns
          ? 'time from an endpoint change to the rule that serves it: kube-proxy histogram (trigger time to synced) and a black-box probe through a Service VIP (additions and removals)'
          : "time from an endpoint change to the rule that serves it: a black-box probe through a Service VIP (additions and removals), and the time until the client node's BPF service map holds the change (its frontend's backend count, from the harness seeing the pod Ready, or from the API acknowledging its removal)",
        source: kubeProxyRuns
          ? `kube-proxy ${metric} on every real node; a client pod polling a VIP every ${params.probeIntervalMs} ms`
          : `a client pod polling a VIP every ${params.probeIntervalMs} ms; bpftool map lookup in node 1's cilium_lb4_services_v2, back to back (details.serviceMapLookupP50Ms: the resolution)`,
        units: 'ms',
        summary: {
          kubeProxySamples: count(wholeRun),
          kubeProxyP50Ms: hq(wholeRun, 0.5),
          kubeProxyP90Ms: hq(wholeRun, 0.9),
          kubeProxyP99Ms: hq(wholeRun, 0.99),
          probeWindowKubeProxySamples: count(probeWindow),
          probeWindowKubeProxyP50Ms: kubeProxyWindowP50,
          probeAdditions: additions.length,
          probeAddP50Ms: probeAddP50,
          probeAddMaxMs: additions.length ? Math.max(...additions) : null,
          probeRemovals: removals.length,
          probeRemoveP50Ms: q(removals, 0.5),
          probeRemoveMaxMs: removals.length ? Math.max(...removals) : null,
          kubeProxyMinusProbeP50Ms:
            kubeProxyWindowP50 !== null && probeAddP50 !== null ? kubeProxyWindowP50 - probeAddP50 : null,
          // Means compare exactly (the histogram's _sum), where bucketed p50s cannot.
          probeWindowKubeProxyMeanMs: meanOf(probeWindow),
          probeAddMeanMs: mean(additions),
          probeAddPlusTruncationMeanMs: additions.length
            ? mean(additions.map((a, i) => a + truncations[i]!))
            : null,
          serviceMapAddP50Ms: q(seen(mapAdditions), 0.5),
          serviceMapAddMaxMs: seen(mapAdditions).length ? Math.max(...seen(mapAdditions)) : null,
          serviceMapRemoveP50Ms: q(seen(mapRemovals), 0.5),
        },

        details: {
          additionsMs: additions,
          removalsMs: removals,
          ...(kubeProxyRuns
            ? {}
            : {
                serviceMapAdditionsMs: mapAdditions,
                serviceMapRemovalsMs: mapRemovals,
                // The resolution of those times: each is to within one lookup plus the 5 ms pause.
                serviceMapLookupP50Ms: q(lookupMs, 0.5),
              }),
          readyTruncationMs: truncations,
          probeWindowByNode: Object.fromEntries(
            [...probeWindow].map(([node, h]) => [
              node,
              { samples: h.count, meanMs: meanOf(new Map([[node, h]])) },
            ]),
          ),
        },

        ...(kubeProxyRuns
          ? {}
          : { skipped: [`kube-proxy's ${metric}: the lab's service proxy is cilium-agent, which has none`] }),
        errors,
      };
    },
  };
}

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
