/**
 * The image pre-flight of a kubeconfig run: one pod running the agent image on the first client node, in the
 * `default` namespace, before the run creates anything else. A pull the cluster reports as failed
 * (ErrImagePull, ImagePullBackOff, InvalidImageName…) is bad input, exit 2 with the kubelet's reason; a
 * container that started (whatever its exit) means the image can be pulled there. The pod is deleted, and
 * waited for, either way.
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { UserError } from '../errors.ts';
import { sleep } from '../../infra/lab/processes.ts';

const pullFailures = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
]);

export type PullVerdict = { pulled: true } | { pulled: false; reason: string } | undefined;

/** What the pod's status says about the pull so far (undefined: not decided yet). */
export function pullVerdict(pod: V1Pod): PullVerdict {
  const s = pod.status?.containerStatuses?.[0];
  const waiting = s?.state?.waiting;
  if (waiting?.reason && pullFailures.has(waiting.reason))
    return { pulled: false, reason: `${waiting.reason}: ${waiting.message ?? ''}`.trim() };
  if (s?.state?.running || s?.state?.terminated || s?.imageID) return { pulled: true };
  return undefined;
}

export async function checkImagePull(
  kc: KubeConfig,
  o: { image: string; node: string; timeoutMs?: number },
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = 'default';
  const pod = await core.createNamespacedPod({
    namespace,
    body: {
      metadata: {
        generateName: 'scalelab-image-preflight-',
        labels: { 'app.kubernetes.io/name': 'scalelab' },
      },
      spec: {
        nodeName: o.node,
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        // The agent with no command prints its commands and exits: enough to prove the image runs.
        containers: [{ name: 'agent', image: o.image, imagePullPolicy: 'Always' }],
      },
    },
  });
  const name = pod.metadata!.name!;
  let verdict: PullVerdict;
  try {
    const deadline = Date.now() + (o.timeoutMs ?? 180_000);
    while (!(verdict = pullVerdict(await core.readNamespacedPod({ name, namespace })))) {
      if (Date.now() > deadline)
        throw new Error(
          `image pre-flight: pod ${namespace}/${name} on ${o.node} neither pulled ${o.image} nor failed to within ${(o.timeoutMs ?? 180_000) / 1000} s`,
        );
      await sleep(1000);
    }
  } finally {
    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => {});
    for (let i = 0; i < 60; i++) {
      const gone = await core.readNamespacedPod({ name, namespace }).then(
        () => false,
        (e: unknown) => (e as { code?: number }).code === 404,
      );
      if (gone) break;
      await sleep(500);
    }
  }
  if (!verdict.pulled)
    throw new UserError(
      `--agent-image: node ${o.node} cannot pull ${o.image}: ${verdict.reason}; nothing was created`,
      'build and push it (npx scalelab image build && npx scalelab image push --to REGISTRY/scalelab/agent:TAG), then --agent-image REGISTRY/scalelab/agent:TAG (docs/kubeconfig.md)',
    );
}
