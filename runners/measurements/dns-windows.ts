/**
 * The DNS measurement's stop (dns.ts), while the client still runs: the phases' window, then each condition's
 * with the servers' counters at its edges; the client's log is read once every lookup due has answered.
 */
import { parseClientLog } from '../traffic/dns-lookups.ts';
import { runCondition } from './dns-condition-run.ts';
import type { DnsClient } from './dns-client-pod.ts';
import { fail, scrape, unavailable, type DnsRun } from './dns-run.ts';

export async function observeConditions(run: DnsRun, client: DnsClient): Promise<void> {
  await runConditions(run);
  if (!run.ctx.signal.aborted) await client.drain(run.found.windows.at(-1)!.toMs);
  await readClient(run, client);
}

/** The phases' window, then each condition in turn, a scrape of the servers between each two. */
async function runConditions(run: DnsRun): Promise<void> {
  const { ctx, params, running, found } = run;
  const { windows, edges } = found;
  windows.push({
    name: 'service-churn',
    fromMs: running.phaseFromMs,
    toMs: found.phases.length ? running.lastMarkMs : Date.now(),
  });
  let edge = await scrape(run);
  if (running.firstScrape) edges.set('service-churn', [running.firstScrape, edge]);
  for (const c of params.conditions) {
    if (ctx.signal.aborted) break;
    if (unavailable(run, c)) continue;
    const before = windows.length;
    await runCondition(c, {
      kc: ctx.kc,
      lab: ctx.state,
      clientNode: run.clientNode,
      seconds: params.conditionSeconds,
      signal: ctx.signal,
      events: found.events,
    }).then((w) => void windows.push(w), fail(run, `condition ${c}`));
    const next = await scrape(run);
    // A condition that failed before its window began has no window, and no figures.
    if (windows.length > before) edges.set(c, [edge, next]);
    edge = next;
  }
}

/** The client's whole log, parsed; then the client is deleted. */
async function readClient(run: DnsRun, client: DnsClient): Promise<void> {
  const { errors } = run.found;
  const readAtMs = Date.now();
  const text = await client.log();
  const parsed = (run.found.parsed = { ...parseClientLog(text), readAtMs });
  if (!parsed.header) errors.push(`the DNS client printed no header: ${text.slice(-300)}`);
  // It runs until deleted: a client that ended early would turn every later lookup into "unanswered".
  const phase = await run.core
    .readNamespacedPod({ name: client.pod.metadata!.name!, namespace: run.ctx.target.namespace })
    .then(
      (p) => p.status?.phase,
      () => undefined,
    );
  if (phase === 'Failed' || phase === 'Succeeded')
    errors.push(`the DNS client exited during the run: ${text.slice(-300)}`);
  await client.delete();
}
