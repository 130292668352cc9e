import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { Transport, WriteMethod } from './write-transport.ts';

/**
 * client-node 1.4 builds a new https.Agent for every request, so every call of a churn opened its own TCP
 * connection (through the lab's loopback forwarder and gateway) and paid a full TLS handshake with a client
 * certificate: 3.4–4 ms of the harness's CPU per change instead of 0.6–1.1 ms, plus a handshake on the
 * apiserver's side and a new spliced connection in the forwarder and gateway (docs/benchmarks.md, issue 7).
 * This KubeConfig keeps one keep-alive agent with the TLS options client-node computed on the first request.
 */
export class SharedAgentKubeConfig extends KubeConfig {
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
export function reuseConnections(kc: KubeConfig, maxSockets: number): SharedAgentKubeConfig {
  const shared = new SharedAgentKubeConfig(maxSockets);
  shared.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return shared;
}

const methods: Record<WriteMethod, HttpMethod> = {
  POST: HttpMethod.POST,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/**
 * The writes over HTTP/1.1, for a server reached through a proxy or without HTTP/2: client-node resolves the
 * credentials and the agent (a proxy's, or one shared keep-alive agent) for each request; node:http sends it.
 */
class Http1Transport implements Transport {
  readonly name = 'HTTP/1.1' as const;
  readonly #kc: SharedAgentKubeConfig;
  readonly #server: string;

  constructor(kc: SharedAgentKubeConfig) {
    this.#kc = kc;
    this.#server = kc.getCurrentCluster()!.server.replace(/\/$/, '');
  }

  close(): void {
    this.#kc.close();
  }

  async send(method: WriteMethod, path: string, body: string, contentType: string) {
    const url = `${this.#server}${path}`;
    const context = new RequestContext(url, methods[method]);
    await this.#kc.applySecurityAuthentication(context);
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          agent: context.getAgent(),
          headers: {
            ...context.getHeaders(),
            'content-type': contentType,
            'content-length': Buffer.byteLength(body),
            accept: 'application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** HTTP/1.1 with up to `maxConnections` kept-alive connections. */
export function openHttp1Transport(kc: KubeConfig, maxConnections: number): Transport {
  return new Http1Transport(reuseConnections(kc, maxConnections));
}
