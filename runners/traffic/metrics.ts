import * as hdr from 'hdr-histogram-js';
import type { RequestTimings } from './http-timings.ts';

/** k6's trend metrics for HTTP, each an HDR histogram of microseconds (3 significant digits). */
export const trendNames = [
  'http_req_blocked',
  'http_req_looking_up',
  'http_req_connecting',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'http_req_duration',
  // Not a k6 metric: the whole request (blocked + looking_up + connecting + duration), which is what vegeta
  // and most other tools call latency; the cross-check compares on it.
  'req_total',
] as const;
export type TrendName = (typeof trendNames)[number];

export interface TrendSummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly avg: number;
}

/** The agent's metrics: trends, http_req_failed (a rate) and iterations (a counter), named as in k6. */
export class AgentMetrics {
  private readonly trends = new Map<TrendName, hdr.Histogram>();
  private failed = 0;
  private requests = 0;
  iterations = 0;
  /** k6's dropped_iterations: arrivals a constant-rate profile could not start because every VU was busy. */
  droppedIterations = 0;

  constructor() {
    for (const n of trendNames)
      this.trends.set(
        n,
        hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 3_600_000_000,
          numberOfSignificantValueDigits: 3,
        }),
      );
  }

  addRequest(t: RequestTimings): void {
    this.requests++;
    if (t.failed) this.failed++;
    const values: Record<TrendName, number> = {
      http_req_blocked: t.blocked,
      http_req_looking_up: t.looking_up,
      http_req_connecting: t.connecting,
      http_req_sending: t.sending,
      http_req_waiting: t.waiting,
      http_req_receiving: t.receiving,
      http_req_duration: t.duration,
      req_total: t.blocked + t.looking_up + t.connecting + t.duration,
    };
    for (const n of trendNames) this.trends.get(n)!.recordValue(Math.max(1, Math.round(values[n] * 1000)));
  }

  /** Each trend's histogram, HdrHistogram's compressed base64: workers' histograms merge losslessly. */
  histograms(): Record<TrendName, string> {
    const out = {} as Record<TrendName, string>;
    for (const [n, h] of this.trends) out[n] = hdr.encodeIntoCompressedBase64(h);
    return out;
  }

  /** Adds another worker's histograms (from histograms()) and counts, as if this agent had made its requests. */
  merge(other: {
    histograms: Record<TrendName, string>;
    requests: number;
    failed: number;
    iterations: number;
    droppedIterations: number;
  }): void {
    for (const n of trendNames) this.trends.get(n)!.add(hdr.decodeFromCompressedBase64(other.histograms[n]));
    this.requests += other.requests;
    this.failed += other.failed;
    this.iterations += other.iterations;
    this.droppedIterations += other.droppedIterations;
  }

  /** ms figures per trend; the rate of failed requests; counts. */
  summary(): {
    trends: Record<TrendName, TrendSummary>;
    http_req_failed: number;
    http_reqs: number;
    iterations: number;
    dropped_iterations: number;
  } {
    const trends = {} as Record<TrendName, TrendSummary>;
    for (const [n, h] of this.trends) {
      const q = (p: number) => Math.round(h.getValueAtPercentile(p)) / 1000;
      trends[n] = {
        count: h.totalCount,
        p50: q(50),
        p90: q(90),
        p99: q(99),
        max: Math.round(h.maxValue) / 1000,
        avg: Math.round(h.mean) / 1000,
      };
    }
    return {
      trends,
      http_req_failed: this.requests ? this.failed / this.requests : 0,
      http_reqs: this.requests,
      iterations: this.iterations,
      dropped_iterations: this.droppedIterations,
    };
  }
}

/**
 * A k6 threshold expression on a summary: `p(99)<200`, `avg<=50`, `max<1000` on trends (ms), `rate<0.01` on
 * http_req_failed, `count>100` on http_reqs. Returns whether it holds; throws on an expression it cannot read.
 */
export function thresholdHolds(expression: string, value: TrendSummary | number): boolean {
  const m =
    /^\s*(p\((\d+(?:\.\d+)?)\)|avg|min|max|med|rate|count)\s*(<=|>=|<|>|==|!=)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(
      expression,
    );
  if (!m) throw new Error(`threshold "${expression}": expected e.g. p(99)<200, avg<50, rate<0.01`);
  const [, agg, pct, op, rhs] = m;
  let lhs: number;
  if (typeof value === 'number') {
    if (agg !== 'rate' && agg !== 'count')
      throw new Error(`threshold "${expression}": ${agg} applies to trends, not to a rate or count`);
    lhs = value;
  } else if (agg!.startsWith('p(')) {
    const p = Number(pct);
    const known: Record<number, number> = { 50: value.p50, 90: value.p90, 99: value.p99 };
    if (!(p in known))
      throw new Error(`threshold "${expression}": percentiles available are p(50), p(90), p(99)`);
    lhs = known[p]!;
  } else if (agg === 'avg' || agg === 'max' || agg === 'med') {
    lhs = agg === 'avg' ? value.avg : agg === 'max' ? value.max : value.p50;
  } else {
    throw new Error(`threshold "${expression}": ${agg} does not apply to a trend`);
  }
  const r = Number(rhs);
  return { '<': lhs < r, '<=': lhs <= r, '>': lhs > r, '>=': lhs >= r, '==': lhs === r, '!=': lhs !== r }[
    op!
  ]!;
}
