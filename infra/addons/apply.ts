import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

/** Creates each object, or patches it when it exists (what `kubectl apply` does for objects the lab owns). */
export async function applyObjects(kc: KubeConfig, objects: readonly KubernetesObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const o of objects) {
    try {
      await api.create(o);
    } catch (err) {
      if ((err as { code?: number }).code !== 409)
        throw new Error(`create ${o.kind} ${o.metadata?.name}: ${err instanceof Error ? err.message : err}`);
      await api.patch(o, undefined, undefined, 'scalelab', true, 'application/apply-patch+yaml');
    }
  }
}
