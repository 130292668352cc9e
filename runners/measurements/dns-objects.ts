/**
 * The objects of the DNS measurement (dns.ts): the glibc client on real node 1 and dnsperf on real node 2,
 * each a one-worker Job. Pure builders, so `run --dry-run` prints exactly what the measurement creates.
 */
import type { V1Job } from '@kubernetes/client-node';
import type { ClusterTarget } from '../cluster/target.ts';
import { agentJob } from '../cluster/agent-job.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';

type DnsParams = MeasurementParams<'dns'>;

/** Background Services the client looks up: the oldest ones, which the churn deletes last. */
const backgroundNames = 8;

/**
 * The names looked up: the API's and DNS's own Services, and the oldest background ones (svc-<j>, or
 * svc-<j>.<namespace> when the background is spread over namespaces).
 */
export function lookupNames(serviceNames: readonly string[]): string[] {
  const index = (n: string) => Number(/^svc-(\d+)/.exec(n)![1]);
  const bg = serviceNames
    .filter((n) => /^svc-\d+(\.[a-z0-9-]+)?$/.test(n))
    .sort((a, b) => index(a) - index(b))
    .slice(0, backgroundNames);
  return ['kubernetes.default', 'kube-dns.kube-system', ...bg];
}

/** The client runs until its Job is deleted, like any workload a cluster runs. */
export function dnsClientJob(target: ClusterTarget, runId: string, names: string[], p: DnsParams): V1Job {
  const args = ['dns-client', '--names', names.join(','), '--rate', String(p.lookupsPerSecond)];
  // getaddrinfo runs on libuv's threadpool (4 threads by default): enough threads that stalled lookups
  // (5 s timeouts) do not queue the ones behind them.
  const env = [{ name: 'UV_THREADPOOL_SIZE', value: '128' }];
  const node = target.nodes[0]?.name ?? '<node 1>';
  return agentJob(target, runId, { name: 'dns-client', node, args, env });
}

export function dnsperfJob(target: ClusterTarget, runId: string, names: string[], p: DnsParams): V1Job {
  const args = ['dnsperf', '--names', names.join(','), '--qps', String(p.dnsperfQps)];
  args.push('--seconds', String(p.dnsperfSeconds));
  // Beside the client where the variant has a second node; never on a lent node, whose DNS is another's.
  const own = target.nodes.filter((n) => !n.borrowed);
  const node = (own[1] ?? own[0])?.name ?? '<node 2>';
  return agentJob(target, runId, { name: 'dns-perf', node, args });
}
