import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoreV1Api, type KubeConfig, type V1Pod, type V1Volume } from '@kubernetes/client-node';

/**
 * Materialises a pod's volumes as files under dir/<volume>, as the kubelet does before starting containers:
 * configMap, secret, emptyDir, downwardAPI and projected (the service-account token from the TokenRequest
 * API, kube-root-ca.crt, the namespace). Returns volume name → directory. Other kinds throw, naming the kind.
 */
export async function materializeVolumes(
  kc: KubeConfig,
  pod: V1Pod,
  dir: string,
): Promise<Map<string, string>> {
  const core = kc.makeApiClient(CoreV1Api);
  const out = new Map<string, string>();
  const ns = pod.metadata!.namespace!;
  for (const v of pod.spec?.volumes ?? []) {
    const vdir = join(dir, v.name);
    mkdirSync(vdir, { recursive: true });
    const files = await volumeFiles(kc, core, pod, ns, v);
    for (const [path, content] of files) {
      mkdirSync(dirname(join(vdir, path)), { recursive: true });
      writeFileSync(join(vdir, path), content, { mode: 0o644 });
    }
    out.set(v.name, vdir);
  }
  return out;
}

async function volumeFiles(
  kc: KubeConfig,
  core: CoreV1Api,
  pod: V1Pod,
  ns: string,
  v: V1Volume,
): Promise<[string, string | Buffer][]> {
  if (v.emptyDir) return [];
  if (v.configMap) {
    const cm = await core.readNamespacedConfigMap({ name: v.configMap.name!, namespace: ns });
    return pick(cm.data ?? {}, v.configMap.items);
  }
  if (v.secret) {
    const s = await core.readNamespacedSecret({ name: v.secret.secretName!, namespace: ns });
    const data = Object.fromEntries(
      Object.entries(s.data ?? {}).map(([k, b64]) => [k, Buffer.from(b64, 'base64')]),
    );
    return pick(data, v.secret.items);
  }
  if (v.downwardAPI)
    return (v.downwardAPI.items ?? []).map((i) => [i.path, fieldValue(pod, i.fieldRef?.fieldPath ?? '')]);
  if (v.projected) {
    const files: [string, string | Buffer][] = [];
    for (const src of v.projected.sources ?? []) {
      if (src.serviceAccountToken) {
        const tr = await core.createNamespacedServiceAccountToken({
          name: pod.spec?.serviceAccountName ?? 'default',
          namespace: ns,
          body: {
            spec: {
              audiences: src.serviceAccountToken.audience ? [src.serviceAccountToken.audience] : [],
              expirationSeconds: src.serviceAccountToken.expirationSeconds ?? 3607,
              boundObjectRef: {
                apiVersion: 'v1',
                kind: 'Pod',
                name: pod.metadata!.name!,
                uid: pod.metadata!.uid!,
              },
            },
          },
        });
        files.push([src.serviceAccountToken.path, tr.status!.token]);
      } else if (src.configMap) {
        const cm = await core.readNamespacedConfigMap({ name: src.configMap.name!, namespace: ns });
        files.push(...pick(cm.data ?? {}, src.configMap.items));
      } else if (src.downwardAPI) {
        for (const i of src.downwardAPI.items ?? [])
          files.push([i.path, fieldValue(pod, i.fieldRef?.fieldPath ?? '')]);
      } else if (src.secret) {
        const s = await core.readNamespacedSecret({ name: src.secret.name!, namespace: ns });
        const data = Object.fromEntries(
          Object.entries(s.data ?? {}).map(([k, b64]) => [k, Buffer.from(b64, 'base64')]),
        );
        files.push(...pick(data, src.secret.items));
      }
    }
    return files;
  }
  const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
  throw new Error(`volume "${v.name}" of kind ${kind} is not supported by the scalelab node agent`);
}

function pick<T>(data: Record<string, T>, items?: { key: string; path: string }[]): [string, T][] {
  if (!items?.length) return Object.entries(data);
  return items.filter((i) => i.key in data).map((i) => [i.path, data[i.key]!]);
}

/** The downward API fields pods commonly read. */
export function fieldValue(pod: V1Pod, path: string): string {
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
  };
  return fields[path] ?? '';
}
