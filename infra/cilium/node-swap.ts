import { mkdirSync } from 'node:fs';
import { exec } from '../exec.ts';
import { binPath } from '../build/build.ts';
import { groupDir } from '../build/go-build.ts';
import { ciliumRecipe } from '../build/recipes.ts';
import { ciliumAgentArgs } from '../components/cilium-agent.ts';
import { labAddresses as A } from '../lab/addresses.ts';
import { loadKubeconfig } from '../lab/local.ts';
import { startDaemon, stopPids, isRunning, type StartedProcess } from '../lab/processes.ts';
import { writeLabState, type LabState } from '../lab/state.ts';
import { waitFor } from '../lab/wait.ts';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
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

/**
 * Makes real node N's service proxy cilium-agent instead of kube-proxy in a running lab: stops kube-proxy,
 * removes its rules (`kube-proxy --cleanup`, upstream's own way), prepares the node's bpffs, cgroup, lib dir
 * and the lab's CRDs, starts the agent (recorded in the lab state, so down stops it) and waits until its
 * datapath is loaded and it reports itself Ok.
 */
export async function swapInCilium(
  state: LabState,
  nodeIndex: number,
  opts: { signal: AbortSignal; socketLbHostnsOnly?: boolean; lbMapMax?: number; timeoutMs?: number },
): Promise<{ process: StartedProcess; paths: CiliumNodePaths }> {
  const node = state.realNodes?.find((n) => n.index === nodeIndex);
  if (!node) throw new UserError(`lab "${state.spec.name}" has no real node ${nodeIndex}`);
  const bin = ciliumAgentBin();
  const lab = state.spec.name;

  const kubeProxy = state.processes.find((p) => p.name === `kube-proxy-${nodeIndex}`);
  if (kubeProxy && isRunning(kubeProxy)) await stopPids([kubeProxy.pid]);
  await exec([
    'ip',
    'netns',
    'exec',
    node.netns,
    binPath('kube-proxy', state.spec.kubernetesVersion),
    '--cleanup',
  ]);

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
      routerIp: ciliumRouterIp(nodeIndex),
      metricsAddress: `${node.ip}:9962`,
      socketLbHostnsOnly: opts.socketLbHostnsOnly ?? false,
      lbMapMax: opts.lbMapMax,
    }),
  ];
  const script = ciliumLaunchScript({ argv, pathPrefix: toolsDir(lab) });
  const proc = startDaemon({
    name: `cilium-agent-${nodeIndex}`,
    argv: ciliumLaunchArgv(script),
    log: paths.log,
    netns: node.netns,
    netOnly: true,
    env: { ...process.env, K8S_NODE_NAME: node.name },
  });
  state.processes.push(proc.record);
  state.flags[`cilium-agent-${nodeIndex}`] = argv;
  writeLabState(state);

  await waitFor(
    `cilium-agent on ${node.name}: datapath loaded and healthz Ok`,
    async () => datapathLoaded(paths.bpfRoot) && (await agentState(paths.socketPath)) === 'Ok',
    { timeoutMs: opts.timeoutMs ?? 300_000, signal: opts.signal, watch: [proc], intervalMs: 1000 },
  );
  return { process: proc, paths };
}
