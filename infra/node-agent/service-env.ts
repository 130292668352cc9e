import type { V1Service } from '@kubernetes/client-node';
import { labAddresses } from '../lab/addresses.ts';

/**
 * The in-cluster API address every container gets, as the kubelet injects it (client-go's InClusterConfig
 * reads these). The ones per Service of the pod's namespace come from serviceLinkEnv below.
 */
export function kubernetesService(): Record<string, string> {
  return {
    KUBERNETES_SERVICE_HOST: labAddresses.kubernetesService,
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: `tcp://${labAddresses.kubernetesService}:443`,
  };
}

/**
 * The variables the kubelet injects for each Service of the pod's namespace (enableServiceLinks, on by
 * default): `<NAME>_SERVICE_HOST`/`_PORT` and the Docker-link `<NAME>_PORT_<port>_<PROTO>` family. node-cache
 * finds kube-dns-upstream this way. Departure: none when the namespace holds more than `maxServiceLinks`
 * Services (the caller lists with that limit): the kubelet has no cap, but thousands of background Services
 * would put megabytes into every container's environment and overflow exec's limit.
 */
export function serviceLinkEnv(services: readonly V1Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    const ports = s.spec?.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const name = envName(s.metadata!.name!);
    env[`${name}_SERVICE_HOST`] = ip;
    env[`${name}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) if (p.name) env[`${name}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
    const url = (p: (typeof ports)[number]) => `${(p.protocol ?? 'TCP').toLowerCase()}://${ip}:${p.port}`;
    env[`${name}_PORT`] = url(ports[0]!);
    for (const p of ports) {
      const prefix = `${name}_PORT_${p.port}_${(p.protocol ?? 'TCP').toUpperCase()}`;
      env[prefix] = url(p);
      env[`${prefix}_PROTO`] = (p.protocol ?? 'TCP').toLowerCase();
      env[`${prefix}_PORT`] = String(p.port);
      env[`${prefix}_ADDR`] = ip;
    }
  }
  return env;
}

export const maxServiceLinks = 100;

function envName(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}
