/**
 * The lab's own image registry: the Debian `docker-registry` (CNCF distribution v2.8) in the lab's namespace
 * on 198.18.0.1:5000, plain HTTP, storage under the lab's state directory (so `down` removes it with the rest).
 * `up` pushes the agent image there (skopeo, run inside the lab namespace: the host has no route to the lab),
 * and the node agents pull it from their namespaces and run it with runc (infra/node-agent/runc-container.ts):
 * every lab run exercises the image a real cluster pulls.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labAddresses as A } from './addresses.ts';
import { labHttpGet } from './lab-connect.ts';
import type { StartedProcess } from './processes.ts';
import type { LabState } from './state.ts';
import { ensureAgentImage, defaultLayout } from '../image/build-image.ts';
import { pushImage } from '../image/push.ts';
import type { Log } from '../../runners/events.ts';

export const registryAddress = `${A.controlPlane}:5000`;

/** The agent image's name in the lab's registry at `tag`. */
export function labAgentImageRef(tag: string): string {
  return `${registryAddress}/scalelab/agent:${tag}`;
}

export function registryConfig(storage: string): string {
  return [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(storage)} }, delete: { enabled: true } }`,
    `http: { addr: ${JSON.stringify(registryAddress)} }`,
    '',
  ].join('\n');
}

/**
 * Starts the registry (a recorded lab daemon, `start`), waits for its /v2/, builds the agent image when the
 * cached one is not this checkout's, pushes it, and returns its reference in the lab.
 */
export async function startRegistry(o: {
  state: LabState;
  log: Log;
  start: (name: string, argv: string[]) => StartedProcess;
  wait: (what: string, check: () => Promise<boolean>, timeoutMs?: number) => Promise<void>;
  netns: string;
}): Promise<string> {
  const image = await ensureAgentImage(o.log);
  const dir = join(o.state.stateDir, 'registry');
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(config, registryConfig(join(dir, 'storage')));
  o.state.configFiles.registry = config;
  o.start('registry', ['docker-registry', 'serve', config]);
  await o.wait('registry /v2/', async () => {
    await labHttpGet(o.state.gatewaySocket, `http://${registryAddress}/v2/`);
    return true;
  });
  const ref = labAgentImageRef(image.tag);
  await pushImage({
    layout: defaultLayout,
    tag: image.tag,
    to: ref,
    tlsVerify: false,
    execPrefix: ['ip', 'netns', 'exec', o.netns],
  });
  return ref;
}
