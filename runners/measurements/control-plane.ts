/**
 * Control plane and resources, per run: apiserver request latency (apiserver_request_duration_seconds,
 * mutating vs read-only, between start and stop), pod startup latency (from the harness seeing a pod created by
 * this run to seeing it Ready, through a watch), and CPU seconds and peak RSS of every lab process and of the
 * harness itself, and each process's RSS as every phase ends (details.byPhase). Units: ms, CPU seconds, MiB.
 */
import { CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import { apiGet } from '../cluster/api-get.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import { processUsage } from '../../infra/lab/processes.ts';
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
} from './prometheus.ts';
import { runLabel } from '../run-label.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const reading = new Set(['GET', 'LIST']);

/**
 * The apiserver's request latency histograms, mutating and read-only. Three tries: at 10,000 Services on two
 * cores, with both nodes' kube-proxy loading nftables, one scrape of its /metrics took longer than 30 s and the
 * whole variant was judged invalid for it.
 */
async function scrapeApiLatency(ctx: MeasurementContext, errors: string[]): Promise<Histogram[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const name = 'apiserver_request_duration_seconds';
      const s = parsePrometheusText(await apiGet(ctx.kc, '/metrics', 60_000), name);
      return [
        histogram(s, name, (l) => mutating.has(l.verb ?? '')),
        histogram(s, name, (l) => reading.has(l.verb ?? '')),
      ];
    } catch (err) {
      if (attempt < 3 && !ctx.signal.aborted) continue;
      errors.push(`apiserver /metrics (${attempt} tries): ${err instanceof Error ? err.message : err}`);
      return undefined;
    }
  }
}

/** Pod startup latency of this run's pods: from the harness seeing one created to seeing it Ready. */
async function watchPodStartups(ctx: MeasurementContext, errors: string[]) {
  const created = new Map<string, number>();
  const startups: number[] = [];
  let stopped = false;
  // From now on only: without a resourceVersion a watch first replays every existing pod (50,000 of them in the
  // scale scenario, ~150 MB of JSON through the harness).
  const now = await ctx.kc
    .makeApiClient(CoreV1Api)
    .listPodForAllNamespaces({ labelSelector: runLabel, limit: 1 })
    .then((l) => l.metadata?.resourceVersion)
    .catch(() => undefined);
  const request = await new Watch(ctx.kc)
    .watch(
      '/api/v1/pods',
      { labelSelector: runLabel, ...(now ? { resourceVersion: now } : {}) },
      (type: string, pod: V1Pod) => {
        const uid = pod.metadata?.uid ?? '';
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        // Pods already Ready when first seen started before the watch: not timed.
        if (type === 'ADDED' && !created.has(uid)) created.set(uid, ready ? -1 : Date.now());
        const t = created.get(uid);
        if (ready && t !== undefined && t > 0) {
          startups.push(Date.now() - t);
          created.set(uid, -1);
        }
      },
      (err) => err && !stopped && errors.push(`pod watch ended: ${err}`),
    )
    .catch((err: unknown) => {
      errors.push(`pod watch: ${err}`);
      return undefined;
    });
  return {
    startups,
    stop() {
      stopped = true;
      request?.abort();
    },
  };
}

function harnessCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** What start() and stop() saw; collect() turns the difference into the result. */
interface Window {
  api0?: Histogram[];
  api1?: Histogram[];
  readonly usage0: Map<string, { cpuSeconds: number }>;
  readonly usage1: Map<string, { cpuSeconds: number; peakRssBytes: number }>;
  harness0: number;
  harness1: number;
  wall0: number;
  wall1: number;
}

/** Each process's memory as a phase ended and its CPU over the phase (cores), by process name. */
interface PhaseUsage {
  readonly phase: string;
  readonly rssMiB: Record<string, number>;
  readonly cpuCores: Record<string, number>;
}

export function createControlPlane(ctx: MeasurementContext): Measurement {
  const errors: string[] = [];
  const w: Window = { usage0: new Map(), usage1: new Map(), harness0: 0, harness1: 0, wall0: 0, wall1: 0 };
  const byPhase: PhaseUsage[] = [];
  // CPU seconds of each process at the last mark (or the start), and when.
  const lastMark = { at: 0, cpu: new Map<string, number>() };
  let pods: Awaited<ReturnType<typeof watchPodStartups>> | undefined;
  let stopped = false;
  // The lab's own processes; a cluster's components are not processes the harness can see.
  const processes = ctx.state?.processes ?? [];

  return {
    closesLast: true,
    async start() {
      w.api0 = await scrapeApiLatency(ctx, errors);
      for (const p of processes) {
        const u = processUsage(p.pid);
        if (u) w.usage0.set(p.name, u);
      }
      w.harness0 = harnessCpuSeconds();
      w.wall0 = performance.now();
      lastMark.at = w.wall0;
      for (const [name, u] of w.usage0) lastMark.cpu.set(name, u.cpuSeconds);
      pods = await watchPodStartups(ctx, errors);
    },
    async mark(phase) {
      // Memory as each phase leaves it: how kube-proxy and the control plane grow with the rule set. CPU over
      // the phase: side by side, whether one variant's agent held a core while another's was measured.
      const rssMiB: Record<string, number> = {};
      const cpuCores: Record<string, number> = {};
      const now = performance.now();
      const seconds = (now - lastMark.at) / 1000;
      for (const p of processes) {
        const u = processUsage(p.pid);
        if (!u) continue;
        rssMiB[p.name] = Math.round(u.rssBytes / 2 ** 20);
        const before = lastMark.cpu.get(p.name);
        if (before !== undefined && seconds > 0) cpuCores[p.name] = round((u.cpuSeconds - before) / seconds);
        lastMark.cpu.set(p.name, u.cpuSeconds);
      }
      lastMark.at = now;
      byPhase.push({ phase, rssMiB, cpuCores });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      pods?.stop();
      w.api1 = await scrapeApiLatency(ctx, errors);
      for (const p of processes) {
        const u = processUsage(p.pid);
        if (u) w.usage1.set(p.name, u);
        else errors.push(`${p.name} (pid ${p.pid}) is no longer running`);
      }
      w.harness1 = harnessCpuSeconds();
      w.wall1 = performance.now();
    },
    collect: (): MeasurementResultOf<'controlPlane'> => ({
      ...controlPlaneResult(w, pods?.startups ?? [], byPhase),
      ...(ctx.state ? {} : { skipped: [apiOnlyReason('CPU and memory of the cluster components (/proc)')] }),
      errors,
    }),
  };
}

function controlPlaneResult(
  w: Window,
  startup: readonly number[],
  byPhase: readonly PhaseUsage[],
): Omit<MeasurementResultOf<'controlPlane'>, 'errors'> {
  const wall = (w.wall1 - w.wall0) / 1000;
  const lat = (i: number) =>
    w.api0 && w.api1 ? latencyOf(histogramDelta(w.api1[i]!, w.api0[i]!)) : latencyOf(undefined);
  const m = lat(0);
  const r = lat(1);
  // Everything before start() is the lab coming up and the background being created: the processes' CPU since
  // they started, and the apiserver's histograms since it started, are that window's cost.
  const upToStart = {
    apiMutating: latencyOf(w.api0?.[0]),
    apiReadOnly: latencyOf(w.api0?.[1]),
    cpuSeconds: Object.fromEntries([...w.usage0].map(([name, u]) => [name, round(u.cpuSeconds)])),
  };
  const sorted = [...startup].sort((a, b) => a - b);
  const pq = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : null;
  const components: Record<string, { cpuSeconds: number; cpuCores: number; peakRssMiB: number }> = {};
  for (const [name, u] of w.usage1) {
    const c = u.cpuSeconds - (w.usage0.get(name)?.cpuSeconds ?? 0);
    components[name] = {
      cpuSeconds: round(c),
      cpuCores: round(c / wall),
      peakRssMiB: Math.round(u.peakRssBytes / 2 ** 20),
    };
  }
  const harnessCores = round((w.harness1 - w.harness0) / wall);
  components.harness = {
    cpuSeconds: round(w.harness1 - w.harness0),
    cpuCores: harnessCores,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  return {
    name: 'controlPlane',
    definition:
      'apiserver request latency (mutating, read-only), pod startup latency (created → Ready, as the harness sees them), CPU (with the children each process waited for: kube-proxy’s iptables-restore and nft) and peak RSS per process',
    source: 'apiserver /metrics, a pod watch, /proc',
    units: 'ms, CPU seconds, MiB',
    summary: {
      apiMutatingRequests: m.requests,
      apiMutatingP50Ms: m.p50Ms,
      apiMutatingP99Ms: m.p99Ms,
      apiReadOnlyRequests: r.requests,
      apiReadOnlyP50Ms: r.p50Ms,
      apiReadOnlyP99Ms: r.p99Ms,
      podStartups: startup.length,
      podStartupP50Ms: pq(0.5),
      podStartupP99Ms: pq(0.99),
      harnessCpuCores: harnessCores,
    },
    details: { components, wallSeconds: round(wall), byPhase, upToStart },
  };
}

/** Request count, p50 and p99 (ms, to 0.1) of an apiserver latency histogram. */
function latencyOf(h: Histogram | undefined) {
  if (!h) return { requests: null, p50Ms: null, p99Ms: null };
  const q = (p: number) => {
    const v = histogramQuantile(p, h);
    return Number.isNaN(v) ? null : Math.round(v * 1e4) / 10;
  };
  return { requests: h.count, p50Ms: q(0.5), p99Ms: q(0.99) };
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
