import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** GET on the agent's REST API over its unix socket (--socket-path); the body parsed as JSON. */
export function agentGet(socketPath: string, path: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: `/v1${path}`, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200)
          return reject(
            new Error(`${socketPath} GET /v1${path}: HTTP ${res.statusCode} ${body.slice(0, 300)}`),
          );
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new Error(`${socketPath} GET /v1${path}: not JSON: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () =>
      req.destroy(new Error(`${socketPath} GET /v1${path}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end();
  });
}

/** The agent's own verdict (GET /v1/healthz): "Ok" once every subsystem it checks is up. */
export async function agentState(socketPath: string): Promise<string> {
  const r = (await agentGet(socketPath, '/healthz')) as { cilium?: { state?: string; msg?: string } };
  return r.cilium?.state ?? 'unknown';
}

/** The service map the datapath reads, pinned in this node's bpffs once the agent has loaded it. */
export function servicesMapPath(bpfRoot: string): string {
  return join(bpfRoot, 'tc', 'globals', 'cilium_lb4_services_v2');
}

export function datapathLoaded(bpfRoot: string): boolean {
  return existsSync(servicesMapPath(bpfRoot));
}
