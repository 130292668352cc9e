/**
 * Faults a scenario injects mid-phase (issue 9): SIGKILL of one component's process. Lab daemons are not
 * restarted by anyone (there is no kubelet or systemd for them), so a run that loses one fails, naming it;
 * a CoreDNS pod's process is restarted by the node agent, as a kubelet would, and the run carries on with the
 * fault's effect in its measurements.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from '../infra/lab/state.ts';
import { isRunning } from '../infra/lab/processes.ts';
import type { FaultSpec } from '../scenarios/schema.ts';
import { killCoreDns } from './measurements/coredns-disruption.ts';

export type { FaultRecord } from './results/definition.ts';
import type { FaultRecord } from './results/definition.ts';

/** The lab process a fault names: node-scoped components carry the real node's number. */
export function processNameFor(f: FaultSpec): string {
  const perNode: readonly FaultSpec['kill'][] = ['kube-proxy', 'cilium-agent', 'node-agent'];
  return perNode.includes(f.kill) ? `${f.kill}-${f.node}` : f.kill;
}

export async function injectFault(
  state: LabState,
  kc: KubeConfig,
  f: FaultSpec,
  phase: string,
): Promise<FaultRecord> {
  const at = () => new Date().toISOString();
  if (f.kill === 'coredns') {
    try {
      const k = await killCoreDns(kc, state.spec.name);
      return { kill: f.kill, target: k.pod, phase, at: new Date(k.atMs).toISOString(), pid: k.pid };
    } catch (err) {
      return { kill: f.kill, target: 'coredns', phase, at: at(), error: String(err) };
    }
  }
  const name = processNameFor(f);
  const rec = state.processes.find((p) => p.name === name);
  if (!rec || !isRunning(rec))
    return { kill: f.kill, target: name, phase, at: at(), error: `${name} is not running in this lab` };
  process.kill(rec.pid, 'SIGKILL');
  return { kill: f.kill, target: name, phase, at: at(), pid: rec.pid };
}

/**
 * Lab daemons that are no longer running, each with what is known of why: the message a failed run shows.
 * The forwarder is the user's convenience, not the lab's: it is not checked.
 */
export function deadComponents(state: LabState, faults: readonly FaultRecord[]): string[] {
  return state.processes
    .filter((p) => p.name !== 'forwarder' && !isRunning(p))
    .map((p) => {
      const fault = faults.find((f) => f.target === p.name && f.pid === p.pid);
      const why = fault
        ? `killed by a fault in phase ${fault.phase} at ${fault.at}; nothing restarts it`
        : `it exited on its own; its log: ${p.log}`;
      return `${p.name} (pid ${p.pid}) is not running: ${why}`;
    });
}
