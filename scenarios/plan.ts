import type { Scenario } from './schema.ts';
import { groupLabs, type PlannedLab } from './lab-groups.ts';
import type { HostFacts } from '../infra/lab/host-facts.ts';
import type { LabSpec } from '../infra/lab/state.ts';
import { kubernetesVersions } from '../infra/versions.ts';
import { podNetworks } from '../infra/variants/pod-network.ts';
import { serviceProxies } from '../infra/variants/service-proxy.ts';
import { dnsValues } from '../infra/variants/dns.ts';

/** One point of the variant matrix: a lab to bring up and run the phases on. */
export type { Variant } from '../runners/results/definition.ts';
import type { Variant } from '../runners/results/definition.ts';

export type { PlannedRun } from './planned-run.ts';
import type { PlannedRun } from './planned-run.ts';

export interface SkippedVariant {
  readonly id: string;
  readonly variant: Variant;
  readonly reason: string;
}

export interface Plan {
  readonly runs: readonly PlannedRun[];
  readonly skipped: readonly SkippedVariant[];
  /** The labs the runs take, in order: one per run, or several runs side by side (variants.sideBySide). */
  readonly labs: readonly PlannedLab[];
}

/**
 * `direct.iptables-nft.coredns`, prefixed with the Kubernetes version (`v1.37.2/direct.iptables-nft.coredns`)
 * when `withVersion`: a scenario comparing versions, or one running a version other than the default. Ids of
 * scenarios at the default version stay as they were, so their baselines still match.
 */
export function variantId(v: Variant, withVersion = false): string {
  const proxy = v.proxyMode === 'iptables' ? `iptables-${v.iptablesBackend}` : v.proxyMode;
  const id = `${v.podNetwork}.${proxy}.${v.dns}`;
  return withVersion && v.kubernetesVersion ? `${v.kubernetesVersion}/${id}` : id;
}

/** The Kubernetes versions a scenario runs: its variants.kubernetes axis, else cluster.kubernetesVersion, else the default pin. */
export function scenarioKubernetesVersions(s: Scenario): string[] {
  return s.variants.kubernetes ?? [s.cluster.kubernetesVersion ?? kubernetesVersions()[0]!];
}

/**
 * The matrix pod network × proxy mode (× iptables backend, for iptables only) × DNS (or the one-at-a-time
 * set), for each Kubernetes version, repeated; variants this host cannot run are listed as skipped with the
 * reason (each value's own `unsupported`, infra/variants/), never dropped. `reasons` replaces a value's reason
 * by its name, for a caller that knows better (tests).
 */
export function expandPlan(
  s: Scenario,
  host: HostFacts,
  reasons: Partial<Record<string, string>> = {},
): Plan {
  const runs: PlannedRun[] = [];
  const skipped: SkippedVariant[] = [];
  const kubes = scenarioKubernetesVersions(s);
  const withVersion = kubes.length > 1 || kubes[0] !== kubernetesVersions()[0];
  // The version is the outermost axis: each version's variants run together, in the order the scenario lists.
  const axes = s.variants.design === 'one-at-a-time' ? oneAtATime(s.variants) : matrix(s.variants);
  const variants = kubes.flatMap((kubernetesVersion) => axes.map((v) => ({ ...v, kubernetesVersion })));
  for (const variant of variants) {
    const id = variantId(variant, withVersion);
    const reason = unsupportedReason(variant, host, reasons);
    if (reason) {
      skipped.push({ id, variant, reason });
      continue;
    }
    for (let r = 1; r <= s.repetitions; r++)
      runs.push({ id: s.repetitions > 1 ? `${id}#${r}` : id, variant, repetition: r });
  }
  return { runs, skipped, labs: groupLabs(s, runs) };
}

/**
 * What the planned runs need built first (an on-demand component, e.g. cilium-agent), with the command, once
 * per value: `run` refuses with these before any lab starts, as it does for an unbuilt Kubernetes version.
 */
export function notBuiltForPlan(plan: Plan): string[] {
  const values = new Set(
    plan.runs.flatMap(({ variant: v }) => [
      podNetworks[v.podNetwork],
      serviceProxies[v.proxyMode],
      dnsValues[v.dns],
    ]),
  );
  return [...values].flatMap((value) => {
    const missing = value.notBuilt?.();
    return missing ? [`${value.name}: ${missing}`] : [];
  });
}

/** The first of the variant's values (pod network, service proxy, DNS) this host cannot run, and why. */
function unsupportedReason(
  v: Variant,
  host: HostFacts,
  reasons: Partial<Record<string, string>>,
): string | undefined {
  for (const value of [podNetworks[v.podNetwork], serviceProxies[v.proxyMode], dnsValues[v.dns]]) {
    const reason = value.unsupported(host);
    if (reason) return reasons[value.name] ?? reason;
  }
  return undefined;
}

type Axes = Scenario['variants'];
/** A variant's axes before the Kubernetes versions are crossed in. */
type AxesPoint = Omit<Variant, 'kubernetesVersion'>;

/** Every combination. The backend is an iptables setting: other modes get one run, not one per backend. */
function matrix(a: Axes): AxesPoint[] {
  return a.podNetwork.flatMap((podNetwork) =>
    a.proxyMode.flatMap((proxyMode) =>
      (proxyMode === 'iptables' ? a.iptablesBackend : (['nft'] as const)).flatMap((iptablesBackend) =>
        a.dns.map((dns) => ({ podNetwork, proxyMode, iptablesBackend, dns })),
      ),
    ),
  );
}

/**
 * The base (the first value of every axis), then each other value of one axis with the rest at the base: the
 * seed talk's comparisons, one question each, without the whole matrix's cost.
 */
function oneAtATime(a: Axes): AxesPoint[] {
  const base: AxesPoint = {
    podNetwork: a.podNetwork[0]!,
    proxyMode: a.proxyMode[0]!,
    iptablesBackend: a.iptablesBackend[0]!,
    dns: a.dns[0]!,
  };
  const out = [base];
  for (const podNetwork of a.podNetwork.slice(1)) out.push({ ...base, podNetwork });
  for (const proxyMode of a.proxyMode.slice(1))
    out.push({
      ...base,
      proxyMode,
      iptablesBackend: proxyMode === 'iptables' ? base.iptablesBackend : 'nft',
    });
  if (base.proxyMode === 'iptables')
    for (const iptablesBackend of a.iptablesBackend.slice(1)) out.push({ ...base, iptablesBackend });
  for (const dns of a.dns.slice(1)) out.push({ ...base, dns });
  return out;
}
