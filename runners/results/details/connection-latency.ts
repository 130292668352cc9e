/** The connectionLatency measurement's details: latency at each rule-set size, during endpoint churn, and the tools' own reports. */
import { number, optional, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { anyJson, list, nullable, openObject } from '../../../scenarios/schema-kit-results.ts';

const ms = number({ min: 0, unit: 'ms' });

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
export type EndpointChurnFindings = Infer<typeof endpointChurnFindings>;
export type ConnectionLatencyDetails = Infer<typeof connectionLatencyDetails>;
