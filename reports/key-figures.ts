/**
 * The summary figures a report shows side by side, in order, with how they read. `lowerIsBetter` marks the
 * ones a baseline comparison judges (latencies, failure rates); counts are context, never judged.
 */
import type { MeasurementName } from '../scenarios/schema.ts';
export interface KeyFigure {
  readonly measurement: MeasurementName;
  readonly key: string;
  readonly label: string;
  readonly lowerIsBetter: boolean;
}

const f = (measurement: MeasurementName, key: string, label: string, lowerIsBetter = true): KeyFigure => ({
  measurement,
  key,
  label,
  lowerIsBetter,
});

export const measurementTitles: Record<MeasurementName, string> = {
  networkProgrammingLatency: 'Network programming latency',
  ruleSync: 'Rule sync',
  connectionLatency: 'Connection latency',
  dns: 'DNS',
  controlPlane: 'Control plane',
  conntrackOccupancy: 'Conntrack occupancy',
};

export const keyFigures: readonly KeyFigure[] = [
  f('networkProgrammingLatency', 'kubeProxySamples', 'kube-proxy metric: samples', false),
  f('networkProgrammingLatency', 'kubeProxyP50Ms', 'kube-proxy metric p50'),
  f('networkProgrammingLatency', 'kubeProxyP99Ms', 'kube-proxy metric p99'),
  f('networkProgrammingLatency', 'probeWindowKubeProxyP50Ms', 'kube-proxy metric p50, probe window'),
  f('networkProgrammingLatency', 'probeAdditions', 'probe: additions', false),
  f('networkProgrammingLatency', 'probeAddP50Ms', 'probe: addition p50'),
  f('networkProgrammingLatency', 'probeAddMaxMs', 'probe: addition max', false),
  f('networkProgrammingLatency', 'probeRemoveP50Ms', 'probe: removal p50'),
  f('networkProgrammingLatency', 'serviceMapAddP50Ms', 'cilium service map: addition p50'),
  f('networkProgrammingLatency', 'serviceMapRemoveP50Ms', 'cilium service map: removal p50'),
  f('ruleSync', 'syncs', 'syncs', false),
  f('ruleSync', 'syncP50Ms', 'sync p50'),
  f('ruleSync', 'syncP99Ms', 'sync p99'),
  f('ruleSync', 'rules', 'rules (iptables or nftables rules; cilium service map entries)', false),
  f('ruleSync', 'elements', 'nftables set/map elements', false),
  f('ruleSync', 'rawLoadMs', 'raw load of the same rules', false),
  f('ruleSync', 'syncToRawRatio', 'sync p50 / raw load', false),
  f('connectionLatency', 'requests', 'requests', false),
  f('connectionLatency', 'connectP50Ms', 'connect p50 (via ClusterIP)'),
  f('connectionLatency', 'connectP99Ms', 'connect p99 (via ClusterIP)'),
  f('connectionLatency', 'firstByteP50Ms', 'first byte p50'),
  f('connectionLatency', 'firstByteP99Ms', 'first byte p99'),
  f('connectionLatency', 'failedRate', 'failed requests'),
  f('connectionLatency', 'directConnectP50Ms', 'connect p50, straight to a pod', false),
  f('connectionLatency', 'vipMinusDirectConnectP50Ms', 'ClusterIP cost: connect p50 minus direct', false),
  f('connectionLatency', 'vegetaP50Ms', 'vegeta p50 (cross-check)', false),
  f('connectionLatency', 'vegetaP99Ms', 'vegeta p99 (cross-check)', false),
  f('conntrackOccupancy', 'conntrackEntriesMax', 'conntrack entries, most on a node', false),
  f('conntrackOccupancy', 'conntrackFullnessMax', 'conntrack table fullness, most on a node'),
  f('dns', 'lookups', 'lookups', false),
  f('dns', 'failureRate', 'failure rate'),
  f('dns', 'p50Ms', 'lookup p50'),
  f('dns', 'p99Ms', 'lookup p99'),
  f('dns', 'timeouts', 'timeouts', false),
  f('dns', 'rolloutFailureRate', 'failure rate, CoreDNS rollout'),
  f('dns', 'killedFailureRate', 'failure rate, CoreDNS killed'),
  f('dns', 'conntrackInsertFailed', 'conntrack insert_failed (change)', false),
  f('dns', 'conntrackClashResolve', 'conntrack clash_resolve (change)', false),
  f('controlPlane', 'apiMutatingP99Ms', 'API mutating p99'),
  f('controlPlane', 'apiReadOnlyP99Ms', 'API read-only p99'),
  f('controlPlane', 'podStartupP50Ms', 'pod startup p50'),
  f('controlPlane', 'podStartupP99Ms', 'pod startup p99'),
  f('controlPlane', 'harnessCpuCores', 'harness CPU (cores)', false),
];
