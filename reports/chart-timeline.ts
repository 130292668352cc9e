/** The churn phases on a time axis, and under them what was measured while each ran. */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, inDataOrder, renderChart, type Chart } from './charts.ts';
import { judgedOpacity, width } from './chart-parts.ts';
import { dnsFailureByPhase } from './dns-figures.ts';
import { connectBySize, conntrackByPhase, phaseSpans, syncBySize } from './figures.ts';
import { countedReps, variantLabel, type VariantGroup } from './groups.ts';
import { countRange } from './format.ts';

/** The phases on a time axis, one row per variant, and under them what was measured in each phase. */
export function timelineChart(groups: readonly VariantGroup[]): Promise<Chart | undefined> {
  const phases = groups.flatMap((g) => {
    const rep = countedReps(g).reps[0];
    if (!rep) return [];
    const sync = new Map(syncBySize(rep.result).map((p) => [p.phase, p]));
    const connect = new Map(connectBySize(rep.result).map((p) => [p.phase, p]));
    const dns = dnsFailureByPhase(rep.result);
    const conntrack = conntrackByPhase(rep.result);
    return phaseSpans(rep.result).map((s) => ({
      ...s,
      variant: variantLabel(g),
      judged: countedReps(g).judged,
      syncP50Ms: sync.get(s.phase)?.p50Ms ?? null,
      syncs: sync.get(s.phase)?.syncs ?? null,
      connectP50Ms: connect.get(s.phase)?.connectP50Ms ?? null,
      dnsFailureRate: dns.get(s.phase) ?? null,
      conntrackEntries: conntrack.get(s.phase) ?? null,
    }));
  });
  if (phases.length === 0) return Promise.resolve(undefined);
  // One x scale from 0 to the last phase's end for every panel (shared, and the phases' bars span all of it),
  // so a panel where only some phases have a value does not fit its own.
  const x = {
    field: 'startS',
    type: 'quantitative' as const,
    title: 'seconds since the phases began',
    scale: { domainMin: 0, nice: false },
  };
  const step = (field: string, title: string) => ({
    width,
    height: 110,
    transform: [{ filter: `datum.${field} !== null` }],
    mark: { type: 'rule', strokeWidth: 3, tooltip: false },
    encoding: {
      x,
      x2: { field: 'endS' },
      y: { field, type: 'quantitative', title },
      color: { field: 'variant', type: 'nominal', sort: inDataOrder, title: 'variant' },
      opacity: judgedOpacity,
    },
  });
  const below = [
    phases.some((p) => p.syncP50Ms !== null) ? step('syncP50Ms', 'rule sync p50 (ms)') : undefined,
    phases.some((p) => p.connectP50Ms !== null) ? step('connectP50Ms', 'connect p50 (ms)') : undefined,
    phases.some((p) => p.dnsFailureRate !== null)
      ? step('dnsFailureRate', 'DNS failed lookups (fraction)')
      : undefined,
    phases.some((p) => p.conntrackEntries !== null)
      ? step('conntrackEntries', 'conntrack entries (most on a node)')
      : undefined,
    phases.some((p) => p.achievedQps !== null)
      ? step('achievedQps', 'churn achieved (changes/s)')
      : undefined,
  ].filter((s) => s !== undefined);
  const syncN = countRange(phases.map((p) => p.syncs).filter((s): s is number => s !== null));
  const title = 'Churn phases over time, with what was measured in each';
  const spec: TopLevelSpec = {
    config: chartConfig,
    title: {
      text: title,
      subtitle: [
        'one row per variant (first repetition); under the phases, one step per phase: its value while it ran',
        below.length > 0 && phases.some((p) => p.syncs !== null)
          ? `rule sync p50 over n = ${syncN} syncs per phase`
          : '',
      ].filter(Boolean),
    },
    data: { values: phases },
    vconcat: [
      {
        width,
        height: { step: 18 },
        mark: { type: 'bar', tooltip: false },
        encoding: {
          y: { field: 'variant', type: 'nominal', sort: inDataOrder, title: 'variant' },
          x,
          x2: { field: 'endS' },
          color: { field: 'phase', type: 'nominal', sort: inDataOrder, title: 'phase' },
          opacity: judgedOpacity,
        },
      },
      ...(below.length ? [{ vconcat: below, resolve: { scale: { color: 'shared' } } } as const] : []),
    ],
    resolve: { scale: { x: 'shared', color: 'independent' }, legend: { color: 'independent' } },
  } as TopLevelSpec;
  return renderChart(
    spec,
    title,
    `Phases as they ran on each variant's clock (seconds since the first phase began; the background Services were created before). Under them, each horizontal step spans one phase: kube-proxy's sync p50 during it (n = ${syncN} syncs per phase), connect latency at the size it left when measured, the share of DNS lookups that failed during it, and the churn rate it achieved (each where measured).`,
  );
}
