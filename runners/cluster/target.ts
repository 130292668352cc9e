/**
 * What a run reaches the cluster through. A lab target reads the node agent's log files on the host and
 * scrapes kube-proxy and pods through the lab gateway; a kubeconfig target does all three through the API
 * alone (pods/log, the node proxy, the pod proxy), as against any cluster. Measurements that need a node's host (iptables-save, conntrack,
 * processes) use `ctx.state`, which only a lab run has, and are skipped with `apiOnlyReason` otherwise.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '../../infra/lab/state.ts';
import { labHttpGet } from '../../infra/lab/lab-connect.ts';
import { scalelabVersion } from '../version.ts';

/** A node client pods and traffic targets are pinned to (real nodes in a lab, schedulable nodes in a cluster). */
export interface TargetNode {
  readonly name: string;
  readonly ip: string;
  /**
   * Side by side with one node per variant: another variant's node, lent for this variant's traffic targets
   * and probe backends. Its proxy and DNS are not this variant's, so nothing reads them as its own.
   */
  readonly borrowed?: boolean;
}

export interface ClusterTarget {
  /** Where the run creates its objects. */
  readonly namespace: string;
  /** The image of scalelab's traffic agent (runners/traffic/agent.ts). */
  readonly agentImage: string;
  /** Nodes for client pods (first) and traffic targets (second), in a stable order. */
  readonly nodes: readonly TargetNode[];
  readonly options: {
    /** Workers (the traffic Jobs' parallelism) sharing each load profile's VUs and rate. */
    readonly workers: number;
    /** Whether the run may write outside its namespace (a CoreDNS rollout in kube-system). */
    readonly writesOutsideNamespace: boolean;
  };
  /** kube-proxy's Prometheus text on `node`. */
  kubeProxyMetrics(node: TargetNode): Promise<string>;
  /** A pod's Prometheus text on `port` (/metrics). */
  podMetrics(pod: V1Pod, port: number): Promise<string>;
  /**
   * What `container` of `pod` has printed so far ('' when nothing yet), from byte `fromByte` on (0: all). A lab
   * reads only those bytes; a cluster's API sends the whole log and the harness drops the start.
   */
  containerLog(pod: V1Pod, container: string, fromByte?: number): Promise<string>;
}

/** Why a measurement part that needs a node's host is skipped in a kubeconfig run; quoted in the results. */
export function apiOnlyReason(what: string): string {
  return `skipped: ${what} needs a shell on the node, and a kubeconfig run reaches the cluster through its API alone`;
}

/** The agent image a lab without its registry maps to runners/traffic/agent.ts (infra/node-agent/images.ts). */
export const labAgentImage = 'scalelab.local/agent:dev';

/**
 * `--agent-image`'s default: this version's image, `$SCALELAB_REGISTRY/scalelab/agent:<version>` (where
 * `scalelab image push` puts it). With no registry known, `scalelab.local/agent:<version>`, a name only a
 * scalelab lab's node agent resolves: on any other cluster the image pre-flight fails at once, saying how to
 * build and push it (docs/kubeconfig.md).
 */
export function defaultAgentImage(env: NodeJS.ProcessEnv = process.env): string {
  const registry = env.SCALELAB_REGISTRY?.replace(/\/+$/, '');
  const tag = scalelabVersion().version;
  return registry ? `${registry}/scalelab/agent:${tag}` : `scalelab.local/agent:${tag}`;
}

/** A scalelab lab as a run's target: objects in `default`, logs from the node agent's files. */
export function labTarget(state: LabState): ClusterTarget {
  return {
    namespace: 'default',
    // The image `lab up` pushed to the lab's registry, run by runc (infra/lab/registry.ts); a lab without one
    // (no real nodes, or older) keeps the mapping to this checkout's agent.
    agentImage: state.agentImage ?? labAgentImage,
    nodes: state.realNodes ?? [],
    options: { workers: 1, writesOutsideNamespace: true },
    kubeProxyMetrics: (node) => labHttpGet(state.gatewaySocket, `http://${node.ip}:10249/metrics`, 15_000),
    podMetrics: (pod, port) =>
      labHttpGet(state.gatewaySocket, `http://${pod.status?.podIP}:${port}/metrics`, 15_000),
    async containerLog(pod, container, fromByte = 0) {
      const file = join(
        state.stateDir,
        'nodes',
        pod.spec!.nodeName!,
        'pods',
        pod.metadata!.uid!,
        `${container}.log`,
      );
      return existsSync(file) ? readFrom(file, fromByte) : '';
    },
  };
}

/** The file's bytes from `fromByte` to its current end, as text. */
function readFrom(file: string, fromByte: number): string {
  const fd = openSync(file, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - fromByte);
    const buf = Buffer.alloc(length);
    const n = length ? readSync(fd, buf, 0, length, fromByte) : 0;
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
