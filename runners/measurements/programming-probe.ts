/**
 * The black-box half of network programming latency (network-programming-latency.ts): a client pod on real
 * node 1 opens a new connection to a Service VIP every probeIntervalMs and logs which pod answered; backends are
 * added on node 2 and taken out again, one sample at a time. Addition: from the harness seeing the new pod
 * Ready until its first reply through the VIP. Removal: from the API acknowledging the label change that takes
 * it out until its last reply, read once the probe has gone `quietMs` answering from others only. On cilium
 * nodes also the time until node 1's BPF service map holds the change.
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';
import { waitFor as waitUntil } from '../../infra/lab/wait.ts';
import { frontendBackends } from '../../infra/cilium/service-map.ts';
import { ciliumNodePaths } from '../../infra/cilium/paths.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import type { MeasurementContext } from './measurement.ts';
import { probeBackend, probeClient, probeService } from './probe-objects.ts';
import { followLog } from './log-follower.ts';
import { watchPodUntil } from './pod-watch.ts';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * How long a change may take to reach the probe before the sample fails. A sync of 5,000 Services' nftables
 * rules on a loaded 2-core machine took 7–15 s, and a change can wait for the sync in progress and then its own:
 * 30 s timed out there (datadog-talk, 2026-12-06), which is a slow dataplane to report, not a reason to give up.
 */
const changeTimeoutMs = 120_000;

/** A removed backend is gone once the probe has answered from others only for this long after its last reply. */
const quietMs = 2000;

/** What the probe found, sample by sample (ms). */
export interface ProbeSamples {
  readonly additions: number[];
  readonly removals: number[];
  /** How far into its second each Ready was seen: the API keeps the transition to the whole second. */
  readonly truncations: number[];
  /** cilium: until node 1's service map held the change; null: not in 30 s. */
  readonly mapAdditions: (number | null)[];
  readonly mapRemovals: (number | null)[];
  /** How long each map lookup took: the resolution of the map times. */
  readonly lookupMs: number[];
}

export function emptyProbeSamples(): ProbeSamples {
  return { additions: [], removals: [], truncations: [], mapAdditions: [], mapRemovals: [], lookupMs: [] };
}

/**
 * Runs the probe's samples into `out`. `window.start` is called once the probe answers and `window.end` after
 * the last sample, so kube-proxy's histogram can be taken over the same window.
 */
export async function runProgrammingProbe(
  ctx: MeasurementContext,
  params: MeasurementParams<'networkProgrammingLatency'>,
  out: ProbeSamples,
  window: { start(): Promise<void>; end(): Promise<void> },
): Promise<void> {
  const core = ctx.kc.makeApiClient(CoreV1Api);
  const { target } = ctx;
  if (target.nodes.length < 2) throw new Error('the probe needs two real nodes');
  const [client, server] = [target.nodes[0]!, target.nodes[1]!];
  const mapReaches = serviceMapWatch(ctx, client.name, out);
  const { vip, log } = await startProbe(ctx, core, params, client.name, server.name);
  await window.start();
  const probe: RunningProbe = { ctx, core, server: server.name, vip, log, mapReaches };
  for (let k = 0; k < params.samples; k++) await sample(probe, `probe-b-${k}`, out);
  await window.end();
  const namespace = target.namespace;
  for (const name of ['probe-client', 'probe-a'])
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => {});
  await core.deleteNamespacedService({ name: 'probe-target', namespace }).catch(() => {});
}

/** The probe once it answers: its pod, the VIP it connects to, the node new backends go on. */
interface RunningProbe {
  readonly ctx: MeasurementContext;
  readonly core: CoreV1Api;
  readonly server: string;
  readonly vip: string;
  readonly log: ProbeLog;
  readonly mapReaches: ReturnType<typeof serviceMapWatch>;
}

/** Backend probe-a on `server`, the Service, the probe on `client`; resolves once probe-a answers it. */
async function startProbe(
  ctx: MeasurementContext,
  core: CoreV1Api,
  params: MeasurementParams<'networkProgrammingLatency'>,
  client: string,
  server: string,
): Promise<{ vip: string; log: ProbeLog }> {
  const { target, runId } = ctx;
  const namespace = target.namespace;
  await core.createNamespacedPod({ namespace, body: probeBackend(target, runId, 'probe-a', server) });
  const svc = await core.createNamespacedService({ namespace, body: probeService(target, runId) });
  const vip = svc.spec!.clusterIP!;
  const pod = await core.createNamespacedPod({
    namespace,
    body: probeClient(target, runId, client, vip, params.probeIntervalMs),
  });
  const log = probeLog(ctx, pod);
  // The log lines carry their own times: how often they are read changes no figure, only API load.
  await waitFor(
    ctx,
    'the probe answered by probe-a',
    async () => (await log.since(0)).some(([, h]) => h === 'probe-a'),
    100,
  );
  return { vip, log };
}

/** One sample: backend `name` added until it answers through the VIP, then taken out until it stops. */
async function sample(p: RunningProbe, name: string, out: ProbeSamples): Promise<void> {
  const { ctx, core, vip, log, mapReaches } = p;
  const namespace = ctx.target.namespace;
  const created = await core.createNamespacedPod({
    namespace,
    body: probeBackend(ctx.target, ctx.runId, name, p.server),
  });
  const readyAt = await watchPodUntil(ctx, created, `${name} Ready`, isReady);
  const mapAdded = mapReaches?.(vip, (n) => n >= 2, readyAt);
  await waitFor(
    ctx,
    `${name} answering through ${vip}`,
    async () => (await log.since(readyAt)).some(([, h]) => h === name),
    100,
    changeTimeoutMs,
  );
  const first = (await log.since(readyAt)).find(([, h]) => h === name)![0];
  out.additions.push(first - readyAt);
  // The API keeps the Ready transition to the whole second: kube-proxy's clock starts up to 1 s earlier.
  out.truncations.push(readyAt % 1000);
  await sleep(1000);
  await core.patchNamespacedPod(
    { name, namespace, body: { metadata: { labels: { app: 'probe-parked' } } } },
    merge,
  );
  const removedAt = Date.now();
  const mapRemoved = mapReaches?.(vip, (n) => n <= 1, removedAt);
  if (mapAdded) out.mapAdditions.push(await mapAdded);
  // Until the probe has answered from others only for quietMs after the backend's last reply: a fixed wait
  // would cap the figure at that wait whenever a sync takes longer.
  let gone: number | undefined;
  await waitFor(
    ctx,
    `${name} no longer answering through ${vip}`,
    async () => (gone = removalSettled(await log.since(removedAt - quietMs), name, removedAt)) !== undefined,
    100,
    changeTimeoutMs,
  );
  if (mapRemoved) out.mapRemovals.push(await mapRemoved);
  out.removals.push(gone!);
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
}

/**
 * A removal's figure once it is settled: ms from `removedAt` to `name`'s last reply (0 if none came after it),
 * when the probe has since answered from another backend `quietMs` after that reply; undefined until then.
 */
export function removalSettled(
  lines: readonly [number, string][],
  name: string,
  removedAt: number,
): number | undefined {
  const last = lines.filter(([, h]) => h === name).at(-1)?.[0] ?? removedAt;
  if (!lines.some(([t, h]) => h !== name && t >= Math.max(last, removedAt) + quietMs)) return undefined;
  return Math.max(0, last - removedAt);
}

/** infra/lab/wait.ts's waitFor on the run's signal: every 10 ms for up to a minute, unless told otherwise. */
function waitFor(
  ctx: MeasurementContext,
  what: string,
  check: () => Promise<boolean>,
  intervalMs = 10,
  timeoutMs = 60_000,
): Promise<void> {
  return waitUntil(what, check, { timeoutMs, intervalMs, signal: ctx.signal });
}

/** The probe's log as [time, hostname] lines; each call reads only what was written since the last. */
interface ProbeLog {
  /** The lines at or after `since` (epoch ms). */
  since(since: number): Promise<[number, string][]>;
}

function probeLog(ctx: MeasurementContext, probe: V1Pod): ProbeLog {
  const follower = followLog(ctx.target, probe, 'probe');
  const lines: [number, string][] = [];
  return {
    async since(since) {
      for (const l of await follower.newLines()) {
        const f = l.split(' ');
        if (f.length >= 2 && Number.isFinite(Number(f[0]))) lines.push([Number(f[0]), f[1]!]);
      }
      return lines.filter(([t]) => t >= since);
    },
  };
}

const isReady = (p: V1Pod) =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * On a cilium lab: a function giving the ms from `since` until node `client`'s service map has a backend count
 * for vip:80 that `holds`, polled by map lookups (a few ms each), null when not in 30 s; undefined elsewhere.
 */
function serviceMapWatch(ctx: MeasurementContext, client: string, out: ProbeSamples) {
  if (ctx.state?.spec.proxyMode !== 'cilium') return undefined;
  const bpfRoot = ciliumNodePaths(ctx.state.spec.name, client).bpfRoot;
  return async (vip: string, holds: (n: number) => boolean, since: number): Promise<number | null> => {
    while (Date.now() < since + 30_000) {
      // The lookup reads the map after it starts: the change came after the last lookup that missed it.
      const t0 = Date.now();
      const n = await frontendBackends(bpfRoot, vip, 80);
      out.lookupMs.push(Date.now() - t0);
      if (holds(n)) return Math.max(0, t0 - since);
      await sleep(5);
    }
    return null;
  };
}
