import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateRoot } from '../paths.ts';
import type { ProcessRecord } from './processes.ts';
import type { RealNodeInfo } from './real-nodes.ts';
import type { PodNetworkName } from '../variants/names.ts';
import type { IptablesBackend, NodeProxyName, ServiceProxyName } from '../variants/names.ts';
import type { DnsName } from '../variants/names.ts';

/** What `lab up` asked for. */
export interface LabSpec {
  readonly name: string;
  readonly fakeNodes: number;
  readonly nodeLeaseSeconds: number;
  /** Real dataplane nodes (namespaces with kube-proxy, CNI and pods); 0 for a control-plane-only lab. */
  readonly realNodes: number;
  readonly podNetwork: PodNetworkName;
  /**
   * The service proxy value (infra/variants/service-proxy.ts); the name is kept from when all were kube-proxy
   * modes. With `nodeValues`: node 1's, the node measurements put their client on.
   */
  readonly proxyMode: ServiceProxyName;
  /** A kube-proxy setting, lab-wide: every node running kube-proxy's iptables mode uses it. */
  readonly iptablesBackend: IptablesBackend;
  /** The DNS value (infra/variants/dns.ts). With `nodeValues`: node 1's. */
  readonly dns: DnsMode;
  /**
   * Each real node's service proxy and DNS value, node 1 first, one per real node, as a cluster configures
   * kube-proxy per node and rolls node-local caches out node by node. Absent: every node takes `proxyMode`
   * and `dns`. Read through `valuesOfNode`.
   */
  readonly nodeValues?: readonly NodeValues[];
  /** Which pinned Kubernetes the control plane and kube-proxy run (infra/versions.json); absent: the default. */
  readonly kubernetesVersion?: string;
  /**
   * The most Services the lab must serve at once, where a service proxy has tables of a fixed size (cilium's
   * service map); absent: each proxy's default size. A run sets it from its scenario (scenarios/peak-services.ts).
   */
  readonly maxServices?: number;
}

export type DnsMode = DnsName;

/** The values that can differ between a lab's real nodes. */
export interface NodeValues {
  readonly proxyMode: NodeProxyName;
  readonly dns: DnsMode;
}

/** Real node `index`'s values (1-based, as in real-node-N): its own in `nodeValues`, else the lab-wide ones. */
export function valuesOfNode(spec: LabSpec, index: number): NodeValues {
  return spec.nodeValues?.[index - 1] ?? { proxyMode: spec.proxyMode, dns: spec.dns };
}

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
  /**
   * What each variant value reports it ran ("kube-proxy v1.36.3, iptables mode, nft backend"); real nodes only.
   * Where nodes differ, an axis' distinct labels joined by " + ", node 1's first.
   */
  variantLabels?: { podNetwork: string; serviceProxy: string; dns: string };
  /** Each real node's service proxy and DNS labels, by node name. */
  nodeLabels?: Record<string, { serviceProxy: string; dns: string }>;
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
