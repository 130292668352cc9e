import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { ApiError, deleteOptions, type ApiWrites } from './api-writes.ts';

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

const methods = { POST: HttpMethod.POST, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE } as const;

/**
 * The writes over HTTP/1.1, for a server reached through a proxy or without HTTP/2: client-node resolves the
 * credentials and the agent (a proxy's, or one shared keep-alive agent) for each request; node:http sends it.
 */
class Http1Writes implements ApiWrites {
  readonly transport = 'HTTP/1.1' as const;
  readonly #kc: SharedAgentKubeConfig;
  readonly #server: string;

  constructor(kc: SharedAgentKubeConfig) {
    this.#kc = kc;
    this.#server = kc.getCurrentCluster()!.server.replace(/\/$/, '');
  }

  create(path: string, body: object): Promise<void> {
    return this.#send('POST', path, JSON.stringify(body), 'application/json');
  }

  mergePatch(path: string, body: object): Promise<void> {
    return this.#send('PATCH', path, JSON.stringify(body), 'application/merge-patch+json');
  }

  remove(path: string, options: object = {}): Promise<void> {
    return this.#send('DELETE', path, deleteOptions(options), 'application/json');
  }

  close(): void {
    this.#kc.close();
  }

  async #send(method: keyof typeof methods, path: string, body: string, contentType: string): Promise<void> {
    const url = `${this.#server}${path}`;
    const context = new RequestContext(url, methods[method]);
    await this.#kc.applySecurityAuthentication(context);
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
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
    if (answer.status < 200 || answer.status > 299)
      throw new ApiError(answer.status, method, path, answer.text);
  }
}

/** HTTP/1.1 writes with up to `maxConnections` kept-alive connections. */
export function openHttp1Writes(kc: KubeConfig, maxConnections: number): ApiWrites {
  return new Http1Writes(reuseConnections(kc, maxConnections));
}
