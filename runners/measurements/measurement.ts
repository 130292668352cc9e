import type { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from '../../infra/lab/state.ts';
import type { Log } from '../events.ts';
import type { ClusterTarget } from '../cluster/target.ts';
import type { MeasurementName } from '../../scenarios/schema.ts';

/** What a measurement may use: the target (lab or kubeconfig), an API client, the log, the run's abort signal. */
export interface MeasurementContext {
  /** The lab's state in a lab run (its processes, node namespaces); absent when run through a kubeconfig. */
  readonly state?: LabState;
  /** Where objects go, which nodes to use, how to read pod output and kube-proxy metrics. */
  readonly target: ClusterTarget;
  readonly kc: KubeConfig;
  readonly log: Log;
  readonly signal: AbortSignal;
  /** The value of the scalelab.io/run label on every object this run creates. */
  readonly runId: string;
  /** Where the background's Services live, when spread beyond target.namespace (background.namespaces). */
  readonly backgroundNamespaces?: readonly string[];
}

/** A measurement's findings: the header (definition, source, units) travels with the figures into reports. */
export type { MeasurementResult, MeasurementResultOf } from '../results/definition.ts';
import type { MeasurementResult } from '../results/definition.ts';

/** Where a phase ended: a repeated phase's round (1-based) of `rounds`; empty for a phase that runs once. */
export interface PhaseEnd {
  readonly round?: number;
  readonly rounds?: number;
}

/** kube-burner's Start/Stop/Collect: start observing, stop (idempotent, safe after a failed start), summarise. */
export interface Measurement {
  start(): Promise<void>;
  /** Called when a phase ends; measurements that report per phase take a snapshot here. */
  mark?(phase: string, end?: PhaseEnd): Promise<void>;
  stop(): Promise<void>;
  collect(): MeasurementResult;
  /**
   * Measures what the variants of a lab share (the harness process, the control plane): stopped only once every
   * other measurement of the lab has stopped, so variants side by side read it up to the same moment. (It starts
   * in the scenario's order: started first, controlPlane's pod watch would count the other measurements' own
   * pods among the pod startups.)
   */
  readonly closesLast?: boolean;
}
