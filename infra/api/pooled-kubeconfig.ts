/**
 * A KubeConfig whose clients keep their connections. @kubernetes/client-node 1.x builds a new https.Agent for
 * every request (`applySecurityAuthentication`), so every call paid a TCP connect, a TLS handshake and a new
 * secure context (the CA, the client certificate and key parsed again): in `npm run bench` that was most of
 * the harness's CPU in the measurement windows. Here each context's agent is made once, with keep-alive, and
 * reused (Node's agent unrefs idle sockets, so they never hold a finished run open). Proxied clusters keep the library's own agents (their agents are not plain https.Agents).
 */
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

export class PooledKubeConfig extends KubeConfig {
  readonly #agents = new Map<string, HttpsAgent>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const made = context.getAgent();
    if (!made || made.constructor !== HttpsAgent) return;
    let pooled = this.#agents.get(this.currentContext);
    if (!pooled) {
      // The agent the library made carries the context's CA, certificate, key and TLS options.
      pooled = new HttpsAgent({ ...(made as HttpsAgent).options, keepAlive: true });
      this.#agents.set(this.currentContext, pooled);
    }
    context.setAgent(pooled);
  }
}

/** A pooled KubeConfig read from a kubeconfig file. */
export function kubeConfigFromFile(path: string): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromFile(path);
  return kc;
}
