/**
 * Rule sync for a lab whose service proxy is cilium-agent. There is no twin of kube-proxy's sync histogram
 * (the agent reconciles per object), so the sync figures are null and said to be; the rule set is the node's
 * service map: `bpftool -j map dump pinned <the node's bpffs>/tc/globals/cilium_lb4_services_v2`, read from the
 * host through that node's own bpffs (never `cilium-dbg bpf lb list`, which reads the first bpffs it finds).
 * One entry per frontend (backend slot 0, a Service port) plus one per backend of it: `rules` counts entries,
 * `serviceChains` frontends and `endpointChains` backend slots, so the page's rule-set axis means the same
 * work for every proxy. Per phase on node 1, at stop on every node, with the map's size. Units: counts.
 */
import { exec } from '../../infra/exec.ts';
import { servicesMapPath } from '../../infra/cilium/agent-api.ts';
import { ciliumNodePaths } from '../../infra/cilium/paths.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import type { LabState } from '../../infra/lab/state.ts';
import type { Measurement, MeasurementContext, MeasurementResultOf } from './measurement.ts';
import type { RuleSyncPhase } from '../results/details/rule-sync.ts';
import type { RuleCounts } from './rule-counts.ts';

interface MapEntry {
  readonly key: readonly string[];
  readonly formatted?: { readonly key?: { readonly backend_slot?: number } };
}

/**
 * Counts a services map dump. The key is struct lb4_key {__be32 address; __be16 dport; __u16 backend_slot;
 * __u8 proto, scope, pad[2]}: the slot is bytes 6–7 in host order (little-endian here), or BTF's formatted key.
 */
export function countServiceMap(json: string): RuleCounts {
  const entries = JSON.parse(json) as MapEntry[];
  if (!Array.isArray(entries)) throw new Error('bpftool map dump: expected a JSON array');
  let frontends = 0;
  for (const e of entries) {
    const slot =
      e.formatted?.key?.backend_slot ?? Number.parseInt(e.key[6]!, 16) + 256 * Number.parseInt(e.key[7]!, 16);
    if (slot === 0) frontends++;
  }
  return {
    rules: entries.length,
    elements: null,
    chains: 0,
    serviceChains: frontends,
    endpointChains: entries.length - frontends,
  };
}

const message = (e: unknown) =>
  (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ');

/** Counts a node's service map through its own bpffs; the map's size is read once, on the first count. */
interface ServiceMapCounter {
  count(n: RealNodeInfo): Promise<RuleCounts>;
  /** The map's size (--bpf-lb-map-max): entries equal to it mean a full map, Services past it not programmed. */
  capacity(): number | null;
}

function serviceMapCounter(state: LabState, signal: AbortSignal): ServiceMapCounter {
  let capacity: number | null = null;
  return {
    async count(n) {
      const map = servicesMapPath(ciliumNodePaths(state.spec.name, n.name).bpfRoot);
      if (capacity === null) {
        const shown = await exec(['bpftool', '-j', 'map', 'show', 'pinned', map], { signal });
        capacity = (JSON.parse(shown.stdout) as { max_entries?: number }).max_entries ?? null;
      }
      const r = await exec(['bpftool', '-j', 'map', 'dump', 'pinned', map], { signal });
      return countServiceMap(r.stdout);
    },
    capacity: () => capacity,
  };
}

/** One node's service map at stop; no counts when it could not be read. */
interface NodeAtStop {
  readonly node: string;
  readonly counts?: RuleCounts;
}

export function createCiliumRuleSync(ctx: MeasurementContext & { readonly state: LabState }): Measurement {
  const { state, signal } = ctx;
  const nodes = [...(state.realNodes ?? [])].sort((a, b) => a.index - b.index);
  const errors: string[] = nodes.length ? [] : ['the lab has no real nodes: no cilium-agent to measure'];
  const phases: RuleSyncPhase[] = [];
  let atStop: NodeAtStop[] = [];
  const map = serviceMapCounter(state, signal);

  return {
    async start() {},
    async mark(phase: string) {
      const n = nodes[0];
      if (!n) return;
      try {
        const c = await map.count(n);
        phases.push({
          phase,
          syncs: null,
          p50Ms: null,
          p99Ms: null,
          meanMs: null,
          ...c,
          capacity: map.capacity(),
        });
      } catch (e) {
        errors.push(`${n.name}: service map after phase ${phase}: ${message(e)}`);
      }
    },
    async stop() {
      if (atStop.length) return;
      atStop = await Promise.all(
        nodes.map(async (n) => {
          try {
            return { node: n.name, counts: await map.count(n) };
          } catch (e) {
            errors.push(`${n.name}: service map at stop: ${message(e)}`);
            return { node: n.name };
          }
        }),
      );
    },
    collect: () => ciliumRuleSyncResult(phases, atStop, map.capacity(), errors),
  };
}

function ciliumRuleSyncResult(
  phases: readonly RuleSyncPhase[],
  atStop: readonly NodeAtStop[],
  capacity: number | null,
  errors: readonly string[],
): MeasurementResultOf<'ruleSync'> {
  const node1 = atStop[0]?.counts;
  return {
    name: 'ruleSync',
    definition:
      "cilium-agent: the node's BPF service map at stop (entries: one per Service frontend plus one per " +
      "backend slot), per phase on node 1; no sync durations (the agent has no twin of kube-proxy's sync " +
      'histogram) and no raw load (a BPF map is updated entry by entry, never reloaded whole)',
    source: "bpftool -j map dump pinned on each node's own bpffs (tc/globals/cilium_lb4_services_v2)",
    units: 'counts',
    summary: {
      syncs: null,
      syncP50Ms: null,
      syncP90Ms: null,
      syncP99Ms: null,
      fullSyncP50Ms: null,
      partialSyncP50Ms: null,
      rules: node1?.rules ?? null,
      elements: null,
      serviceChains: node1?.serviceChains ?? null,
      rawLoadMs: null,
      syncToRawRatio: null,
      fullSyncToRawRatio: null,
      serviceMapCapacity: capacity,
    },
    details: { phases, rawLoadsMs: [], nodes: atStop.map(({ node, counts }) => ({ node, ...counts })) },
    skipped: ['sync durations and raw load: kube-proxy figures, which cilium-agent has no twin of'],
    errors: [...errors],
  };
}
