import { readdirSync } from 'node:fs';
import { stateRoot } from '../paths.ts';
import { isRunning, processUsage } from './processes.ts';
import { readLabState, type LabState } from './state.ts';
import { countFakeNodes } from './fake-nodes.ts';
import { loadKubeconfig } from './kubeconfig.ts';

export interface LabStatus {
  readonly name: string;
  readonly healthy: boolean;
  readonly processes: { name: string; pid: number; running: boolean; cpuSeconds?: number; rssMiB?: number }[];
  readonly fakeNodes?: { total: number; ready: number };
  readonly apiError?: string;
  readonly kubeconfig?: string;
  /** Each real node's service proxy and DNS value, as they report themselves (`LabState.nodeLabels`). */
  readonly realNodes?: { name: string; serviceProxy: string; dns: string }[];
  readonly state: LabState;
}

export function labNames(): string[] {
  try {
    return readdirSync(stateRoot).filter((n) => readLabState(n));
  } catch {
    return [];
  }
}

export async function labStatus(name: string): Promise<LabStatus | undefined> {
  const state = readLabState(name);
  if (!state) return undefined;
  const processes = state.processes.map((p) => {
    const running = isRunning(p);
    const u = running ? processUsage(p.pid) : undefined;
    return {
      name: p.name,
      pid: p.pid,
      running,
      cpuSeconds: u?.cpuSeconds,
      rssMiB: u ? Math.round(u.rssBytes / 2 ** 20) : undefined,
    };
  });
  let fakeNodes: LabStatus['fakeNodes'];
  let apiError: string | undefined;
  if (state.kubeconfig) {
    try {
      fakeNodes = await countFakeNodes(loadKubeconfig(state));
    } catch (err) {
      apiError = err instanceof Error ? err.message : String(err);
    }
  }
  const healthy = processes.every((p) => p.running) && !apiError && !!state.kubeconfig;
  const realNodes = state.nodeLabels
    ? Object.entries(state.nodeLabels).map(([node, l]) => ({ name: node, ...l }))
    : undefined;
  return { name, healthy, processes, fakeNodes, apiError, kubeconfig: state.kubeconfig, realNodes, state };
}
