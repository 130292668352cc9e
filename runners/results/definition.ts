/**
 * THE results file: one definition gives the TypeScript types the run writes and the report reads
 * (runners/results/schema.ts re-exports them), the reader's validation (every problem with its field path)
 * and the committed JSON Schema (results.schema.json, `npx scalelab schema --results`). A measurement's
 * details are typed by its own definition (runners/results/details/); a change to any of these shapes that a
 * reader must know about bumps `resultsSchemaVersion` and adds an upgrade (runners/results/upgrade.ts).
 */
import {
  array,
  boolean,
  number,
  object,
  oneOf,
  optional,
  string,
  tagged,
  type Infer,
  type Schema,
} from '../../scenarios/schema-kit.ts';
import { anyJson, list, nullable, openObject, record } from '../../scenarios/schema-kit-results.ts';
import { churnKinds, faultTargets, measurementNames, type MeasurementName } from '../../scenarios/schema.ts';
import {
  dnsNames,
  iptablesBackends,
  podNetworkNames,
  serviceProxyNames,
} from '../../infra/variants/names.ts';
import { ruleSyncDetails } from './details/rule-sync.ts';
import { conntrackOccupancyDetails } from './details/conntrack-occupancy.ts';
import { controlPlaneDetails } from './details/control-plane.ts';
import { networkProgrammingDetails } from './details/network-programming-latency.ts';
import { connectionLatencyDetails } from './details/connection-latency.ts';
import { dnsDetails } from './details/dns.ts';

/** Bumped on any change a reader must know about; readers upgrade the versions they know and refuse others. */
export const resultsSchemaVersion = 'scalelab.results/v2';

const time = string({ pattern: /^\d{4}-\d\d-\d\dT/, hint: 'an ISO time' });
const strings = list(string());
/** What went wrong: the run appends to these as it goes. */
const problems = array(string());

const manifest = object({
  scenario: openObject({ name: string(), file: string(), sha256: string(), text: string() }),
  seed: number(),
  startedAt: time,
  finishedAt: optional(time),
  host: openObject({
    kernel: string(),
    cpus: number({ min: 1 }),
    cpuModel: optional(string()),
    memoryGiB: number({ min: 0 }),
    node: string(),
    ipvsMissing: optional(string()),
  }),
  /** What each built component printed for its version. */
  versions: record(string()),
  debianPackages: record(anyJson('the installed version, or null when not installed')),
  command: string(),
  /** The scalelab that ran it (runners/version.ts); absent in files written before it was recorded. */
  scalelab: optional(object({ version: string(), commit: string() })),
  /** `--set path=value` overrides applied on top of scenario.text, as given. */
  overrides: optional(strings),
});

export const churnStats = object({
  kind: oneOf(churnKinds),
  requested: number({ min: 0 }),
  done: number({ min: 0 }),
  errors: number({ min: 0 }),
  firstErrors: strings,
  targetQps: number({ min: 0 }),
  /** NaN is written as null by JSON: a churn that did nothing has no rate. */
  achievedQps: nullable(number({ min: 0 })),
  seconds: number({ min: 0 }),
});

export const faultRecord = object({
  kill: oneOf(faultTargets),
  /** The lab process's name (kube-proxy-2) or the CoreDNS pod's. */
  target: string(),
  phase: string(),
  at: time,
  pid: optional(number()),
  error: optional(string()),
});

const phaseResult = object({
  name: string(),
  churn: array(churnStats),
  holdSeconds: number({ min: 0 }),
  seconds: number({ min: 0 }),
  /** Processes the scenario killed in this phase, and when. */
  faults: optional(array(faultRecord)),
  /** A round of a repeated phase (`repeat:`): the phase's own name and the round, 1-based. */
  round: optional(object({ of: string(), round: number({ min: 1, integer: true }) })),
});

export const sloVerdict = object({
  name: string(),
  thresholdMs: number(),
  valueMs: nullable(number()),
  /** null when there was no value to judge. */
  passed: nullable(boolean()),
});

const validity = object({
  valid: boolean(),
  reasons: problems,
  /** The harness's own CPU over the variant, in cores (absent in files from before 2026-12-06). */
  harnessCores: optional(number({ min: 0 })),
  /** What a reader should know that does not make the figures untrustworthy (the harness above its budget). */
  notes: optional(array(string())),
});
const summary = record(nullable(number()), 'headline figures; null where there was nothing to compute from');

/** One measurement's findings, its details typed by the measurement's own definition. */
function measurementResult<D>(details: Schema<D>) {
  return object({
    definition: string(),
    source: string(),
    units: string(),
    summary,
    details: optional(details),
    /** What was not measured and why: not errors, the run stays valid. */
    skipped: optional(strings),
    /** What went wrong while measuring: the run's validity audit reads these. */
    errors: problems,
  });
}

const measurementDetails = {
  networkProgrammingLatency: networkProgrammingDetails,
  ruleSync: ruleSyncDetails,
  connectionLatency: connectionLatencyDetails,
  controlPlane: controlPlaneDetails,
  conntrackOccupancy: conntrackOccupancyDetails,
  dns: dnsDetails,
} satisfies Record<MeasurementName, Schema<object>>;

export const measurementResultSchema = tagged('name', {
  networkProgrammingLatency: measurementResult(measurementDetails.networkProgrammingLatency),
  ruleSync: measurementResult(measurementDetails.ruleSync),
  connectionLatency: measurementResult(measurementDetails.connectionLatency),
  controlPlane: measurementResult(measurementDetails.controlPlane),
  conntrackOccupancy: measurementResult(measurementDetails.conntrackOccupancy),
  dns: measurementResult(measurementDetails.dns),
});

/** One step of a headroom search: the value it ran at, and each watched SLO's figure and verdict. */
export const headroomStep = object({
  value: number(),
  slos: array(sloVerdict),
  /** The step's own self-audit (harness CPU, fake nodes, scrapes) over the step alone. */
  validity,
  /** Every measurement's summary over the step alone, by measurement name. */
  summaries: record(summary),
  seconds: number({ min: 0 }),
});

/** Where a headroom search stopped and why: the capacity answer of one variant run. */
export const headroomKnee = object({
  /** slo-broke: a watched SLO failed; max-reached: every step passed; not-judged: a step had no figure or was invalid; failed: the variant failed mid-search. */
  stop: oneOf(['slo-broke', 'max-reached', 'not-judged', 'failed']),
  /** The highest value at which every watched SLO held (null if the first step already broke). */
  lastPassing: nullable(number()),
  /** The value at which the search stopped without a pass (null when it reached max). */
  firstFailing: nullable(number()),
  /** The SLOs that failed at firstFailing, with their figures. */
  broken: array(sloVerdict),
  /** One sentence: "apiMutatingP99Ms broke at 100 changes per second (1,355 ms > 1,000 ms); held at 50". */
  summary: string(),
});

const headroomResult = object({
  vary: oneOf(['churnRate', 'services']),
  unit: string(),
  max: number(),
  /** The SLO names judged after each step. */
  slos: strings,
  steps: array(headroomStep),
  knee: optional(headroomKnee),
});

export const variantAxes = object({
  podNetwork: oneOf(podNetworkNames),
  proxyMode: oneOf(serviceProxyNames),
  iptablesBackend: oneOf(iptablesBackends),
  dns: oneOf(dnsNames),
  /** The pinned Kubernetes the variant's control plane and kube-proxy run. */
  kubernetesVersion: string({ pattern: /^v1\.\d+\.\d+$/, hint: 'a version such as v1.36.3' }),
});

export const variantStatuses = ['running', 'passed', 'slo-failed', 'invalid', 'failed'] as const;

const variantResult = object({
  id: string(),
  variant: variantAxes,
  repetition: number({ min: 1, integer: true }),
  status: oneOf(variantStatuses),
  startedAt: time,
  finishedAt: optional(time),
  /** Every component's argv and config files, and how long each step of `lab up` took. */
  lab: optional(
    object({
      flags: record(strings),
      configFiles: record(string()),
      stepSeconds: record(number({ min: 0 })),
    }),
  ),
  background: optional(
    object({
      services: number({ min: 0 }),
      groups: number({ min: 0 }),
      /** How many namespaces the groups were spread over (background.namespaces). */
      namespaces: number({ min: 1 }),
      endpointsPerService: number({ min: 0 }),
      /** How the pods came to their node (background.bind); absent in results from before 2026-12-06. */
      bind: optional(oneOf(['scheduler', 'direct', 'pods'])),
      seconds: number({ min: 0 }),
    }),
  ),
  /** A run through a kubeconfig (`run --kubeconfig`): the cluster as read, where the run's objects lived. */
  cluster: optional(
    object({
      context: string(),
      server: string(),
      version: string(),
      proxyMode: string(),
      proxyModeSource: string(),
      namespace: string(),
      nodes: strings,
      agentImage: string(),
      /** From the namespace's delete to the API no longer having it. */
      cleanupSeconds: optional(number({ min: 0 })),
    }),
  ),
  phases: array(phaseResult),
  measurements: array(measurementResultSchema),
  slos: array(sloVerdict),
  validity: optional(validity),
  /** A headroom search's steps and knee; its measurements and slos above are those of the last passing step. */
  headroom: optional(headroomResult),
  /**
   * Variants run side by side (variants.sideBySide): the lab they shared (1-based, in run order), the other
   * variants on it, and this variant's own real nodes. Their phases are the same phases, measured at once.
   * With one node each (from 2026-12-06), `targetNode`: the node every variant's targets and probe backends
   * ran on.
   */
  sideBySide: optional(
    object({
      lab: number({ min: 1, integer: true }),
      with: strings,
      nodes: strings,
      targetNode: optional(string()),
    }),
  ),
  /** Where the evidence of a failed or invalid variant was kept, relative to the results file's directory. */
  artifacts: optional(string()),
  errors: problems,
});

export const runResultsSchema = object(
  {
    schema: oneOf([resultsSchemaVersion]),
    status: oneOf(['running', 'finished', 'failed', 'interrupted']),
    manifest,
    skipped: list(object({ id: string(), variant: variantAxes, reason: string() })),
    variants: array(variantResult),
    errors: problems,
  },
  'the results of one `scalelab run`',
);

export type RunResults = Infer<typeof runResultsSchema>;
export type VariantResult = Infer<typeof variantResult>;
export type RunManifest = Infer<typeof manifest>;
export type PhaseResult = Infer<typeof phaseResult>;
export type MeasurementResult = Infer<typeof measurementResultSchema>;
export type SloVerdict = Infer<typeof sloVerdict>;
export type HeadroomStep = Infer<typeof headroomStep>;
export type HeadroomKnee = Infer<typeof headroomKnee>;
export type HeadroomResult = Infer<typeof headroomResult>;
export type ChurnStats = Infer<typeof churnStats>;
export type FaultRecord = Infer<typeof faultRecord>;
export type Variant = Infer<typeof variantAxes>;
/** A measurement's result of the given name, details typed: MeasurementResultOf<'dns'>. */
export type MeasurementResultOf<N extends MeasurementName> = Extract<MeasurementResult, { name: N }>;
export { measurementNames };
