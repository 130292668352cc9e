import { exec } from '../exec.ts';
import { binPath } from '../build/build.ts';
import { startDaemon, stopPids, isRunning, type StartedProcess } from '../lab/processes.ts';
import { writeLabState, type LabState } from '../lab/state.ts';
import { waitFor } from '../lab/wait.ts';
import { UserError } from '../../runners/errors.ts';
import { ciliumNodePaths, type CiliumNodePaths } from './paths.ts';
import { ciliumServes, startCiliumAgent, type CiliumAgentOptions } from './start-agent.ts';

/**
 * Makes real node N's service proxy cilium-agent instead of kube-proxy in a running lab: stops kube-proxy,
 * removes its rules (`kube-proxy --cleanup`, upstream's own way), prepares the node's bpffs, cgroup, lib dir
 * and the lab's CRDs, starts the agent (recorded in the lab state, so down stops it) and waits until its
 * datapath is loaded and it reports itself Ok.
 */
export async function swapInCilium(
  state: LabState,
  nodeIndex: number,
  opts: CiliumAgentOptions & { signal: AbortSignal; timeoutMs?: number },
): Promise<{ process: StartedProcess; paths: CiliumNodePaths }> {
  const node = state.realNodes?.find((n) => n.index === nodeIndex);
  if (!node) throw new UserError(`lab "${state.spec.name}" has no real node ${nodeIndex}`);
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

  const {
    process: proc,
    paths,
    argv,
  } = await startCiliumAgent(state, node, opts, (name, argv, o) =>
    startDaemon({ name, argv, log: ciliumNodePaths(lab, node.name).log, ...o }),
  );
  state.processes.push(proc.record);
  state.flags[`cilium-agent-${nodeIndex}`] = argv;
  writeLabState(state);

  await waitFor(`cilium-agent on ${node.name}: datapath loaded and healthz Ok`, () => ciliumServes(paths), {
    timeoutMs: opts.timeoutMs ?? 300_000,
    signal: opts.signal,
    watch: [proc],
    intervalMs: 1000,
  });
  return { process: proc, paths };
}
