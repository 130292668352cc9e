import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeconfig } from '../lab/kubeconfig.ts';
import { netnsPids } from '../lab/netns.ts';
import { isRunning } from '../lab/processes.ts';
import type { RealNodeInfo } from '../lab/real-nodes.ts';
import type { LabState } from '../lab/state.ts';
import { sandboxNetns } from '../node-agent/sandbox.ts';
import { q } from '../node-agent/sandbox-script.ts';
import { isMountPoint } from './mounts.ts';
import { ciliumNodePaths } from './paths.ts';

/**
 * Puts a node's processes into its cgroup, where the agent's socket-level load balancing is attached. A
 * socket belongs to the cgroup its process was in when it created the socket, so this must happen before a
 * pod opens its sockets: the node agent is moved first, and every pod process it starts afterwards (forked
 * from it) is born in the cgroup; processes of pods already running are moved too, which covers the sockets
 * they open from now on (their open connections keep their old, already-translated, peers).
 */
export async function moveNodeIntoCgroup(
  state: LabState,
  node: RealNodeInfo,
  cgroupRoot: string,
): Promise<number[]> {
  const pids = new Set<number>();
  const agent = state.processes.find((p) => p.name === `node-agent-${node.index}`);
  if (agent && isRunning(agent)) pids.add(agent.pid);
  const pods = await loadKubeconfig(state)
    .makeApiClient(CoreV1Api)
    .listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node.name}` });
  for (const p of pods.items) {
    if (p.spec?.hostNetwork || !p.metadata?.uid) continue;
    for (const pid of await netnsPids(sandboxNetns(state.spec.name, p.metadata.uid))) pids.add(pid);
  }
  const procs = join(cgroupRoot, 'cgroup.procs');
  const moved: number[] = [];
  for (const pid of pids) {
    try {
      writeFileSync(procs, String(pid));
      moved.push(pid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // exited meanwhile
    }
  }
  return moved;
}

/**
 * For a process the harness starts in a pod of a cilium node (`lab exec`): the shell line that moves it into
 * the node's cgroup before it runs anything, or undefined when the node does not run cilium.
 */
export function cgroupJoinLine(lab: string, nodeName: string): string | undefined {
  const root = ciliumNodePaths(lab, nodeName).cgroupRoot;
  return isMountPoint(root) ? `echo $$ > ${q(join(root, 'cgroup.procs'))}` : undefined;
}
