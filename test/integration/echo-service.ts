/** Test helpers shared by the dataplane tests: an echo Service on a chosen node, its ready endpoints, a wait. */
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../infra/lab/processes.ts';

/** An agnhost netexec Deployment pinned to one real node, and its ClusterIP Service. */
export async function echoService(
  kc: KubeConfig,
  name: string,
  node: string,
  replicas: number,
): Promise<string> {
  const labels = { app: name, 'scalelab.io/run': 'itest' };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': node },
            terminationGracePeriodSeconds: 1,
            containers: [
              {
                name: 'netexec',
                image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
                args: ['netexec', '--http-port=8080'],
                ports: [{ containerPort: 8080 }],
              },
            ],
          },
        },
      },
    },
  });
  const svc = await kc.makeApiClient(CoreV1Api).createNamespacedService({
    namespace: 'default',
    body: { metadata: { name, labels }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } },
  });
  return svc.spec!.clusterIP!;
}

export async function readyEndpoints(kc: KubeConfig, service: string): Promise<string[]> {
  const slices = await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
    namespace: 'default',
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  return slices.items.flatMap((s) =>
    (s.endpoints ?? []).filter((e) => e.conditions?.ready).map((e) => e.targetRef!.name!),
  );
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}
