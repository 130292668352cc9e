import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { LabState } from './state.ts';
import { getText } from './get-text.ts';

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
  const tls = {
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
  };
  return getText(
    (cb) => request(`https://127.0.0.1:${state.forwarderPort}${path}`, tls, cb),
    path,
    timeoutMs,
  );
}
