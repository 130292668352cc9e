import { Agent } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/**
 * client-node 1.4 builds a new https.Agent for every request, so every call of a churn opened its own TCP
 * connection (through the lab's loopback forwarder and gateway) and paid a full TLS handshake with a client
 * certificate: 3.4–4 ms of the harness's CPU per change instead of 0.6–1.1 ms, plus a handshake on the
 * apiserver's side and a new spliced connection in the forwarder and gateway (docs/benchmarks.md, issue 7).
 * This KubeConfig keeps one keep-alive agent with the TLS options client-node computed on the first request.
 */
class SharedAgentKubeConfig extends KubeConfig {
  readonly #maxSockets: number;
  #agent: Agent | undefined;

  constructor(maxSockets: number) {
    super();
    this.#maxSockets = maxSockets;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    // A proxy agent (HTTP or SOCKS proxy in the kubeconfig) is left as client-node made it.
    if (!(fresh instanceof Agent) || fresh.constructor !== Agent) return;
    this.#agent ??= new Agent({ ...fresh.options, keepAlive: true, maxSockets: this.#maxSockets });
    context.setAgent(this.#agent);
  }

  close(): void {
    this.#agent?.destroy();
    this.#agent = undefined;
  }
}

/** The same clusters, users and context as `kc`, with API calls reusing up to `maxSockets` connections. */
export function reuseConnections(kc: KubeConfig, maxSockets: number): KubeConfig {
  const shared = new SharedAgentKubeConfig(maxSockets);
  shared.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return shared;
}

/** Closes the connections a reused KubeConfig keeps open (else they idle until the apiserver drops them, 90 s). */
export function closeConnections(kc: KubeConfig): void {
  if (kc instanceof SharedAgentKubeConfig) kc.close();
}
