/**
 * The part of the kubelet API the apiserver calls for `pods/log`: GET /containerLogs/{ns}/{pod}/{container}
 * on :10250, over TLS with a serving certificate from the lab CA, and only for clients whose certificate the
 * lab CA signed (the apiserver's --kubelet-client-certificate). With it, `kubectl logs` and anything reading a
 * pod's output through a kubeconfig work on real nodes as on a cluster's kubelets.
 *
 * Supported query parameters: tailLines, limitBytes. `follow` returns what was written so far (the harness
 * polls); `previous`, `sinceSeconds` and `timestamps` are not kept by the node agent and are refused.
 */
import { createServer, type Server } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';

export interface KubeletApiOptions {
  readonly ip: string;
  readonly port: number;
  readonly cert: string;
  readonly key: string;
  readonly clientCa: string;
  /** Where the node agent keeps each pod's files: <podsDir>/<uid>/<container>.log. */
  readonly podsDir: string;
}

export function serveKubeletApi(core: CoreV1Api, o: KubeletApiOptions, log: (m: string) => void): Server {
  const server = createServer(
    {
      cert: readFileSync(o.cert),
      key: readFileSync(o.key),
      ca: readFileSync(o.clientCa),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://node');
      const reply = (code: number, text: string) => {
        res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(text);
      };
      if (req.method !== 'GET') return reply(405, 'only GET');
      if (url.pathname === '/healthz') return reply(200, 'ok');
      const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      if (!m) return reply(404, `${url.pathname}: the scalelab node agent serves only /containerLogs`);
      for (const p of ['previous', 'sinceSeconds', 'sinceTime', 'timestamps'])
        if (url.searchParams.has(p) && url.searchParams.get(p) !== 'false')
          return reply(400, `${p}: not supported by the scalelab node agent`);
      const [, namespace, name, container] = m.map(decodeURIComponent) as [string, string, string, string];
      core
        .readNamespacedPod({ name, namespace })
        .then((pod) => {
          const file = join(o.podsDir, pod.metadata!.uid!, `${container}.log`);
          if (!existsSync(file))
            return reply(404, `no log for container ${container} of ${namespace}/${name}`);
          reply(200, limit(readFileSync(file, 'utf8'), url.searchParams));
        })
        .catch((err: unknown) => {
          log(`kubelet API: ${namespace}/${name}: ${err instanceof Error ? err.message : err}`);
          reply((err as { code?: number }).code === 404 ? 404 : 500, `pod ${namespace}/${name}: ${err}`);
        });
    },
  );
  server.listen(o.port, o.ip);
  return server;
}

function limit(text: string, q: URLSearchParams): string {
  let out = text;
  const tail = q.get('tailLines');
  if (tail !== null) {
    const lines = out.split('\n');
    if (lines.at(-1) === '') lines.pop();
    out = lines.slice(-Number(tail)).join('\n') + (lines.length ? '\n' : '');
  }
  const bytes = q.get('limitBytes');
  if (bytes !== null) out = Buffer.from(out).subarray(0, Number(bytes)).toString('utf8');
  return out;
}
