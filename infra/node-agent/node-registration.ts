import { release } from 'node:os';
import {
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Node,
} from '@kubernetes/client-node';

export interface NodeIdentity {
  readonly name: string;
  readonly ip: string;
  readonly zone: string;
}

/** The label that marks a real dataplane node (no kwok annotation: the node agent keeps it Ready). */
export const realNodeLabel = { key: 'scalelab.io/real-node', value: 'true' } as const;

/** The label of a real node with no service proxy (--node-values none/…): pods that need a ClusterIP keep off. */
export const noServiceProxyLabel = { key: 'scalelab.io/service-proxy', value: 'none' } as const;

const leaseSeconds = 40;
const merge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** Registers the Node as a kubelet would (create, or keep the existing object), NotReady until the network is. */
export async function registerNode(kc: KubeConfig, id: NodeIdentity): Promise<V1Node> {
  const core = kc.makeApiClient(CoreV1Api);
  const body: V1Node = {
    metadata: {
      name: id.name,
      // A kubelet registers with this annotation (controller-managed attach/detach), so a Node always has an
      // annotations map; flannel 0.28 writes into that map without making it, and panics on a Node without one.
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      labels: {
        'kubernetes.io/hostname': id.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/region': 'lab',
        'topology.kubernetes.io/zone': id.zone,
        [realNodeLabel.key]: realNodeLabel.value,
      },
    },
    status: {
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '110' },
      addresses: [
        { type: 'InternalIP', address: id.ip },
        { type: 'Hostname', address: id.name },
      ],
      // Where the apiserver finds this node's kubelet API (infra/node-agent/kubelet-api.ts).
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'scalelab-node-agent',
        kernelVersion: release(),
        kubeProxyVersion: '',
        kubeletVersion: 'scalelab-node-agent',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'scalelab lab node',
        systemUUID: '',
      },
    },
  };
  try {
    return await core.createNode({ body });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    return core.readNode({ name: id.name });
  }
}

/** Sets the Ready condition (and the network condition) as the kubelet reports them. */
export async function setNodeReady(
  kc: KubeConfig,
  name: string,
  ready: boolean,
  message: string,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const now = new Date();
  const body = {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'NetworkPluginNotReady',
          message,
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    },
  };
  await core.patchNodeStatus({ name, body }, merge);
}

/**
 * A Lease's renewTime is a MicroTime: the apiserver rejects the client's millisecond ISO string, so send
 * six fraction digits (the client passes a string through untouched).
 */
function microTime(d: Date): Date {
  return d.toISOString().replace(/Z$/, '000Z') as unknown as Date;
}

/** Renews the node's Lease
 in kube-node-lease every leaseSeconds/4, as the kubelet does; resolves when signal aborts. */
export async function renewLease(
  kc: KubeConfig,
  name: string,
  signal: AbortSignal,
  onError: (e: unknown) => void,
) {
  const api = kc.makeApiClient(CoordinationV1Api);
  const namespace = 'kube-node-lease';
  while (!signal.aborted) {
    try {
      const spec = {
        holderIdentity: name,
        leaseDurationSeconds: leaseSeconds,
        renewTime: microTime(new Date()),
      };
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        await api.replaceNamespacedLease({
          name,
          namespace,
          body: { ...lease, spec: { ...lease.spec, ...spec } },
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        await api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } });
      }
    } catch (err) {
      onError(err);
    }
    await new Promise((r) => setTimeout(r, (leaseSeconds / 4) * 1000));
  }
}
