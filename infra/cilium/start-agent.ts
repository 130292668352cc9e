import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { groupDir } from '../build/go-build.ts';
import { ciliumRecipe } from '../build/recipes.ts';
import { ciliumAgentArgs } from '../components/cilium-agent.ts';
import { labAddresses as A } from '../lab/addresses.ts';
import { loadKubeconfig } from '../lab/kubeconfig.ts';
import type { StartedProcess } from '../lab/processes.ts';
import type { RealNodeInfo } from '../lab/real-nodes.ts';
import type { LabState } from '../lab/state.ts';
import { UserError } from '../../runners/errors.ts';
import { agentState, datapathLoaded } from './agent-api.ts';
import { createCiliumCrds } from './crds.ts';
import { ciliumModuleDir, prepareLibDir, toolsDir } from './datapath-sources.ts';
import { recordHostSysctls } from './host-sysctls.ts';
import { ciliumLaunchArgv, ciliumLaunchScript } from './launch.ts';
import { mountNode } from './mounts.ts';
import { moveNodeIntoCgroup } from './node-cgroup.ts';
import { ciliumNodePaths, type CiliumNodePaths } from './paths.ts';

export function ciliumAgentBin(): string {
  const p = join(groupDir(ciliumRecipe), 'bin', 'cilium-agent');
  if (!existsSync(p))
    throw new UserError(
      `cilium-agent ${ciliumRecipe.pin.version} is not built`,
      'run: npx scalelab build cilium',
    );
  return p;
}

/** cilium_host's address on node N: link-local (as the flag asks), outside every podCIDR and the fabric. */
export function ciliumRouterIp(nodeIndex: number): string {
  return `169.254.42.${nodeIndex}`;
}

export interface CiliumAgentOptions {
  /** Per-packet balancing at tc for pods instead of at their sockets (the fallback; needs cilium-cni). */
  readonly socketLbHostnsOnly?: boolean;
  /** --bpf-lb-map-max, for rule sets past the default 65,536 service map entries. */
  readonly lbMapMax?: number;
}

/** How the caller starts a daemon in a node (the lab's `start`, or startDaemon plus a state record). */
export type StartInNode = (
  name: string,
  argv: string[],
  opts: { netns: string; netOnly: true; env: NodeJS.ProcessEnv },
) => StartedProcess;

/**
 * Prepares real node N for its agent and starts it, not waiting: the lab's CRDs (the operator's job), the
 * VM-wide sysctls recorded, the node's own bpffs and cgroup (with the node agent moved in, so every pod
 * process it starts from now on is born there), a writable copy of the datapath sources. Returns the paths
 * and the agent's own argv (the process runs it behind its launch script).
 */
export async function startCiliumAgent(
  state: LabState,
  node: RealNodeInfo,
  opts: CiliumAgentOptions,
  start: StartInNode,
): Promise<{ process: StartedProcess; paths: CiliumNodePaths; argv: string[] }> {
  const bin = ciliumAgentBin();
  const lab = state.spec.name;
  const moduleDir = await ciliumModuleDir();
  await createCiliumCrds(loadKubeconfig(state), moduleDir);
  recordHostSysctls(lab);
  const paths = ciliumNodePaths(lab, node.name);
  mkdirSync(paths.dir, { recursive: true });
  await mountNode(paths);
  await moveNodeIntoCgroup(state, node, paths.cgroupRoot);
  prepareLibDir(moduleDir, paths.libDir);
  const argv = [
    bin,
    ...ciliumAgentArgs({
      kubeconfig: join(state.stateDir, 'admin.kubeconfig'),
      bpfRoot: paths.bpfRoot,
      cgroupRoot: paths.cgroupRoot,
      stateDir: paths.stateDir,
      libDir: paths.libDir,
      socketPath: paths.socketPath,
      device: 'eth0',
      nativeRoutingCidr: A.podCidr,
      routerIp: ciliumRouterIp(node.index),
      metricsAddress: `${node.ip}:9962`,
      socketLbHostnsOnly: opts.socketLbHostnsOnly ?? false,
      lbMapMax: opts.lbMapMax,
    }),
  ];
  const script = ciliumLaunchScript({ argv, pathPrefix: toolsDir(lab) });
  const process_ = start(`cilium-agent-${node.index}`, ciliumLaunchArgv(script), {
    netns: node.netns,
    netOnly: true,
    env: { ...process.env, K8S_NODE_NAME: node.name },
  });
  return { process: process_, paths, argv };
}

/** The agent serves: its datapath is loaded (the service map is pinned) and it reports itself Ok. */
export async function ciliumServes(paths: CiliumNodePaths): Promise<boolean> {
  return datapathLoaded(paths.bpfRoot) && (await agentState(paths.socketPath)) === 'Ok';
}
