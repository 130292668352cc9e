/**
 * `binPath` inside the agent image, standing in for infra/build/build.ts's (the checkout's build cache) when
 * the agent is bundled (bundle.ts): the pinned programs the agent runs are copied to /usr/bin by rootfs.ts.
 */
import { existsSync } from 'node:fs';

export function binPath(program: string): string {
  const p = `/usr/bin/${program}`;
  if (!existsSync(p)) throw new Error(`${program} is not in this image (expected ${p})`);
  return p;
}
