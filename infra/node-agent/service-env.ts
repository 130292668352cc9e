import { labAddresses } from '../lab/addresses.ts';

/**
 * The in-cluster API address every container gets, as the kubelet injects it (client-go's InClusterConfig
 * reads these). The kubelet also injects one set per Service in the namespace (enableServiceLinks); the agent
 * does not, which only matters to programs that read those legacy variables.
 */
export function kubernetesService(): Record<string, string> {
  return {
    KUBERNETES_SERVICE_HOST: labAddresses.kubernetesService,
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: `tcp://${labAddresses.kubernetesService}:443`,
  };
}
