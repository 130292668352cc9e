/**
 * The DNS client's lookups cut into windows (the phases, then each condition) by their due time, and each
 * window's outcome counts and exact latency percentiles. A lookup due in a window that never answered by the
 * time the log was read counts as a timeout: a lookup the application is still waiting on is not hidden.
 */
import type { ClientHeader, LookupLine } from '../traffic/dns-lookups.ts';

export type ConditionName =
  'steady' | 'coredns-rollout' | 'coredns-killed' | 'coredns-down' | 'nodelocal-killed' | 'service-churn';

/** [fromMs, toMs) in epoch ms. */
export interface Window {
  readonly name: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ConditionStats {
  readonly name: string;
  readonly dnsMode: 'coredns' | 'nodelocal';
  readonly fromMs: number;
  readonly toMs: number;
  readonly lookups: number;
  readonly ok: number;
  readonly servfail: number;
  readonly nxdomain: number;
  readonly timeout: number;
  readonly otherErrors: number;
  /** Of the timeouts: answered, but only at or past the resolver's timeout (a query was lost and resent). */
  readonly late: number;
  /** Of the timeouts: due in the window and still unanswered when the log was read. */
  readonly unanswered: number;
  readonly failureRate: number | null;
  /** When the failed lookups were due, from the window's start (ms): how long the disruption was felt. */
  readonly failuresDueMs: { readonly first: number; readonly last: number } | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** The most the client fell behind its schedule (a starved client, not DNS): over ~0.5 s, the window is suspect. */
  readonly clientLateMaxMs: number | null;
}

/**
 * The lookups due in the window (lookup i is due at start + i / rate), the unanswered ones as timeouts with the
 * time they had waited as latency.
 */
export function lookupsIn(
  w: Window,
  header: ClientHeader,
  lines: readonly LookupLine[],
  readAtMs: number,
): LookupLine[] {
  const dueMs = (seq: number) => header.startMs + (seq * 1000) / header.rate;
  const bySeq = new Map(lines.map((l) => [l.seq, l]));
  const out: LookupLine[] = [];
  let seq = Math.max(0, Math.floor(((w.fromMs - header.startMs) * header.rate) / 1000));
  for (; dueMs(seq) < w.toMs; seq++) {
    const due = dueMs(seq);
    if (due < w.fromMs) continue;
    out.push(
      bySeq.get(seq) ?? {
        seq,
        startMs: Math.round(due),
        latencyMs: Math.max(0, readAtMs - due),
        clientLateMs: 0,
        outcome: 'timeout',
        name: '-',
        code: 'unanswered',
      },
    );
  }
  return out;
}

export function conditionStats(
  w: Window,
  dnsMode: ConditionStats['dnsMode'],
  lookups: readonly LookupLine[],
): ConditionStats {
  const count = (o: LookupLine['outcome']) => lookups.filter((l) => l.outcome === o).length;
  const n = lookups.length;
  const ok = count('ok');
  const sorted = lookups.map((l) => l.latencyMs).sort((a, b) => a - b);
  const failed = lookups.filter((l) => l.outcome !== 'ok').map((l) => l.startMs);
  return {
    name: w.name,
    dnsMode,
    fromMs: w.fromMs,
    toMs: w.toMs,
    lookups: n,
    ok,
    servfail: count('servfail'),
    nxdomain: count('nxdomain'),
    timeout: count('timeout'),
    otherErrors: count('error'),
    late: lookups.filter((l) => l.code === 'late').length,
    unanswered: lookups.filter((l) => l.code === 'unanswered').length,
    failureRate: n ? round((n - ok) / n, 6) : null,
    failuresDueMs: failed.length
      ? {
          first: failed.reduce((a, b) => Math.min(a, b)) - w.fromMs,
          last: failed.reduce((a, b) => Math.max(a, b)) - w.fromMs,
        }
      : null,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length ? round(sorted.at(-1)!, 3) : null,
    clientLateMaxMs: n
      ? round(
          lookups.reduce((m, l) => Math.max(m, l.clientLateMs), 0),
          1,
        )
      : null,
  };
}

/** Nearest-rank quantile of sorted values (exact: every lookup is kept). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!, 3);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
