import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateRoot } from '../paths.ts';
import type { ProcessRecord } from './processes.ts';
import type { RealNodeInfo } from './real-nodes.ts';
import type { PodNetworkName } from '../variants/names.ts';
import type { IptablesBackend, ServiceProxyName } from '../variants/names.ts';
import type { DnsName } from '../variants/names.ts';

/** What `lab up` asked for. */
export interface LabSpec {
  readonly name: string;
  readonly fakeNodes: number;
  readonly nodeLeaseSeconds: number;
  /** Real dataplane nodes (namespaces with kube-proxy, CNI and pods); 0 for a control-plane-only lab. */
  readonly realNodes: number;
  readonly podNetwork: PodNetworkName;
  /** The service proxy value (infra/variants/service-proxy.ts); the name is kept from when all were kube-proxy modes. */
  readonly proxyMode: ServiceProxyName;
  readonly iptablesBackend: IptablesBackend;
  readonly dns: DnsMode;
  /** Which pinned Kubernetes the control plane and kube-proxy run (infra/versions.json); absent: the default. */
  readonly kubernetesVersion?: string;
  /**
   * The most Services the lab must serve at once, where a service proxy has tables of a fixed size (cilium's
   * service map); absent: each proxy's default size. A run sets it from its scenario (scenarios/peak-services.ts).
   */
  readonly maxServices?: number;
}

export type DnsMode = DnsName;

/** Everything a lab made, written as it goes so `down` can undo a crashed `up`; also quoted by run manifests. */
export interface LabState {
  readonly spec: LabSpec;
  readonly createdAt: string;
  readonly stateDir: string;
  readonly gatewaySocket: string;
  readonly netns: string[];
  readonly processes: ProcessRecord[];
  /** Each component's full argv and config files, for the run manifest. */
  readonly flags: Record<string, readonly string[]>;
  readonly configFiles: Record<string, string>;
  readonly versions: Record<string, string>;
  forwarderPort?: number;
  /** The user's kubeconfig (through the loopback forwarder). */
  kubeconfig?: string;
  realNodes?: RealNodeInfo[];
  /** What each variant value reports it ran ("kube-proxy v1.36.3, iptables mode, nft backend"); real nodes only. */
  variantLabels?: { podNetwork: string; serviceProxy: string; dns: string };
  /** The agent image `up` pushed to the lab's registry (infra/lab/registry.ts): what the lab's runs use. */
  agentImage?: string;
  /** Seconds each step of `up` took. */
  readonly stepSeconds: Record<string, number>;
}

export function labStateDir(name: string): string {
  return join(stateRoot, name);
}

export function readLabState(name: string): LabState | undefined {
  const p = join(labStateDir(name), 'state.json');
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as LabState;
}

export function writeLabState(state: LabState): void {
  mkdirSync(state.stateDir, { recursive: true });
  const p = join(state.stateDir, 'state.json');
  writeFileSync(`${p}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${p}.tmp`, p);
}
