/**
 * kube-burner v1.13.0 configurations for one phase of the peer comparison: create `count` pods or Services from
 * a template, or delete them by label. Only API work: no indexing, metrics, measurements, image preload,
 * namespace cleanup, object verification or waits (their defaults are on; see pkg/config/config.go).
 */
import { stringify } from 'yaml';
import { runLabel } from '../runners/run-label.ts';
import { peerPod, peerService } from './peer-churn-objects.ts';

export type PeerKind = 'pods' | 'services';
export type PeerAction = 'create' | 'delete';

export interface PeerPhase {
  readonly kind: PeerKind;
  readonly action: PeerAction;
  readonly count: number;
  /** The `scalelab.io/run` label of this tool's objects in this round. */
  readonly runId: string;
}

/**
 * "Unlimited": kube-burner's rate limiter and client-go's token bucket both take qps and burst from the job;
 * with burst above any count neither ever waits. (qps 0 would fall back to client-go's 5/10.)
 */
export const unlimitedQps = 100_000;

/** The job's name: it is what kube-burner's "Triggering job" and "Job … took" log lines carry. */
export function jobName(phase: PeerPhase): string {
  return `peer-${phase.action}-${phase.kind}`;
}

/** The files of one phase (name → content); `dir` is where they will be written (templates by absolute path). */
export function kubeBurnerFiles(phase: PeerPhase, dir: string): Record<string, string> {
  const common = {
    name: jobName(phase),
    jobType: phase.action,
    qps: unlimitedQps,
    burst: unlimitedQps,
    skipIndexing: true,
  };
  if (phase.action === 'delete') {
    const job = {
      ...common,
      waitForDeletion: false,
      objects: [
        {
          kind: phase.kind === 'pods' ? 'Pod' : 'Service',
          apiVersion: 'v1',
          labelSelector: { [runLabel]: phase.runId },
          wait: false,
        },
      ],
    };
    return { 'config.yaml': stringify({ global: { gc: false, measurements: [] }, jobs: [job] }) };
  }
  const template = `${phase.kind}.yaml`;
  const job = {
    ...common,
    jobIterations: 1,
    namespacedIterations: false,
    cleanup: false,
    podWait: false,
    waitWhenFinished: false,
    verifyObjects: false,
    preLoadImages: false,
    objects: [{ objectTemplate: `${dir}/${template}`, replicas: phase.count, wait: false }],
  };
  // kube-burner renders {{.Replica}} (1, 2, …) in the template text before it parses the YAML.
  const object =
    phase.kind === 'pods' ? peerPod(phase.runId, '{{.Replica}}') : peerService(phase.runId, '{{.Replica}}');
  return {
    'config.yaml': stringify({ global: { gc: false, measurements: [] }, jobs: [job] }),
    [template]: stringify(object),
  };
}
