import type { Scenario } from './schema.ts';
import type { HostFacts } from '../infra/lab/host-facts.ts';
import type { LabSpec } from '../infra/lab/state.ts';

/** One point of the variant matrix: a lab to bring up and run the phases on. */
export interface Variant {
  readonly podNetwork: LabSpec['podNetwork'];
  readonly proxyMode: LabSpec['proxyMode'];
  readonly iptablesBackend: LabSpec['iptablesBackend'];
  readonly dns: LabSpec['dns'];
}

export interface PlannedRun {
  readonly id: string;
  readonly variant: Variant;
  readonly repetition: number;
}

export interface SkippedVariant {
  readonly id: string;
  readonly variant: Variant;
  readonly reason: string;
}

export interface Plan {
  readonly runs: readonly PlannedRun[];
  readonly skipped: readonly SkippedVariant[];
}

export function variantId(v: Variant): string {
  const proxy = v.proxyMode === 'iptables' ? `iptables-${v.iptablesBackend}` : v.proxyMode;
  return `${v.podNetwork}.${proxy}.${v.dns}`;
}

/**
 * The matrix pod network × proxy mode (× iptables backend, for iptables only) × DNS, repeated; variants this
 * host cannot run are listed as skipped with the reason, never dropped.
 */
export function expandPlan(s: Scenario, host: HostFacts, unavailable: { nodelocal?: string } = {}): Plan {
  const runs: PlannedRun[] = [];
  const skipped: SkippedVariant[] = [];
  for (const podNetwork of s.variants.podNetwork) {
    for (const proxyMode of s.variants.proxyMode) {
      // The backend is an iptables setting: other modes get one run, not one per backend.
      const backends = proxyMode === 'iptables' ? s.variants.iptablesBackend : (['nft'] as const);
      for (const iptablesBackend of backends) {
        for (const dns of s.variants.dns) {
          const variant: Variant = { podNetwork, proxyMode, iptablesBackend, dns };
          const id = variantId(variant);
          const reason =
            proxyMode === 'ipvs' && host.ipvsMissing
              ? host.ipvsMissing
              : dns === 'nodelocal'
                ? unavailable.nodelocal
                : undefined;
          if (reason) {
            skipped.push({ id, variant, reason });
            continue;
          }
          for (let r = 1; r <= s.repetitions; r++)
            runs.push({ id: s.repetitions > 1 ? `${id}#${r}` : id, variant, repetition: r });
        }
      }
    }
  }
  return { runs, skipped };
}

export const nodelocalUnavailable =
  'NodeLocal DNSCache (node-cache, module k8s.io/dns) cannot be built here: the Go module proxy serves no version of k8s.io/dns';
