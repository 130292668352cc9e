import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';

/**
 * The agent waits for its CRDs, which cilium-operator would create; the operator cannot be built here, so the
 * CRDs come from the pinned module (pkg/k8s/apis/cilium.io/client/crds/{v2,v2alpha1}) by plain creates: two
 * are over client-side apply's annotation limit, and the lab never edits them.
 */
export async function createCiliumCrds(kc: KubeConfig, moduleDir: string): Promise<string[]> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const created: string[] = [];
  for (const version of ['v2', 'v2alpha1']) {
    const dir = join(moduleDir, 'pkg/k8s/apis/cilium.io/client/crds', version);
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.yaml'))
      .sort()) {
      const body = parse(readFileSync(join(dir, f), 'utf8')) as V1CustomResourceDefinition;
      try {
        await api.createCustomResourceDefinition({ body });
        created.push(body.metadata!.name!);
      } catch (err) {
        if ((err as { code?: number }).code !== 409)
          throw new Error(`creating CRD from ${join(dir, f)}: ${err instanceof Error ? err.message : err}`);
      }
    }
  }
  return created;
}
