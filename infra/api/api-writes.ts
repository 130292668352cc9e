import type { KubeConfig } from '@kubernetes/client-node';
import { openHttp1Transport } from './http1-writes.ts';
import { openHttp2Transport } from './http2-writes.ts';
import type { Transport, WriteMethod } from './write-transport.ts';

/**
 * The few API writes a churn makes, addressed by path: all the client the churn driver needs. Kept this small
 * so the transport underneath can be the cheapest one the cluster allows (docs/benchmarks.md, issue 7):
 * multiplexed HTTP/2, as client-go and kube-burner use, where client-node 1.4 would send HTTP/1.1 through
 * node-fetch at two to three times the harness's CPU per change.
 */
export interface ApiWrites {
  /** Which transport carries the writes, for the run's log and results. */
  readonly transport: 'HTTP/2' | 'HTTP/1.1';
  create(path: string, body: object): Promise<void>;
  /** A JSON merge patch (application/merge-patch+json). */
  mergePatch(path: string, body: object): Promise<void>;
  remove(path: string, options?: object): Promise<void>;
  /** Closes the connections; a later write opens them again. */
  close(): void;
}

/** The writes over a transport: JSON bodies, DeleteOptions, and an ApiError for any answer but 2xx. */
function writesOver(transport: Transport): ApiWrites {
  const send = async (method: WriteMethod, path: string, body: string, contentType: string) => {
    const { status, text } = await transport.send(method, path, body, contentType);
    if (status < 200 || status > 299) throw new ApiError(status, method, path, text);
  };
  return {
    transport: transport.name,
    create: (path, body) => send('POST', path, JSON.stringify(body), 'application/json'),
    mergePatch: (path, body) => send('PATCH', path, JSON.stringify(body), 'application/merge-patch+json'),
    // DeleteOptions, as kubectl and client-go send them.
    remove: (path, options = {}) =>
      send(
        'DELETE',
        path,
        JSON.stringify({ apiVersion: 'v1', kind: 'DeleteOptions', ...options }),
        'application/json',
      ),
    close: () => transport.close(),
  };
}

/** A write the apiserver answered with a status other than 2xx; `code` is that status (as client-node's). */
export class ApiError extends Error {
  readonly code: number;

  constructor(code: number, method: string, path: string, body: string) {
    super(`${method} ${path}: HTTP ${code}: ${statusMessage(body)}`);
    this.code = code;
  }
}

/** The apiserver's Status message, or the start of whatever else it answered. */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: a proxy's page, say
  }
  return body.slice(0, 200);
}

/**
 * HTTP/2 to an https server reached directly, over as few connections as the server's stream limit allows (at
 * most `maxConnections`); HTTP/1.1 with up to `maxConnections` kept-alive connections
 * (through client-node's own agent, so a kubeconfig's proxy-url is honoured) for a proxy or plain http, or
 * for a server that does not offer HTTP/2, or when asked (`http2: false`, the benchmark's comparison).
 */
export async function openApiWrites(
  kc: KubeConfig,
  maxConnections: number,
  { http2 = true }: { http2?: boolean } = {},
): Promise<ApiWrites> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig: no current cluster (current-context names none)');
  if (http2 && cluster.server.startsWith('https:') && !cluster.proxyUrl) {
    const h2 = await openHttp2Transport(kc, maxConnections);
    if (h2) return writesOver(h2);
  }
  return writesOver(openHttp1Transport(kc, maxConnections));
}

/** Paths of the objects written in bulk: the churns', the background's and the lab's fake nodes. */
export const paths = {
  nodes: (name = '') => (name ? `/api/v1/nodes/${encodeURIComponent(name)}` : '/api/v1/nodes'),
  pods: (ns: string, name = '') => objectPath('/api/v1', ns, 'pods', name),
  services: (ns: string, name = '') => objectPath('/api/v1', ns, 'services', name),
  deployments: (ns: string, name = '') => objectPath('/apis/apps/v1', ns, 'deployments', name),
  deploymentScale: (ns: string, name: string) => `${paths.deployments(ns, name)}/scale`,
};

function objectPath(prefix: string, ns: string, resource: string, name: string): string {
  const collection = `${prefix}/namespaces/${encodeURIComponent(ns)}/${resource}`;
  return name ? `${collection}/${encodeURIComponent(name)}` : collection;
}
