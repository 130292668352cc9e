/**
 * `agent dns-client --names a,b,c [--rate 20] [--seconds 0] [--resolv-conf /etc/resolv.conf]`
 *
 * Looks names up as an application does: Node's dns.lookup with family 0 is glibc's getaddrinfo with AF_UNSPEC
 * (A and AAAA in parallel, the search list and ndots of the pod's resolv.conf), on libuv's threadpool (size it
 * with UV_THREADPOOL_SIZE in the pod's env: a lookup waiting for a thread is waiting all the same). Open model:
 * lookup i is due at start + i / rate whether or not earlier ones have answered; names are taken in turn.
 * Prints a header, then one line per lookup as it completes (runners/traffic/dns-lookups.ts); runs `--seconds`
 * (0: until killed).
 */
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { classifyLookup, formatHeader, formatLookup } from '../dns-lookups.ts';
import { parseResolvConf } from '../resolv-conf.ts';

export async function dnsClientCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      names: { type: 'string' },
      rate: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '0' },
      'resolv-conf': { type: 'string', default: '/etc/resolv.conf' },
    },
  });
  const names = (values.names ?? '').split(',').filter(Boolean);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  if (!names.length) throw new Error('dns-client: --names is required');
  if (!(rate > 0) || !(seconds >= 0)) throw new Error('dns-client: --rate must be > 0 and --seconds ≥ 0');
  const path = values['resolv-conf'];
  const conf = parseResolvConf(existsSync(path) ? readFileSync(path, 'utf8') : '');
  const timeoutMs = conf.timeoutSeconds * 1000;

  // Due times are kept on the monotonic clock; the epoch is printed so the harness can place them in windows.
  const epoch0 = Date.now();
  const perf0 = performance.now();
  process.stdout.write(
    formatHeader({
      startMs: epoch0,
      rate,
      timeoutMs,
      attempts: conf.attempts,
      ndots: conf.ndots,
      search: conf.search,
    }) + '\n',
  );
  const pending = new Set<Promise<void>>();
  const total = seconds > 0 ? Math.ceil(seconds * rate) : Infinity;
  for (let i = 0; i < total; i++) {
    const dueOffset = (i * 1000) / rate;
    const wait = perf0 + dueOffset - performance.now();
    // Timers take whole ms and may fire up to 1 ms early: round up so no lookup starts before it is due.
    if (wait > 0) await new Promise((r) => setTimeout(r, Math.ceil(wait)));
    const calledAt = performance.now();
    const name = names[i % names.length]!;
    const p: Promise<void> = lookup(name, { all: true, family: 0, hints: 0 })
      .then(
        () => undefined,
        (err: NodeJS.ErrnoException) => err,
      )
      .then((err) => {
        // From the due time, not the call: a lookup the client was late to start is late for the application too.
        // (From the call when the timer fired early, so no latency is shortened.)
        const latencyMs = performance.now() - Math.min(calledAt, perf0 + dueOffset);
        const { outcome, code } = classifyLookup(err, latencyMs, timeoutMs);
        // stdout is a file here: the write is synchronous, so a kill loses no finished lookup.
        process.stdout.write(
          formatLookup({
            seq: i,
            startMs: Math.round(epoch0 + dueOffset),
            latencyMs,
            clientLateMs: Math.max(0, calledAt - perf0 - dueOffset),
            outcome,
            name,
            code,
          }) + '\n',
        );
      });
    const tracked = p.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }
  await Promise.all(pending);
}
