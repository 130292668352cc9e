import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { versionedPrograms } from '../build/build.ts';
import { kubernetesRecipe, recipes, type GoRecipe } from '../build/recipes.ts';
import { groupDir } from '../build/go-build.ts';
import { labNetns } from './netns.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { isRunning } from './processes.ts';
import {
  labStateDir,
  readLabState,
  valuesOfNode,
  writeLabState,
  type LabSpec,
  type LabState,
} from './state.ts';
import { createFakeNodes, countFakeNodes, waitFakeNodesReady } from './fake-nodes.ts';
import { labDown } from './down.ts';
import { bringUpDataplane } from './dataplane.ts';
import { startRegistry } from './registry.ts';
import { labHooks } from './lab-hooks.ts';
import {
  createFabric,
  createLabPki,
  startApiserver,
  startControllers,
  startEtcd,
  startGateway,
  writeKubeconfigs,
} from './control-plane.ts';
import { timedStep, type Log } from '../../runners/events.ts';
import { UserError } from '../../runners/errors.ts';

/**
 * Brings the local lab up: namespaces, etcd, kube-apiserver, kcm, scheduler, kwok (control-plane.ts), then
 * spec.fakeNodes Ready fake nodes, the lab's registry and the real nodes (dataplane.ts). A lab already running
 * under this name is reused (missing nodes are added); a dead one is cleaned first.
 *
 * `beforeDataplane`, if given, runs once the API and the fake nodes are up and before any real node starts: a
 * run creates its background there, so the service proxies start on the whole rule set at once (as on a node
 * that joins a big cluster) instead of reloading it for every Service created (on 2026-12-06, growing 4,000
 * Services under five real nodes' proxies took 11 minutes of a 22-minute run). A reused lab already has its
 * dataplane: the hook runs on it as it is.
 */
export async function labUp(
  spec: LabSpec,
  log: Log,
  signal: AbortSignal,
  beforeDataplane?: (kc: KubeConfig) => Promise<void>,
): Promise<LabState> {
  const existing = readLabState(spec.name);
  if (existing && existing.processes.length && existing.processes.every(isRunning) && existing.kubeconfig) {
    const state = await reuseLab(existing, spec, log, signal);
    await beforeDataplane?.(loadKubeconfig(state));
    return state;
  }
  if (existing) {
    log({
      kind: 'info',
      message: `lab "${spec.name}" left by an earlier run is not healthy; cleaning it first`,
    });
    await labDown(spec.name, log);
  }
  const h = labHooks(newLabState(spec), log, signal);
  const { state, step } = h;
  await step('network namespace and fabric', () => createFabric(spec.name));
  await step('lab gateway', () => startGateway(h));
  const pki = await step('certificates', () => createLabPki(state));
  await step('etcd', () => startEtcd(h));
  await step('kube-apiserver', () => startApiserver(h, pki));
  const kubeconfigs = writeKubeconfigs(state, pki);
  await step('controller-manager, scheduler, kwok', () => startControllers(h, pki, kubeconfigs));
  state.kubeconfig = kubeconfigs.user;
  writeLabState(state);
  await ensureFakeNodes(state, spec.fakeNodes, log, signal);
  await beforeDataplane?.(loadKubeconfig(state));
  if (spec.realNodes > 0)
    state.agentImage = await step('agent image in the lab registry', () =>
      startRegistry({ state, log, start: h.start, wait: h.wait, netns: labNetns(spec.name) }),
    );
  await bringUpDataplane({
    state,
    kc: loadKubeconfig(state),
    kubeconfigs,
    start: h.start,
    adopt: (p, kind) => h.adopt(p, `${kind}-${p.record.name}`),
    step,
    signal,
    watched: h.watched,
  });
  writeLabState(state);
  return state;
}

/** The running lab, if it has the settings asked for; a lab with other settings is refused, not changed. */
async function reuseLab(existing: LabState, spec: LabSpec, log: Log, signal: AbortSignal): Promise<LabState> {
  // A field the running lab's state lacks (written before kubernetesVersion existed) was the default then.
  const settings = [
    'realNodes',
    'podNetwork',
    'proxyMode',
    'iptablesBackend',
    'dns',
    'nodeLeaseSeconds',
    'kubernetesVersion',
  ] as const;
  const differ = settings
    .filter((k) => (existing.spec[k] ?? spec[k]) !== spec[k])
    .map((k) => `${k} ${existing.spec[k]}`);
  // Each node's service proxy and DNS as it runs, whether given lab-wide or by --node-values.
  const perNode = (s: LabSpec) =>
    Array.from({ length: s.realNodes }, (_, i) => valuesOfNode(s, i + 1))
      .map((v) => `${v.proxyMode}/${v.dns}`)
      .join(',');
  if (perNode(existing.spec) !== perNode(spec)) differ.push(`node values ${perNode(existing.spec)}`);
  if (differ.length) {
    const was = differ.join(', ');
    throw new UserError(
      `lab "${spec.name}" is already up with other settings (${was})`,
      `run: npx scalelab lab down --name ${spec.name}`,
    );
  }
  log({ kind: 'info', message: `lab "${spec.name}" is already up; reusing it` });
  await ensureFakeNodes(existing, spec.fakeNodes, log, signal);
  return existing;
}

/** A new lab's state, written before anything starts so that `lab down` can undo a crashed `up`. */
function newLabState(spec: LabSpec): LabState {
  const stateDir = labStateDir(spec.name);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const state: LabState = {
    spec,
    createdAt: new Date().toISOString(),
    stateDir,
    gatewaySocket: join(stateDir, 'gateway.sock'),
    netns: [labNetns(spec.name)],
    processes: [],
    flags: {},
    configFiles: {},
    versions: builtVersions(spec.kubernetesVersion),
    stepSeconds: {},
  };
  writeLabState(state);
  return state;
}

/** Adds fake nodes up to `want` and waits for all of them to be Ready. */
async function ensureFakeNodes(state: LabState, want: number, log: Log, signal: AbortSignal) {
  if (want === 0) return;
  const kc = loadKubeconfig(state);
  const { total } = await countFakeNodes(kc);
  const t0 = performance.now();
  if (total < want) {
    const { seconds } = await timedStep(log, `create ${want - total} fake nodes`, () =>
      createFakeNodes(kc, total, want, log, signal),
    );
    state.stepSeconds['create fake nodes'] = round3(seconds);
  }
  const { seconds } = await timedStep(log, `${want} fake nodes Ready`, () =>
    waitFakeNodesReady(kc, want, log, signal, Math.max(120_000, want * 60)),
  );
  state.stepSeconds['fake nodes Ready'] = round3(seconds);
  state.stepSeconds['fake nodes created to Ready'] = round3((performance.now() - t0) / 1000);
  writeLabState(state);
}

/**
 * What each of the lab's programs printed for its version at build time. The control plane and kube-proxy come
 * from the lab's Kubernetes version; everything else (agnhost, kubectl included) from the default pins.
 */
function builtVersions(kubernetesVersion?: string): Record<string, string> {
  const v: Record<string, string> = {};
  const checked = (r: GoRecipe): Record<string, string> => {
    const stamp = join(groupDir(r), 'built.json');
    return existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')).checked : {};
  };
  for (const r of recipes) Object.assign(v, checked(r));
  const atVersion = checked(kubernetesRecipe(kubernetesVersion));
  for (const p of versionedPrograms) if (atVersion[p]) v[p] = atVersion[p];
  return v;
}

const round3 = (s: number) => Math.round(s * 1000) / 1000;
