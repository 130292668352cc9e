import type { MeasurementResult } from '../measurements/measurement.ts';
import type { ChurnStats } from '../churn/driver.ts';
import type { Variant } from '../../scenarios/plan.ts';
import type { FaultRecord } from '../faults.ts';

/** Bumped on any change a reader must know about; readers refuse versions they do not know. */
export const resultsSchemaVersion = 'scalelab.results/v1';

export interface RunManifest {
  readonly scenario: {
    readonly name: string;
    readonly file: string;
    readonly sha256: string;
    readonly text: string;
  };
  readonly seed: number;
  readonly startedAt: string;
  finishedAt?: string;
  readonly host: {
    kernel: string;
    cpus: number;
    cpuModel?: string;
    memoryGiB: number;
    node: string;
    ipvsMissing?: string;
  };
  /** What each built component printed for its version. */
  readonly versions: Record<string, string>;
  readonly debianPackages: Record<string, string | undefined>;
  readonly command: string;
  /** The scalelab that ran it (runners/version.ts); absent in files written before it was recorded. */
  readonly scalelab?: { readonly version: string; readonly commit: string };
  /** `--set path=value` overrides applied on top of scenario.text, as given; absent or empty when none. */
  readonly overrides?: readonly string[];
}

export interface PhaseResult {
  readonly name: string;
  readonly churn: readonly ChurnStats[];
  readonly holdSeconds: number;
  readonly seconds: number;
  /** Processes the scenario killed in this phase, and when. */
  readonly faults?: readonly FaultRecord[];
}

export interface SloVerdict {
  readonly name: string;
  readonly thresholdMs: number;
  readonly valueMs: number | null;
  /** null when there was no value to judge. */
  readonly passed: boolean | null;
}

/** One step of a headroom search: the value it ran at, and each watched SLO's figure and verdict. */
export interface HeadroomStep {
  readonly value: number;
  readonly slos: readonly SloVerdict[];
  /** The step's own self-audit (harness CPU, fake nodes, scrapes) over the step alone. */
  readonly validity: { valid: boolean; reasons: string[] };
  /** Every measurement's summary over the step alone, by measurement name. */
  readonly summaries: Record<string, Record<string, number | null>>;
  readonly seconds: number;
}

/** Where a headroom search stopped and why: the capacity answer of one variant run. */
export interface HeadroomKnee {
  /** slo-broke: a watched SLO failed; max-reached: every step passed; not-judged: a step had no figure or was invalid; failed: the variant failed mid-search. */
  readonly stop: 'slo-broke' | 'max-reached' | 'not-judged' | 'failed';
  /** The highest value at which every watched SLO held (null if the first step already broke). */
  readonly lastPassing: number | null;
  /** The value at which the search stopped without a pass (null when it reached max). */
  readonly firstFailing: number | null;
  /** The SLOs that failed at firstFailing, with their figures. */
  readonly broken: readonly SloVerdict[];
  /** One sentence: "apiMutatingP99Ms broke at 100 changes per second (1,355 ms > 1,000 ms); held at 50". */
  readonly summary: string;
}

export interface HeadroomResult {
  readonly vary: 'churnRate' | 'services';
  readonly unit: string;
  readonly max: number;
  /** The SLO names judged after each step. */
  readonly slos: readonly string[];
  readonly steps: HeadroomStep[];
  knee?: HeadroomKnee;
}

export interface VariantResult {
  readonly id: string;
  readonly variant: Variant;
  readonly repetition: number;
  status: 'running' | 'passed' | 'slo-failed' | 'invalid' | 'failed';
  readonly startedAt: string;
  finishedAt?: string;
  /** Every component's argv and config files, and how long each step of `lab up` took. */
  lab?: {
    flags: Record<string, readonly string[]>;
    configFiles: Record<string, string>;
    stepSeconds: Record<string, number>;
  };
  background?: {
    services: number;
    groups: number;
    /** How many namespaces the groups were spread over (background.namespaces); absent in older files: 1. */
    namespaces?: number;
    endpointsPerService: number;
    seconds: number;
  };
  /** A run through a kubeconfig (`run --kubeconfig`): the cluster as read, where the run's objects lived. */
  cluster?: {
    context: string;
    server: string;
    version: string;
    proxyMode: string;
    proxyModeSource: string;
    namespace: string;
    nodes: string[];
    agentImage: string;
    /** From the namespace's delete to the API no longer having it. */
    cleanupSeconds?: number;
  };
  readonly phases: PhaseResult[];
  measurements: MeasurementResult[];
  slos: SloVerdict[];
  validity?: { valid: boolean; reasons: string[] };
  /** A headroom search's steps and knee; its measurements and slos above are those of the last passing step. */
  headroom?: HeadroomResult;
  /**
   * Where the evidence of a failed or invalid variant was kept (component logs, lab state, rule dumps, a last
   * status), relative to the results file's directory: `<stem>-artifacts/<variant>` (runners/run-outcome.ts).
   */
  artifacts?: string;
  readonly errors: string[];
}

export interface RunResults {
  readonly schema: typeof resultsSchemaVersion;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  readonly manifest: RunManifest;
  readonly skipped: readonly { id: string; variant: Variant; reason: string }[];
  readonly variants: VariantResult[];
  readonly errors: string[];
}
