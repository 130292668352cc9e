/** The ruleSync measurement's details: node 1's rule set after each phase, every node's syncs at stop. */
import { number, optional, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { list, nullable, openObject } from '../../../scenarios/schema-kit-results.ts';

const count = optional(nullable(number({ min: 0 })));
const ms = optional(nullable(number({ min: 0, unit: 'ms' })));

/** Node 1 as a phase ended: the syncs of the phase, and the rule set it left. */
export const ruleSyncPhase = openObject({
  phase: string(),
  /** The Services the phase left (cilium); absent: the report counts them from the churn. */
  services: count,
  syncs: count,
  p50Ms: ms,
  p99Ms: ms,
  meanMs: ms,
  rules: count,
  elements: count,
  serviceChains: count,
  /** cilium: the service map's size (its entries equal to it: the map is full). */
  capacity: count,
});

export const ruleSyncDetails = openObject({
  phases: list(ruleSyncPhase),
  /** node 1's rule set loaded whole in a scratch namespace (iptables-restore / nft -f), each time. */
  rawLoadsMs: list(number({ min: 0 })),
  /** Every real node at stop: its syncs and the rule set it carried. */
  nodes: list(openObject({ node: string() })),
});

export type RuleSyncPhase = Infer<typeof ruleSyncPhase>;
export type RuleSyncDetails = Infer<typeof ruleSyncDetails>;
