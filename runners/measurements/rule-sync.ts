/**
 * Rule sync. Definition: the duration of each kube-proxy rule sync (IPv4) between start() and stop(), full
 * and partial where the mode has them; the rules/elements each node carries at stop(); and the raw cost of
 * loading node 1's rule set with iptables-restore / `nft -f` in a scratch namespace, as a ratio (how
 * close kube-proxy runs to the kernel's limit). Source: kube-proxy /metrics on every real node (delta of two
 * scrapes) and the node's tables (`iptables-save`, `nft -j list table ip kube-proxy`). Units: ms and counts;
 * sync quantiles are interpolated inside kube-proxy's buckets (1 ms × 2^k); the raw load is the median of 3
 * loads, loader spawn included.
 */
import { performance } from 'node:perf_hooks';
import { exec } from '../../infra/exec.ts';
import { createNetns, deleteNetns, labNetns } from '../../infra/lab/netns.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import type { LabState } from '../../infra/lab/state.ts';
import { scrapeKubeProxy } from './kube-proxy-metrics.ts';
import { createCiliumRuleSync } from './rule-sync-cilium.ts';
import type { RuleCounts } from './rule-counts.ts';
import type { Measurement, MeasurementContext, MeasurementResultOf, PhaseEnd } from './measurement.ts';
import type { RuleSyncPhase } from '../results/details/rule-sync.ts';
import { histogram, histogramDelta, histogramQuantile, type Histogram } from './prometheus.ts';

const metric = {
  sync: 'kubeproxy_sync_proxy_rules_duration_seconds',
  full: 'kubeproxy_sync_full_proxy_rules_duration_seconds',
  partial: 'kubeproxy_sync_partial_proxy_rules_duration_seconds',
} as const;
type Kind = keyof typeof metric;
type Hists = Partial<Record<Kind, Histogram>>;

/** Counts `iptables-save` output: `-A` lines in every table, `:` chain declarations. */
export function countIptablesRules(save: string): RuleCounts {
  const c = { rules: 0, elements: null, chains: 0, serviceChains: 0, endpointChains: 0 };
  for (const line of save.split('\n')) {
    if (line.startsWith('-A ')) c.rules++;
    else if (line.startsWith(':')) {
      c.chains++;
      if (line.startsWith(':KUBE-SVC-')) c.serviceChains++;
      else if (line.startsWith(':KUBE-SEP-')) c.endpointChains++;
    }
  }
  return c;
}

/** iptables-save output a fresh namespace can restore: `-m nfacct` names an object only the node has. */
export function loadableIptables(save: string): string {
  return save.replace(/ -m nfacct --nfacct-name +\S+/g, '');
}

/** Elements of anonymous sets and maps (`"set": [...]`) anywhere inside a JSON value. */
function anonymousElements(x: unknown): number {
  if (Array.isArray(x)) return x.reduce((n: number, v) => n + anonymousElements(v), 0);
  if (x === null || typeof x !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(x))
    n += (k === 'set' && Array.isArray(v) ? v.length : 0) + anonymousElements(v);
  return n;
}

/**
 * Counts `nft -j list table …` output: rules, chains, the elements of every named set and map, and those of
 * the anonymous ones inside rules (kube-proxy's `numgen random mod N map { 0 : ip . port, … }` endpoint
 * choice).
 */
export function countNftObjects(json: string): RuleCounts {
  const doc = JSON.parse(json) as { nftables?: Record<string, { name?: string; elem?: unknown[] }>[] };
  const c = { rules: 0, elements: 0, chains: 0, serviceChains: 0, endpointChains: 0 };
  for (const o of doc.nftables ?? []) {
    const set = o.set ?? o.map;
    if (o.rule) {
      c.rules++;
      c.elements += anonymousElements(o.rule);
    } else if (o.chain) {
      c.chains++;
      // service-<hash>-<ns>/<name>/<proto>/<port>, endpoint-<hash>-…; shared chains (services…) don't match.
      if (/^service-[A-Z0-9]{8}-/.test(o.chain.name ?? '')) c.serviceChains++;
      else if (/^endpoint-[A-Z0-9]{8}-/.test(o.chain.name ?? '')) c.endpointChains++;
    } else if (set) c.elements += set.elem?.length ?? 0;
  }
  return c;
}

/** The median; null for no values. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile in ms of a histogram in seconds; null without observations. */
export function quantileMs(q: number, h: Histogram | undefined): number | null {
  if (!h || h.count <= 0) return null;
  const v = histogramQuantile(q, h) * 1000;
  return Number.isFinite(v) ? round(v) : null;
}

/** Bucket-by-bucket sum (the nodes' histograms share kube-proxy's buckets); undefined for none. */
export function sumHistograms(hs: readonly Histogram[]): Histogram | undefined {
  if (hs.length === 0) return undefined;
  const byLe = new Map<number, number>();
  for (const h of hs) for (const b of h.buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
  return { buckets, count: hs.reduce((s, h) => s + h.count, 0), sum: hs.reduce((s, h) => s + h.sum, 0) };
}

const round = (x: number) => Math.round(x * 100) / 100;
const message = (e: unknown) =>
  (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ');
const ratio = (a: number | null, b: number | null) => (a !== null && b ? round(a / b) : null);
const ipv4 = (l: Readonly<Record<string, string>>) => l.ip_family === undefined || l.ip_family === 'IPv4';

interface NodeResult {
  readonly node: string;
  readonly delta: Hists;
  counts?: RuleCounts;
}

/** What the helpers below need of the lab: its state, the proxy mode and backend, the run's abort signal. */
interface Lab {
  readonly state: LabState;
  readonly mode: LabState['spec']['proxyMode'];
  readonly legacy: boolean;
  readonly signal: AbortSignal;
}

async function scrape(lab: Lab, n: RealNodeInfo): Promise<Hists> {
  const samples = await scrapeKubeProxy(lab.state, n);
  const out: Hists = {};
  for (const k of Object.keys(metric) as Kind[]) {
    const h = histogram(samples, metric[k], ipv4);
    if (h.buckets.length > 0) out[k] = h;
  }
  return out;
}

async function inNs(lab: Lab, ns: string, argv: string[], input?: string): Promise<string> {
  return (await exec(['ip', 'netns', 'exec', ns, ...argv], { signal: lab.signal, input })).stdout;
}

/** The node's rules, counted, and (`withDump`) the dump a scratch namespace can load. */
async function dumpAndCount(
  lab: Lab,
  n: RealNodeInfo,
  withDump = true,
): Promise<{ counts: RuleCounts; dump: string }> {
  if (lab.mode === 'iptables') {
    const dump = await inNs(lab, n.netns, [lab.legacy ? 'iptables-legacy-save' : 'iptables-nft-save']);
    return { counts: countIptablesRules(dump), dump };
  }
  const counts = countNftObjects(
    await inNs(lab, n.netns, ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy']),
  );
  // The text dump is only for the loads at stop: at 5,000 Services it is megabytes through the harness.
  if (!withDump) return { counts, dump: '' };
  return { counts, dump: await inNs(lab, n.netns, ['nft', 'list', 'table', 'ip', 'kube-proxy']) };
}

/**
 * Loads node n's dump 3 times into a fresh scratch namespace, each load replacing the last; ms per load. The
 * namespace is the node's own: variants side by side load theirs at the same moment.
 */
async function rawLoads(lab: Lab, n: RealNodeInfo, dump: string): Promise<number[]> {
  const scratch = labNetns(lab.state.spec.name, `scratch${n.index}`);
  const [argv, input] =
    lab.mode === 'iptables'
      ? [[lab.legacy ? 'iptables-legacy-restore' : 'iptables-nft-restore'], loadableIptables(dump)]
      : // One transaction that replaces the table; the first line makes the delete valid on the first load.
        [['nft', '-f', '-'], `table ip kube-proxy\ndelete table ip kube-proxy\n${dump}\n`];
  await deleteNetns(scratch); // one left by a crashed run
  try {
    await createNetns(scratch);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await inNs(lab, scratch, argv, input);
      times.push(round(performance.now() - t0));
    }
    return times;
  } finally {
    await deleteNetns(scratch);
  }
}

/** Node n at stop: its syncs since start, its rule counts, and (node 1) the raw loads; problems into errors. */
async function stopNode(
  lab: Lab,
  n: RealNodeInfo,
  earlier: Hists | undefined,
  first: boolean,
  errors: string[],
): Promise<NodeResult & { loadsMs: number[] }> {
  const r: NodeResult & { loadsMs: number[] } = { node: n.name, delta: {}, loadsMs: [] };
  try {
    const later = await scrape(lab, n);
    if (!earlier) errors.push(`${n.name}: no scrape at start, so no sync durations`);
    else
      for (const k of Object.keys(later) as Kind[]) {
        const d = histogramDelta(later[k]!, earlier[k] ?? { buckets: [], count: 0, sum: 0 });
        if (d.count < 0) errors.push(`${n.name}: ${metric[k]} went down (kube-proxy restarted?)`);
        else r.delta[k] = d;
      }
  } catch (e) {
    errors.push(`${n.name}: scrape at stop failed: ${message(e)}`);
  }
  if (lab.mode === 'ipvs') return r;
  try {
    const { counts, dump } = await dumpAndCount(lab, n);
    r.counts = counts;
    if (first) r.loadsMs.push(...(await rawLoads(lab, n, dump)));
  } catch (e) {
    errors.push(`${n.name}: ${first ? 'rule count or raw load' : 'rule count'} failed: ${message(e)}`);
  }
  return r;
}

/** Every node's histograms at start, into `before`; a node that cannot be scraped is an error. */
async function scrapeAtStart(
  lab: Lab,
  nodes: readonly RealNodeInfo[],
  before: Map<string, Hists>,
  errors: string[],
): Promise<void> {
  const starting = (n: RealNodeInfo) =>
    scrape(lab, n).then(
      (h) => void before.set(n.name, h),
      (e: unknown) => void errors.push(`${n.name}: scrape at start failed: ${message(e)}`),
    );
  await Promise.all(nodes.map(starting));
}

/**
 * Whether node 1's rule set is counted after this phase: after every phase, but of a repeated phase's rounds,
 * which leave the same Services with endpoints flipped, only after the first and the last. Reading 5,000
 * Services' rules took 10–30 s beside the proxies' own syncs (datadog-talk, 2026-12-06): the longest part of
 * every round's snapshot, on the cores the measured proxies share.
 */
export function countsRuleSet(end: PhaseEnd = {}): boolean {
  return end.round === undefined || end.round === 1 || end.round === end.rounds;
}

/** Node 1 after a phase: its syncs, and its rule set where counted (null where not). */
function phaseRow(phase: string, s: Histogram | undefined, counts?: RuleCounts): RuleSyncPhase {
  return {
    phase,
    syncs: s?.count ?? null,
    p50Ms: quantileMs(0.5, s),
    p99Ms: quantileMs(0.99, s),
    meanMs: s?.count ? round((s.sum / s.count) * 1000) : null,
    rules: counts?.rules ?? null,
    elements: counts?.elements ?? null,
    serviceChains: counts?.serviceChains ?? null,
  };
}

/** Every node at stop (stopNode); node 1's raw loads come back beside the nodes' results. */
async function stopAll(
  lab: Lab,
  nodes: readonly RealNodeInfo[],
  before: ReadonlyMap<string, Hists>,
  errors: string[],
): Promise<{ results: NodeResult[]; loadsMs: number[] }> {
  if (lab.mode === 'ipvs') errors.push('rule counting for ipvs is not implemented');
  const stopped = await Promise.all(
    nodes.map((n, i) => stopNode(lab, n, before.get(n.name), i === 0, errors)),
  );
  return { results: stopped, loadsMs: stopped.flatMap((r) => r.loadsMs) };
}

/** Lab runs only: it reads the nodes' tables (registry.ts skips it through a kubeconfig). */
export function createRuleSync(ctx: MeasurementContext & { readonly state: LabState }): Measurement {
  if (ctx.state.spec.proxyMode === 'cilium') return createCiliumRuleSync(ctx);
  const { state, signal } = ctx;
  const lab: Lab = {
    state,
    mode: state.spec.proxyMode,
    legacy: state.spec.iptablesBackend === 'legacy',
    signal,
  };
  const nodes = [...(state.realNodes ?? [])].sort((a, b) => a.index - b.index);
  const errors = nodes.length ? [] : ['the lab has no real nodes: no kube-proxy to measure'];
  const before = new Map<string, Hists>();
  let stopped: { results: NodeResult[]; loadsMs: number[] } = { results: [], loadsMs: [] };
  let stopping: Promise<void> | undefined;
  /** Node 1 at the end of each phase: how sync time follows the rule set as it grows. */
  const phases: RuleSyncPhase[] = [];
  let lastMark: Hists | undefined;

  return {
    async start() {
      await scrapeAtStart(lab, nodes, before, errors);
      lastMark = nodes[0] && before.get(nodes[0].name);
    },

    async mark(phase: string, end?: PhaseEnd) {
      const n = nodes[0];
      if (!n) return;
      try {
        const now = await scrape(lab, n);
        const s = now.sync && lastMark?.sync ? histogramDelta(now.sync, lastMark.sync) : now.sync;
        lastMark = now;
        const counts = countsRuleSet(end) ? (await dumpAndCount(lab, n, false)).counts : undefined;
        phases.push(phaseRow(phase, s, counts));
      } catch (e) {
        errors.push(`${n.name}: snapshot after phase ${phase} failed: ${message(e)}`);
      }
    },

    stop() {
      stopping ??= stopAll(lab, nodes, before, errors).then((r) => void (stopped = r));
      return stopping;
    },

    collect: () => ruleSyncResult(stopped.results, stopped.loadsMs, phases, errors),
  };
}

function ruleSyncResult(
  results: readonly NodeResult[],
  loadsMs: readonly number[],
  phases: readonly RuleSyncPhase[],
  errors: readonly string[],
): MeasurementResultOf<'ruleSync'> {
  const total = (k: Kind) => sumHistograms(results.flatMap((r) => (r.delta[k] ? [r.delta[k]] : [])));
  const sync = total('sync');
  const node1 = results[0]?.counts;
  const rawLoadMs = median(loadsMs);
  const syncP50Ms = quantileMs(0.5, sync);
  const fullSyncP50Ms = quantileMs(0.5, total('full'));
  return {
    name: 'ruleSync',
    definition:
      'duration of each kube-proxy rule sync (IPv4) between start and stop, full and partial where ' +
      'the mode has them; the rules/elements the node carries at stop; the raw cost of loading ' +
      "node 1's rule set with iptables-restore / nft -f in a scratch namespace (median of 3 loads, " +
      'spawn included); syncToRawRatio = sync p50 / raw, fullSyncToRawRatio = full sync p50 / raw ' +
      '(full syncs: at start, after errors, hourly). Sync quantiles are interpolated inside ' +
      "kube-proxy's histogram buckets (1 ms × 2^k)",
    source: "kube-proxy /metrics on every real node (delta of two scrapes) + the node's rule tables",
    units: 'ms, counts',
    summary: {
      syncs: sync ? sync.count : null,
      syncP50Ms,
      syncP90Ms: quantileMs(0.9, sync),
      syncP99Ms: quantileMs(0.99, sync),
      fullSyncP50Ms,
      partialSyncP50Ms: quantileMs(0.5, total('partial')),
      rules: node1?.rules ?? null,
      elements: node1?.elements ?? null,
      serviceChains: node1?.serviceChains ?? null,
      rawLoadMs,
      syncToRawRatio: ratio(syncP50Ms, rawLoadMs),
      fullSyncToRawRatio: ratio(fullSyncP50Ms, rawLoadMs),
    },
    details: {
      phases,
      rawLoadsMs: loadsMs,
      nodes: results.map(({ node, delta: { sync: s, full, partial }, counts }) => ({
        node,
        syncs: s?.count ?? null,
        p50Ms: quantileMs(0.5, s),
        p90Ms: quantileMs(0.9, s),
        p99Ms: quantileMs(0.99, s),
        meanMs: s?.count ? round((s.sum / s.count) * 1000) : null,
        fullSyncs: full?.count ?? null,
        partialSyncs: partial?.count ?? null,
        ...counts,
      })),
    },
    errors: [...errors],
  };
}
