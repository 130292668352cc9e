import { request, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { getText } from '../../infra/lab/get-text.ts';

/**
 * GET a path from the kubeconfig's apiserver with its credentials (client certificate, token or exec plugin)
 * and resolve with the body: /metrics, /version, a pod's log, a node proxy. Rejects on a non-2xx status.
 */
export async function apiGet(
  kc: KubeConfig,
  path: string,
  timeoutMs = 15_000,
  headers: Record<string, string> = {},
): Promise<string> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no cluster server');
  const url = new URL(path, server);
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  opts.headers = { ...opts.headers, ...headers };
  return getText((cb) => request(url, opts, cb), path, timeoutMs);
}
