import type { Runner, SetupErrorType } from './rules.ts';

/**
 * The link that holds the cache's addresses. Upstream makes a dummy device and never sets it up: the kernel
 * still adds a local route for each /32, so the node accepts packets to those addresses and CoreDNS can
 * bind them, while nothing is routed out of it. Where the kernel has no dummy driver a bridge without ports,
 * also never set up, does the same (the local route is added whatever the link state) and is deleted in one
 * step like the dummy.
 */
export async function ensureLink(
  run: Runner,
  name: string,
  localIps: readonly string[],
): Promise<{
  created?: 'dummy' | 'bridge';
  addedIps: string[];
  errors: { type: SetupErrorType; message: string }[];
}> {
  const errors: { type: SetupErrorType; message: string }[] = [];
  const addedIps: string[] = [];
  let created: 'dummy' | 'bridge' | undefined;
  const show = await run(['ip', '-o', '-4', 'addr', 'show', 'dev', name]);
  let present = show.exitCode === 0 ? show.stdout : undefined;
  if (present === undefined) {
    const dummy = await run(['ip', 'link', 'add', name, 'type', 'dummy']);
    if (dummy.exitCode === 0) created = 'dummy';
    else {
      const bridge = await run(['ip', 'link', 'add', name, 'type', 'bridge']);
      if (bridge.exitCode === 0) created = 'bridge';
      else {
        errors.push({
          type: 'interface_add',
          message: `dummy: ${dummy.stderr.trim()}; bridge: ${bridge.stderr.trim()}`,
        });
        return { addedIps, errors };
      }
    }
    present = '';
  }
  for (const ip of localIps) {
    if (new RegExp(`inet ${ip.replace(/\./g, '\\.')}/32 `).test(present)) continue;
    const r = await run(['ip', 'addr', 'add', `${ip}/32`, 'dev', name]);
    if (r.exitCode === 0) addedIps.push(ip);
    else errors.push({ type: created ? 'interface_add' : 'interface_check', message: r.stderr.trim() });
  }
  return { created, addedIps, errors };
}

/** Deletes the link and with it every address and local route it held; absent is fine. */
export async function removeLink(run: Runner, name: string): Promise<void> {
  await run(['ip', 'link', 'del', name]);
}
