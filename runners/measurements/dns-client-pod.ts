/**
 * The DNS measurement's glibc client (dns.ts), once it runs: a one-worker Job on real node 1 that looks names
 * up until deleted, like any workload a cluster runs, and whose log is the measurement's record of every lookup.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { MeasurementParams } from '../../scenarios/schema.ts';
import { sleep } from '../../infra/lab/processes.ts';
import type { MeasurementContext } from './measurement.ts';
import { until } from './client-pod.ts';
import { deleteAgentJob, startAgentJob } from '../cluster/agent-job.ts';
import { dnsClientJob } from './dns-objects.ts';
import { parseClientLog } from '../traffic/dns-lookups.ts';

/** The client's pod, its log as it grows, and its end. */
export interface DnsClient {
  readonly pod: V1Pod;
  /** The client's output so far; the last text read is kept, so a failed read changes nothing. */
  log(): Promise<string>;
  /** Waits for the lookups due before `endMs` to answer, up to the longest a glibc query can wait. */
  drain(endMs: number): Promise<void>;
  delete(): Promise<void>;
}

/**
 * Starts the client on `names` and resolves once it has made its first lookup; a client that makes none is
 * deleted, and the error carries the tail of its log.
 */
export async function startDnsClient(
  ctx: MeasurementContext,
  params: MeasurementParams<'dns'>,
  names: string[],
): Promise<DnsClient> {
  const job = dnsClientJob(ctx.target, ctx.runId, names, params);
  const client = runningClient(ctx, await startAgentJob(ctx.kc, ctx.target, job, ctx.signal));
  try {
    await until(
      'the DNS client to make its first lookup',
      async () => (parseClientLog(await client.log()).lookups.length > 0 ? true : undefined),
      60_000,
      ctx.signal,
    );
  } catch (err) {
    const tail = (await client.log()).slice(-300);
    await client.delete();
    throw new Error(`${err instanceof Error ? err.message : err}; its log: ${tail}`);
  }
  return client;
}

function runningClient(ctx: MeasurementContext, pod: V1Pod): DnsClient {
  let text = '';
  const log = async () => {
    text = await ctx.target.containerLog(pod, 'agent').catch(() => text);
    return text;
  };
  return {
    pod,
    log,
    async drain(endMs) {
      for (;;) {
        const { header, lookups } = parseClientLog(await log());
        if (!header) return;
        const due = Math.ceil(((endMs - header.startMs) * header.rate) / 1000);
        const answered = lookups.filter((l) => l.seq < due).length;
        if (answered >= due || Date.now() > endMs + header.timeoutMs * header.attempts + 2000) return;
        await sleep(500);
      }
    },
    delete: () => deleteAgentJob(ctx.kc, ctx.target, 'dns-client'),
  };
}
