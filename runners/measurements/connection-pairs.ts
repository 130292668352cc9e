/**
 * The Service path's cost at one size out of a paired run (profiles/connect-paired.ts): the median of the
 * per-pair differences of connect time, VIP − direct, with its 95% interval (median-interval.ts). Pairs, not
 * two separate runs' percentiles: the agent's own floor (~0.17 ms through a pod's veth) is as large as the
 * whole rule-set effect at 10,000 Services, and two runs minutes apart drift by more than that.
 */
import type { ProfileReport } from '../traffic/load-profile.ts';
import type { VipMinusDirect } from '../results/details/connection-latency.ts';
import { medianInterval } from './median-interval.ts';

const round = (x: number) => Math.round(x * 1000) / 1000;

export function vipMinusDirectOf(report: ProfileReport, directTarget: string): VipMinusDirect {
  const diffs = report.samples?.vip_minus_direct_connecting ?? [];
  const same = report.samples?.vip_reached_direct_pod ?? [];
  const ci = medianInterval(diffs);
  return {
    pairs: diffs.length,
    medianMs: ci ? round(ci.median) : null,
    lowMs: ci ? round(ci.low) : null,
    highMs: ci ? round(ci.high) : null,
    confidence: ci ? Math.round(ci.confidence * 10000) / 10000 : null,
    directTarget,
    sameBackendShare: same.length ? round(same.reduce((a, b) => a + b, 0) / same.length) : null,
  };
}

/** The report without its raw samples: the results file keeps the figures drawn from them. */
export function withoutSamples(r: ProfileReport): ProfileReport {
  const { samples: _, ...rest } = r;
  return rest;
}
