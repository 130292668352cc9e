/**
 * THE scenario schema: the type every part of the run engine reads, the validation `scalelab validate` runs,
 * and (through `npx scalelab schema`) the JSON Schema editors use. docs/scenarios.md describes each field.
 */
import { array, boolean, number, object, oneOf, optional, string, tagged, type Infer } from './schema-kit.ts';
import { maxFakeNodes } from '../infra/lab/addresses.ts';
import { maxRealNodes } from '../infra/lab/spec.ts';
import { podNetworkNames } from '../infra/variants/names.ts';
import { iptablesBackends, serviceProxyNames } from '../infra/variants/names.ts';
import { dnsNames } from '../infra/variants/names.ts';
import { defaultMaxInFlight } from '../runners/churn/paced.ts';

const pace = tagged(
  'type',
  {
    qps: object({ qps: number({ min: 0.01, max: 1000, unit: 'changes per second' }) }, 'a steady rate'),
    poisson: object(
      { qps: number({ min: 0.01, max: 1000, unit: 'changes per second, on average' }) },
      'random arrivals at a mean rate',
    ),
    steps: object(
      {
        steps: array(
          object({
            qps: number({ min: 0.01, max: 1000, unit: 'changes per second' }),
            seconds: number({ min: 1, max: 3600, unit: 'seconds' }),
          }),
          { min: 1 },
        ),
      },
      'a stepped ramp',
    ),
    burst: object(
      {
        size: number({ min: 1, max: 10_000, integer: true }),
        intervalSeconds: number({ min: 0.1, max: 3600, unit: 'seconds' }),
      },
      'bursts of changes at once',
    ),
  },
  'how fast changes are made (clusterloader2 tuning sets)',
);

/** What a churn can change. */
export const churnKinds = ['services', 'serviceDeletes', 'endpoints', 'pods', 'rollout'] as const;

const churn = object({
  kind: oneOf(churnKinds, 'what changes'),

  /** services: create this many new Services; endpoints: flip this many endpoints in and out; pods: create and delete this many pods; rollout: roll the background Deployments this many times. */
  count: number({ min: 1, max: 100_000, integer: true }),
  pace,
  /**
   * Changes waiting for the apiserver's answer at once, at most; the pacer holds the next one back while this
   * many are. 64 keeps an overloaded apiserver visible as a lower achieved rate at a sane latency; up to
   * `count` is kube-burner's way (every change sent at once, the apiserver queues them and its latency grows).
   */
  maxInFlight: optional(number({ min: 1, max: 100_000, integer: true }), defaultMaxInFlight),
});

export const faultTargets = [
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'kube-proxy',
  'cilium-agent',
  'node-agent',
  'coredns',
] as const;

const fault = object(
  {
    /** The component whose process gets SIGKILL: a lab daemon, or the coredns process of a CoreDNS pod. */
    kill: oneOf(faultTargets, 'the component to kill'),
    /** For kube-proxy, cilium-agent and node-agent: which real node's (1-based). */
    node: optional(number({ min: 1, max: maxRealNodes, integer: true }), 1),
    afterSeconds: optional(number({ min: 0, max: 3600, unit: 'seconds after the phase starts' }), 0),
  },
  'a process killed mid-phase',
);

const phase = object({
  name: string({ pattern: /^[a-z][a-z0-9-]{0,40}$/, hint: 'a short lowercase name' }),
  churn: optional(array(churn), []),
  holdSeconds: optional(number({ min: 0, max: 3600, unit: 'seconds' }), 0),
  faults: optional(array(fault), []),
  /**
   * Rounds: the phase runs this many times in a row (`<name>-r1`, `<name>-r2`, …), each a phase of its own in
   * every measurement's per-phase figures, so variants side by side get one paired observation per round.
   */
  repeat: optional(number({ min: 1, max: 100, integer: true }), 1),
});

/** Each measurement's parameters, keyed by its name (the scenario's `measurements[].name`). */
const measurementParams = {
  networkProgrammingLatency: object({
    /** How often the black-box probe hits the VIP. */
    probeIntervalMs: optional(number({ min: 1, max: 1000, unit: 'ms' }), 5),
    /** Endpoint additions and removals the probe times, each. */
    samples: optional(number({ min: 1, max: 200, integer: true }), 5),
  }),
  ruleSync: object({}),
  connectionLatency: object({
    /** How long each of the two runs (through the VIP, then direct to a pod) lasts. */
    seconds: optional(number({ min: 1, max: 600, unit: 'seconds' }), 10),
    /** Virtual users of the agent, each opening a new connection per request. */
    vus: optional(number({ min: 1, max: 64, integer: true }), 2),
    /** Also measure through the VIP at the end of every phase: latency against the rule-set size. */
    atEachPhase: optional(boolean(), false),
    /** Requests per second for the agent-versus-vegeta cross-check (0 leaves it out). */
    crossCheckRate: optional(number({ min: 0, max: 2000, unit: 'requests per second' }), 100),
    /** Roll the target's pods under a 5 ms probe: hits on removed backends, failed connections. */
    endpointChurn: optional(boolean(), true),
  }),

  controlPlane: object({}),
  /** Entries in each real node's conntrack table over the run, against its size (lab runs only). */
  conntrackOccupancy: object({
    /** How often each node's table is counted. */
    intervalSeconds: optional(number({ min: 0.5, max: 60, unit: 'seconds' }), 2),
  }),
  dns: object({
    /** glibc lookups per second from the client pod, from the first phase to the last condition (open model). */
    lookupsPerSecond: optional(number({ min: 1, max: 500, unit: 'lookups per second' }), 50),
    /**
     * The conditions run after the phases, in this order; the phases themselves are `service-churn`.
     * coredns-down stops every CoreDNS process for the condition's seconds (then continues them);
     * nodelocal-killed kills the node-local cache on node 1 (skipped with CoreDNS alone).
     */
    conditions: optional(
      array(oneOf(['steady', 'coredns-rollout', 'coredns-killed', 'nodelocal-killed', 'coredns-down'])),
      ['steady', 'coredns-rollout', 'coredns-killed', 'nodelocal-killed', 'coredns-down'],
    ),
    /**
     * How long each condition lasts (a rollout at least this long, and until it finishes). coredns-down
     * outlasts the resolver's 5 s timeout from 6 s on: lookups due in its first seconds fail, whatever the load.
     */
    conditionSeconds: optional(number({ min: 5, max: 600, unit: 'seconds' }), 15),
    /** dnsperf's query rate (0 leaves dnsperf out). */
    dnsperfQps: optional(number({ min: 0, max: 20_000, unit: 'queries per second' }), 200),
    /** How long dnsperf runs from the first phase on; if it outlasts the phases it overlaps the conditions. */
    dnsperfSeconds: optional(number({ min: 1, max: 3600, unit: 'seconds' }), 20),
  }),
};

const measurement = tagged('name', measurementParams, 'what to measure');

/** Every measurement's name, in the schema's order: what a results file's measurements may be called. */
export const measurementNames = Object.keys(measurementParams) as (keyof typeof measurementParams)[];

/** The SLOs a scenario can set a threshold for (`slos`), and a headroom search can watch. */
export const sloNames = ['networkProgrammingP99Ms', 'ruleSyncP99Ms', 'apiMutatingP99Ms', 'dnsP99Ms'] as const;

/**
 * Headroom search: the phases are run again and again in one lab, the varied quantity raised each step, until a
 * watched SLO breaks or `max` is passed (runners/headroom.ts). The steps are expanded in scenarios/headroom-plan.ts.
 */
const headroom = object(
  {
    /** churnRate: every churn of the phases runs at the step's rate; services: the cluster is grown to that many Services first. */
    vary: oneOf(['churnRate', 'services'], 'what rises step by step'),
    /** The first step's value (changes per second, or Services). */
    start: number({ min: 0.01, max: 100_000 }),
    /** Each step multiplies the value by this (give factor or step, not both). */
    factor: optional(number({ min: 1.01, max: 100 })),
    /** Each step adds this to the value (give factor or step, not both). */
    step: optional(number({ min: 0.01, max: 100_000 })),
    /** No step goes past this value: reaching it with every SLO met is "no knee below max". */
    max: number({ min: 0.01, max: 100_000 }),
    /** churnRate: how long each step churns; each churn's count becomes rate × stepSeconds. */
    stepSeconds: optional(number({ min: 1, max: 3600, unit: 'seconds' }), 30),
    /** services: the rate at which the cluster is grown between steps (not measured). */
    growQps: optional(number({ min: 0.01, max: 1000, unit: 'Services per second' }), 50),
    /** The SLOs judged after each step; each needs its threshold under `slos`. Default: every SLO set there. */
    slos: optional(array(oneOf(sloNames), { min: 1 })),
  },
  'raise the churn rate or the Service count step by step until an SLO breaks',
);

export const scenarioSchema = object(
  {
    name: string({ pattern: /^[a-z][a-z0-9-]{0,40}$/, hint: 'a short lowercase name' }),
    description: optional(string(), ''),
    seed: optional(number({ min: 0, integer: true }), 1),
    repetitions: optional(number({ min: 1, max: 10, integer: true }), 1),
    cluster: object({
      fakeNodes: number({ min: 0, max: maxFakeNodes, integer: true }),
      realNodes: optional(number({ min: 2, max: maxRealNodes, integer: true }), 2),
      /**
       * Fake nodes' Lease duration; each renews every quarter of it. At 240 s, 5,000 nodes write 83 Leases/s, most
       * of what this machine's apiserver takes; scale scenarios stretch it.
       */
      nodeLeaseSeconds: optional(number({ min: 40, max: 3600, integer: true, unit: 'seconds' }), 240),
      kubernetesVersion: optional(string({ pattern: /^v1\.\d+\.\d+$/, hint: 'a version such as v1.36.3' })),
    }),
    variants: object({
      // The value lists are the axis modules' (infra/variants/), so a new value is valid here at once.
      podNetwork: optional(array(oneOf(podNetworkNames), { min: 1 }), ['direct']),
      proxyMode: optional(array(oneOf(serviceProxyNames), { min: 1 }), ['iptables']),
      iptablesBackend: optional(array(oneOf(iptablesBackends), { min: 1 }), ['nft']),
      dns: optional(array(oneOf(dnsNames), { min: 1 }), ['coredns']),
      /** Pinned Kubernetes versions to run every variant on, side by side (a pre-upgrade check); absent: cluster.kubernetesVersion or the default pin. */
      kubernetes: optional(
        array(string({ pattern: /^v1\.\d+\.\d+$/, hint: 'a version such as v1.37.2' }), { min: 1 }),
      ),
      /** matrix: every combination; one-at-a-time: the first of each axis, then one axis changed at a time. */
      design: optional(oneOf(['matrix', 'one-at-a-time']), 'matrix'),
      /**
       * Variants that differ only in what a node can differ in (proxyMode, dns) share one lab, each on its own
       * cluster.realNodes real nodes, measured in the same seconds (scenarios/lab-groups.ts): one control plane,
       * background and churn, paired figures per round. Other axes still get a lab each.
       */
      sideBySide: optional(boolean(), false),
      /**
       * Real nodes each variant gets when it shares a lab (default: cluster.realNodes). With 1, a variant's
       * clients run on its own node and its traffic targets and probe backends on the next variant's node: the
       * client's node is where a service proxy or a DNS mode acts. Fewer nodes, less rule reloading on 2 cores.
       * A variant alone in its lab still gets cluster.realNodes.
       */
      sideBySideNodes: optional(number({ min: 1, max: maxRealNodes, integer: true })),
    }),
    background: optional(
      object({
        /** Services whose endpoints are kwok pods: the rule set every kube-proxy carries. */
        services: optional(number({ min: 0, max: 100_000, integer: true }), 0),
        endpointsPerService: optional(number({ min: 1, max: 1000, integer: true }), 5),
        /**
         * kwok pods behind them, in groups of endpointsPerService; Services share groups when there are fewer
         * groups than Services. Default: one group per Service up to 2,000 pods.
         */
        pods: optional(number({ min: 1, max: 200_000, integer: true })),
        /**
         * How the pods come to their node. scheduler: a Deployment per group, its pods through kube-scheduler;
         * direct: a Deployment per group whose pods name a fake node (no scheduler); pods: bare pods naming a
         * fake node, as kwok's own benchmark creates them (no Deployment, ReplicaSet or scheduler; endpoints
         * churn deletes and recreates a group's pod; no rollout churn).
         */
        bind: optional(oneOf(['scheduler', 'direct', 'pods']), 'scheduler'),
        /**
         * Namespaces the groups and their Services are spread over (1: the run's own). kube-controller-manager
         * lists a whole namespace on every Deployment, ReplicaSet and EndpointSlice sync, so tens of thousands of
         * pods in one namespace cost it quadratically; clusterloader2 spreads its load over namespaces too.
         */
        namespaces: optional(number({ min: 1, max: 1000, integer: true }), 1),
      }),
      { services: 0, endpointsPerService: 5, bind: 'scheduler', namespaces: 1 },
    ),
    phases: array(phase, { min: 1 }),
    measurements: array(measurement, { min: 1 }),
    slos: optional(
      object({
        networkProgrammingP99Ms: optional(number({ min: 1, unit: 'ms' })),
        ruleSyncP99Ms: optional(number({ min: 1, unit: 'ms' })),
        apiMutatingP99Ms: optional(number({ min: 1, unit: 'ms' })),
        /** p99 of every DNS lookup the dns measurement made (all its conditions). */
        dnsP99Ms: optional(number({ min: 1, unit: 'ms' })),
      }),
      {},
    ),
    headroom: optional(headroom),
  },
  'a scalelab scenario',
);

export type Scenario = Infer<typeof scenarioSchema>;
export type Phase = Infer<typeof phase>;
export type ChurnSpec = Infer<typeof churn>;
export type FaultSpec = Infer<typeof fault>;
export type Pace = Infer<typeof pace>;
export type MeasurementSpec = Infer<typeof measurement>;
/** A measurement's name ('ruleSync', 'dns', …): what results, reports and SLOs key measurements by. */
export type MeasurementName = MeasurementSpec['name'];
/** A measurement's parameters as the scenario gives them (defaults applied), e.g. MeasurementParams<'dns'>. */
export type MeasurementParams<Name extends MeasurementName> = Omit<
  Extract<MeasurementSpec, { name: Name }>,
  'name'
>;
export type HeadroomSpec = Infer<typeof headroom>;
export type SloName = (typeof sloNames)[number];
