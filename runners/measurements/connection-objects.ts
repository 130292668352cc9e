/**
 * The objects of the connection-latency measurement (connection-latency.ts): the target (two agnhost pods on
 * real node 2 behind a ClusterIP), the traffic agent's Indexed Jobs on real node 1, and the churn probe.
 * Pure builders, so `run --dry-run` prints exactly what the measurement creates.
 */
import type { V1Deployment, V1Job, V1Pod, V1Service } from '@kubernetes/client-node';
import { netexecContainer } from '../churn/workload.ts';
import { runLabel } from '../run-label.ts';
import type { ClusterTarget } from '../cluster/target.ts';
import { agentJob } from '../cluster/agent-job.ts';
import { agentPod } from './client-pod.ts';
import type { MeasurementParams } from '../../scenarios/schema.ts';

type ConnectionLatencyParams = MeasurementParams<'connectionLatency'>;

export const connTarget = 'conn-target';
/**
 * The agent's own profiles (runners/traffic/profiles/), named so any agent image has them: `connect` through
 * one address; `connect-paired` through the VIP and straight to a pod in turn, per pair.
 */
const profile = 'connect';
const pairedProfile = 'connect-paired';

const clientNode = (t: ClusterTarget) => t.nodes[0]?.name ?? '<node 1>';
const serverNode = (t: ClusterTarget) => t.nodes[1]?.name ?? '<node 2>';

export function connTargetDeployment(target: ClusterTarget, runId: string): V1Deployment {
  const labels = { app: connTarget, [runLabel]: runId };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: connTarget, namespace: target.namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { nodeName: serverNode(target), containers: [netexecContainer] },
      },
    },
  };
}

export function connTargetService(target: ClusterTarget, runId: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: connTarget, namespace: target.namespace, labels: { [runLabel]: runId } },
    spec: { selector: { app: connTarget, [runLabel]: runId }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/**
 * The connect profile against hostPort as a Job of `workers` workers sharing the VUs and the rate (each
 * worker's share rounded up); their histograms are merged afterwards. With `direct` (a pod's IP:port), the
 * paired profile: every VIP connection has one to that pod beside it.
 */
export function connectJob(
  target: ClusterTarget,
  runId: string,
  params: ConnectionLatencyParams,
  name: string,
  hostPort: string,
  o: { rate?: number; vus?: number; direct?: string } = {},
): V1Job {
  const workers = target.options.workers;
  const share = (total: number) => String(Math.max(1, Math.ceil(total / workers)));
  const args = ['run', '--profile', o.direct ? pairedProfile : profile, '--env', `TARGET=${hostPort}`];
  if (o.direct) args.push('--env', `DIRECT=${o.direct}`);
  args.push('--vus', share(o.vus ?? params.vus), '--duration', `${params.seconds}s`);
  if (o.rate) args.push('--rate', share(o.rate));
  return agentJob(target, runId, { name, node: clientNode(target), args, parallelism: workers });
}

/** vegeta at the cross-check rate; one worker, as its report holds no histogram to merge. */
export function vegetaJob(
  target: ClusterTarget,
  runId: string,
  params: ConnectionLatencyParams,
  vip: string,
): V1Job {
  const args = ['vegeta', '--url', `http://${vip}/hostname`, '--rate', String(params.crossCheckRate)];
  args.push('--duration', `${params.seconds}s`);
  return agentJob(target, runId, { name: 'conn-client-vegeta', node: clientNode(target), args });
}

/** The rate run: enough VUs that a slow request never holds back the schedule. */
export function rateJob(
  target: ClusterTarget,
  runId: string,
  p: ConnectionLatencyParams,
  vip: string,
): V1Job {
  const o = { rate: p.crossCheckRate, vus: 64 * target.options.workers };
  return connectJob(target, runId, p, 'conn-client-rate', `${vip}:80`, o);
}

/** The probe under the endpoint rollout: a new connection every 5 ms, each reply's pod logged. */
export function churnProbePod(target: ClusterTarget, runId: string, vip: string): V1Pod {
  const args = ['vip-probe', '--url', `http://${vip}/hostname`, '--interval-ms', '5', '--timeout-ms', '1000'];
  return agentPod(target, 'conn-churn-probe', clientNode(target), args, runId);
}

/** Everything the measurement creates, in order; the VIP and pod IP are known only once they exist. */
export function plannedConnectionObjects(
  target: ClusterTarget,
  runId: string,
  p: ConnectionLatencyParams,
  phases: readonly string[],
  vip: string,
  podIp: string,
): object[] {
  const sizes = p.atEachPhase ? phases.map((_, i) => `conn-client-${i}`) : ['conn-client-0'];
  return [
    connTargetDeployment(target, runId),
    connTargetService(target, runId),
    ...sizes.map((name) => connectJob(target, runId, p, name, `${vip}:80`, { direct: `${podIp}:8080` })),
    connectJob(target, runId, p, 'conn-client-direct', `${podIp}:8080`),
    ...(p.crossCheckRate > 0 ? [rateJob(target, runId, p, vip), vegetaJob(target, runId, p, vip)] : []),
    ...(p.endpointChurn ? [churnProbePod(target, runId, vip)] : []),
  ];
}
