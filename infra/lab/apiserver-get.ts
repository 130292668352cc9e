import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { LabState } from './state.ts';

/**
 * GET a path from the lab's apiserver as the lab admin, through the loopback forwarder (health, /metrics);
 * rejects on a non-2xx status.
 */
export function apiserverGet(
  state: Pick<LabState, 'stateDir' | 'forwarderPort'>,
  path: string,
  timeoutMs = 10_000,
): Promise<string> {
  const pki = join(state.stateDir, 'pki');
  const url = `https://127.0.0.1:${state.forwarderPort}${path}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(join(pki, 'ca.crt')),
        cert: readFileSync(join(pki, 'admin.crt')),
        key: readFileSync(join(pki, 'admin.key')),
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () =>
          res.statusCode && res.statusCode < 300
            ? resolve(body)
            : reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
