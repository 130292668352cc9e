/** The connectionLatency measurement's details: latency at each rule-set size, during endpoint churn, and the tools' own reports. */
import { number, optional, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { anyJson, list, nullable, openObject } from '../../../scenarios/schema-kit-results.ts';

const ms = number({ min: 0, unit: 'ms' });

/**
 * The Service path's own cost at one size: connections through the VIP and straight to a backend pod taken in
 * pairs by the same VU, in random order; the median of the per-pair differences of connect time (VIP −
 * direct) with its distribution-free interval (the sign test inverted: runners/measurements/median-interval.ts).
 * Null figures: fewer pairs than the interval needs (6 at 95%).
 */
export const vipMinusDirect = openObject(
  {
    pairs: number({ min: 0 }),
    medianMs: nullable(number({ unit: 'ms' })),
    lowMs: nullable(number({ unit: 'ms' })),
    highMs: nullable(number({ unit: 'ms' })),
    /** The interval's exact coverage (at least 0.95). */
    confidence: nullable(number({ min: 0, max: 1 })),
    /** The pod the direct side connected to (IP:port); the VIP may pick it or the other. */
    directTarget: string(),
    /** Of the pairs, the share where the VIP's connection reached that same pod. */
    sameBackendShare: nullable(number({ min: 0, max: 1 })),
  },
  'connect time through the VIP minus straight to a backend pod, per pair',
);

/** New connections through the VIP at one rule-set size (after one phase). */
export const connectSizePoint = openObject({
  phase: string(),
  services: number({ min: 0 }),
  requests: number({ min: 0 }),
  errors: number({ min: 0 }),
  connectP50Ms: ms,
  connectP90Ms: ms,
  connectP99Ms: ms,
  connectMaxMs: ms,
  firstByteP50Ms: ms,
  firstByteP90Ms: ms,
  firstByteP99Ms: ms,
  /** Absent from runs before 2026-12 (the VIP alone, unpaired). */
  vipMinusDirect: optional(vipMinusDirect),
});

/** A probe's connections while the target's pods were rolled. */
export const endpointChurnFindings = openObject({
  requests: number({ min: 0 }),
  errors: number({ min: 0 }),
  errorRate: number({ min: 0 }),
  /** Replies from a pod after it was marked for deletion. */
  removedBackendHits: number({ min: 0 }),
  /** The latest such reply, in ms after its pod was marked. */
  lastRemovedBackendHitMs: nullable(number()),
  /** First to last failed connection, ms (null when none failed). */
  errorWindowMs: nullable(number()),
  rolloutSeconds: number({ min: 0 }),
  podsReplaced: number({ min: 0 }),
  firstErrors: list(string()),
});

export const connectionLatencyDetails = openObject({
  bySize: list(connectSizePoint),
  churn: optional(endpointChurnFindings),
  vegeta: optional(anyJson("vegeta's JSON report of the cross-check")),
  viaVip: optional(anyJson("the agent's report through the VIP (the last size)")),
  direct: optional(anyJson("the agent's report straight to a pod's IP")),
  agentAtRate: optional(anyJson("the agent's report at the cross-check's rate")),
});

export type ConnectSizePoint = Infer<typeof connectSizePoint>;
export type VipMinusDirect = Infer<typeof vipMinusDirect>;
export type EndpointChurnFindings = Infer<typeof endpointChurnFindings>;
export type ConnectionLatencyDetails = Infer<typeof connectionLatencyDetails>;
