/**
 * One glibc lookup's outcome, and the line the DNS client prints for it; the harness parses these lines back.
 *
 * getaddrinfo reports SERVFAIL and a timeout alike (EAI_AGAIN), so the outcome is decided by the time taken:
 * EAI_AGAIN at or past the resolver's timeout (resolv.conf `timeout`, 5 s by default) is a timeout, earlier it
 * is a SERVFAIL (which includes a refused query: an ICMP port unreachable from a CoreDNS that is not
 * listening). An answer that came only at or past the timeout is a timeout too (code `late`): a query was lost
 * and glibc resent it, the application stalled for the whole timeout (the "5 s DNS delay" of the seed talk).
 * ENOTFOUND for a name that exists is an unexpected NXDOMAIN. Anything else is an error, with its code.
 */
export type LookupOutcome = 'ok' | 'servfail' | 'nxdomain' | 'timeout' | 'error';

export interface LookupLine {
  /** The lookup's number: lookup i was due at start + i / rate (open model). */
  readonly seq: number;
  /** When it was due, epoch ms: windows (phases, conditions) are attributed by this. */
  readonly startMs: number;
  readonly latencyMs: number;
  /** How late the client itself was in making the call (a starved client, not DNS): part of latencyMs. */
  readonly clientLateMs: number;
  readonly outcome: LookupOutcome;
  readonly name: string;
  /** The error code, for outcomes other than ok. */
  readonly code?: string;
}

/** The client's first line: when lookup 0 was due, the rate, and the resolver settings it classified with. */
export interface ClientHeader {
  readonly startMs: number;
  readonly rate: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly ndots: number;
  readonly search: readonly string[];
}

export function classifyLookup(
  err: { code?: string } | undefined,
  latencyMs: number,
  timeoutMs: number,
): { outcome: LookupOutcome; code?: string } {
  if (!err) return latencyMs >= timeoutMs ? { outcome: 'timeout', code: 'late' } : { outcome: 'ok' };
  const code = err.code ?? 'unknown';
  if (code === 'ENOTFOUND') return { outcome: 'nxdomain', code };
  if (code === 'EAI_AGAIN') return { outcome: latencyMs >= timeoutMs ? 'timeout' : 'servfail', code };
  return { outcome: 'error', code };
}

export function formatHeader(h: ClientHeader): string {
  return `# dns-client start=${h.startMs} rate=${h.rate} timeoutMs=${h.timeoutMs} attempts=${h.attempts} ndots=${h.ndots} search=${h.search.join(',')}`;
}

export function formatLookup(l: LookupLine): string {
  const base = `${l.seq} ${l.startMs} ${l.latencyMs.toFixed(3)} ${l.clientLateMs.toFixed(1)} ${l.outcome} ${l.name}`;
  return l.code ? `${base} ${l.code}` : base;
}

const outcomes = new Set<string>(['ok', 'servfail', 'nxdomain', 'timeout', 'error']);

/** The header and the lookup lines of a client's log; other lines (a stack trace, a partial last line) are skipped. */
export function parseClientLog(text: string): { header?: ClientHeader; lookups: LookupLine[] } {
  let header: ClientHeader | undefined;
  const lookups: LookupLine[] = [];
  // The last line may be half-written while the client runs: only lines ended by a newline count.
  const lines = text.split('\n').slice(0, -1);
  for (const line of lines) {
    if (line.startsWith('# dns-client ')) {
      const kv = Object.fromEntries(
        line
          .slice(2)
          .split(' ')
          .map((w) => [w.split('=')[0]!, w.slice(w.indexOf('=') + 1)]),
      );
      header = {
        startMs: Number(kv.start),
        rate: Number(kv.rate),
        timeoutMs: Number(kv.timeoutMs),
        attempts: Number(kv.attempts),
        ndots: Number(kv.ndots),
        search: kv.search ? String(kv.search).split(',').filter(Boolean) : [],
      };
      continue;
    }
    const [seq, start, latency, late, outcome, name, code] = line.split(' ');
    if (!/^\d+$/.test(seq ?? '') || !outcome || !outcomes.has(outcome) || !name) continue;
    const l = {
      seq: Number(seq),
      startMs: Number(start),
      latencyMs: Number(latency),
      clientLateMs: Number(late),
    };
    if (![l.startMs, l.latencyMs, l.clientLateMs].every(Number.isFinite)) continue;
    lookups.push({ ...l, outcome: outcome as LookupOutcome, name, ...(code ? { code } : {}) });
  }
  return { header, lookups };
}
