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
  background?: { services: number; groups: number; endpointsPerService: number; seconds: number };
  readonly phases: PhaseResult[];
  measurements: MeasurementResult[];
  slos: SloVerdict[];
  validity?: { valid: boolean; reasons: string[] };
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
