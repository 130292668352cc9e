import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateRoot } from '../paths.ts';
import type { ProcessRecord } from './processes.ts';
import type { RealNodeInfo } from './real-nodes.ts';
import type { PodNetworkMode } from '../node-agent/pod-network.ts';
import type { IptablesBackend, ProxyMode } from '../components/kube-proxy.ts';

/** What `lab up` asked for. */
export interface LabSpec {
  readonly name: string;
  readonly fakeNodes: number;
  readonly nodeLeaseSeconds: number;
  /** Real dataplane nodes (namespaces with kube-proxy, CNI and pods); 0 for a control-plane-only lab. */
  readonly realNodes: number;
  readonly podNetwork: PodNetworkMode;
  readonly proxyMode: ProxyMode;
  readonly iptablesBackend: IptablesBackend;
  readonly dns: DnsMode;
  /** Which pinned Kubernetes the control plane and kube-proxy run (infra/versions.json); absent: the default. */
  readonly kubernetesVersion?: string;
}

export type DnsMode = 'coredns' | 'nodelocal';

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
