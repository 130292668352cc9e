/**
 * Where variants run (the design's Lab): a local lab brought up for one variant, or for several side by side on
 * their own real nodes (runners/lab-host.ts), or a namespace of an existing cluster for one
 * (runners/cluster/cluster-host.ts). The driver (runners/run-lab.ts) goes through this interface and nothing
 * else, so the two kinds of run share every step between.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from '../infra/lab/state.ts';
import type { PlannedLab } from '../scenarios/lab-groups.ts';
import type { VariantView } from './variant-view.ts';
import type { Log } from './events.ts';
import type { VariantResult } from './results/schema.ts';

export interface VariantHost {
  /**
   * Makes the place ready for this variant and says how to reach it; records what it made in `result` (the
   * lab's flags, the cluster's facts), so a failure later still shows it. Throws when it cannot.
   */
  open(v: OpeningLab): Promise<OpenHost>;
  /** Copies what a failed or invalid variant leaves (logs, objects) into dir, while it still exists. */
  keepEvidence(dir: string, log: Log): Promise<unknown>;
  /**
   * Removes what must not outlive the variant (a cluster's namespaces); a failure is the variant's. A lab stays
   * up until the next variant's open or the run's end (`closeRun`), so its evidence can still be read.
   */
  close(results: readonly VariantResult[], log: Log): Promise<void>;
  /** At the end of the run, whatever happened. */
  closeRun(log: Log): Promise<void>;
}

export interface OpeningLab {
  /** The variants it hosts at once (one, unless the scenario runs variants side by side), and their results. */
  readonly lab: PlannedLab;
  readonly results: readonly VariantResult[];
  /** The value of the scalelab.io/run label on everything the variant creates (a cluster names its namespace so). */
  readonly runId: string;
  readonly log: Log;
  readonly signal: AbortSignal;
  /**
   * Creates the run's background in `where`. The host calls it once during open, when it suits it: a lab before
   * its real nodes start (their proxies then load the whole rule set once), a cluster in its run's namespace.
   */
  readonly createBackground: (kc: KubeConfig, where: BackgroundPlace) => Promise<void>;
}

/** Where the background goes. */
export interface BackgroundPlace {
  /** Where the background's first group of Services goes (the run's namespace in a cluster). */
  readonly namespace: string;
  /** Fake nodes background pods are bound to directly, skipping the scheduler (background.bind); 0: none. */
  readonly bindToFakeNodes: number;
}

/** An opened host, its background made: the API and each variant's view of it. */
export interface OpenHost {
  readonly kc: KubeConfig;
  /** The lab's state in a lab run, all of it: faults and the validity audit read it. */
  readonly state?: LabState;
  /** What each variant's measurements use, in the order of `lab.runs`: its nodes, namespace and state. */
  readonly views: readonly VariantView[];
  /** Fake nodes the validity monitor counts as they stay Ready; 0 where they are not the harness's to judge. */
  readonly fakeNodes: number;
  /** Versions of what it runs, merged into the run's manifest (a lab's built programs). */
  readonly versions: Record<string, string>;
}
