import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { binPath, sharePath, versionedPrograms } from '../build/build.ts';
import { kubernetesRecipe, recipes, type GoRecipe } from '../build/recipes.ts';
import { groupDir } from '../build/go-build.ts';
import { dataRoot } from '../paths.ts';
import { etcdArgs } from '../components/etcd.ts';
import { apiserverArgs } from '../components/kube-apiserver.ts';
import { controllerManagerArgs } from '../components/kube-controller-manager.ts';
import { schedulerArgs, schedulerConfigFile } from '../components/kube-scheduler.ts';
import { kwokArgs, kwokConfigFile } from '../components/kwok.ts';
import { labAddresses as A } from './addresses.ts';
import { createNetns, ipIn, labNetns } from './netns.ts';
import { createPki, type LabPki } from './pki.ts';
import { loadKubeconfig, writeKubeconfig } from './kubeconfig.ts';
import { startDaemon, isRunning, type StartedProcess } from './processes.ts';
import { labStateDir, readLabState, writeLabState, type LabSpec, type LabState } from './state.ts';
import { labHttpGet } from './lab-connect.ts';
import { apiserverGet } from './apiserver-get.ts';
import { waitFor } from './wait.ts';
import { createFakeNodes, countFakeNodes, waitFakeNodesReady } from './fake-nodes.ts';
import { labDown } from './down.ts';
import { bringUpDataplane } from './dataplane.ts';
import { startRegistry } from './registry.ts';
import { timedStep, type Log } from '../../runners/events.ts';
import { StepError, UserError } from '../../runners/errors.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const apiserverUrl = `https://${A.controlPlane}:${A.apiserverPort}`;

/** Client rate limits for kcm and the scheduler: upstream's defaults (20/30) cannot keep up with 5,000 nodes. */
export const controlPlaneTuning = {
  apiQps: 500,
  apiBurst: 1000,
  maxRequestsInflight: 800,
  maxMutatingRequestsInflight: 400,
  kwokParallelism: 16,
};

/**
 * Brings the local lab up: namespaces, etcd, kube-apiserver, kcm, scheduler, kwok, then spec.fakeNodes Ready
 * fake nodes. A lab already running under this name is reused (missing nodes are added); a dead one is
 * cleaned first.
 */
export async function labUp(spec: LabSpec, log: Log, signal: AbortSignal): Promise<LabState> {
  const existing = readLabState(spec.name);
  if (existing && existing.processes.length && existing.processes.every(isRunning) && existing.kubeconfig) {
    // A field the running lab's state lacks (written before kubernetesVersion existed) was the default then.
    const differ = (
      [
        'realNodes',
        'podNetwork',
        'proxyMode',
        'iptablesBackend',
        'dns',
        'nodeLeaseSeconds',
        'kubernetesVersion',
      ] as const
    ).filter((k) => (existing.spec[k] ?? spec[k]) !== spec[k]);
    if (differ.length) {
      const was = differ.map((k) => `${k} ${existing.spec[k]}`).join(', ');
      throw new UserError(
        `lab "${spec.name}" is already up with other settings (${was})`,
        `run: npx scalelab lab down --name ${spec.name}`,
      );
    }
    log({ kind: 'info', message: `lab "${spec.name}" is already up; reusing it` });

    await ensureFakeNodes(existing, spec.fakeNodes, log, signal);
    return existing;
  }
  if (existing) {
    log({
      kind: 'info',
      message: `lab "${spec.name}" left by an earlier run is not healthy; cleaning it first`,
    });
    await labDown(spec.name, log);
  }
  const stateDir = labStateDir(spec.name);
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const ns = labNetns(spec.name);
  const state: LabState = {
    spec,
    createdAt: new Date().toISOString(),
    stateDir,
    gatewaySocket: join(stateDir, 'gateway.sock'),
    netns: [ns],
    processes: [],
    flags: {},
    configFiles: {},
    versions: builtVersions(spec.kubernetesVersion),
    stepSeconds: {},
  };
  writeLabState(state);
  const watched: StartedProcess[] = [];
  const adopt = (p: StartedProcess, name = p.record.name) => {
    watched.push(p);
    state.processes.push(p.record);
    state.flags[name] = p.record.argv;
    writeLabState(state);
    return p;
  };
  const start = (
    name: string,
    argv: string[],
    opts: { inHostNamespace?: boolean; netns?: string; netOnly?: boolean; env?: NodeJS.ProcessEnv } = {},
  ) => {
    const netns = opts.inHostNamespace ? undefined : (opts.netns ?? ns);
    const p = startDaemon({
      name,
      argv,
      log: join(stateDir, 'logs', `${name}.log`),
      cwd: repoRoot,
      netns,
      netOnly: opts.netOnly,
      env: opts.env,
    });

    adopt(p, name);
    state.flags[name] = argv;
    return p;
  };
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      const { value, seconds } = await timedStep(log, name, fn);
      state.stepSeconds[name] = Math.round(seconds * 1000) / 1000;
      writeLabState(state);
      return value;
    } catch (err) {
      throw new StepError(`lab up "${spec.name}": ${name}`, err);
    }
  };
  const wait = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
    waitFor(what, check, { timeoutMs, signal, watch: watched });

  await step('network namespace and fabric', async () => {
    await createNetns(ns);
    await ipIn(ns, ['link', 'add', 'fabric0', 'type', 'bridge']);
    await ipIn(ns, ['addr', 'add', `${A.controlPlane}/${A.fabricPrefix}`, 'dev', 'fabric0']);
    await ipIn(ns, ['link', 'set', 'fabric0', 'up']);
  });
  await step('lab gateway', async () => {
    start('gateway', [
      process.execPath,
      '--import',
      'tsx',
      join(repoRoot, 'infra/lab/gateway.ts'),
      '--lab',
      spec.name,
      '--socket',
      state.gatewaySocket,
    ]);
    await wait('the gateway socket', async () => existsSync(state.gatewaySocket), 20_000);
  });
  const pki = await step('certificates', () =>
    createPki(join(stateDir, 'pki'), [
      A.controlPlane,
      '127.0.0.1',
      A.kubernetesService,
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ]),
  );
  await step('etcd', async () => {
    const dataDir = join(dataRoot, spec.name, 'etcd');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    start('etcd', [
      binPath('etcd'),
      ...etcdArgs({
        name: 'lab',
        dataDir,
        clientAddress: A.etcdClient,
        peerPort: 2380,
        quotaBackendBytes: 8 * 2 ** 30,
      }),
    ]);
    await wait(
      'etcd /health',
      async () =>
        JSON.parse(await labHttpGet(state.gatewaySocket, `http://${A.etcdClient}/health`)).health === 'true',
    );
  });
  await step('kube-apiserver', async () => {
    start('kube-apiserver', [
      binPath('kube-apiserver', spec.kubernetesVersion),
      ...apiserverArgs({
        advertiseAddress: A.controlPlane,
        securePort: A.apiserverPort,
        etcdServers: `http://${A.etcdClient}`,
        serviceCidr: A.serviceCidr,
        pki,
        ...controlPlaneTuning,
      }),
    ]);
    state.forwarderPort = await freeLoopbackPort();
    start(
      'forwarder',
      [
        process.execPath,
        '--import',
        'tsx',
        join(repoRoot, 'infra/lab/forwarder.ts'),
        '--lab',
        spec.name,
        '--listen',
        `127.0.0.1:${state.forwarderPort}`,
        '--socket',
        state.gatewaySocket,
        '--target',
        `${A.controlPlane}:${A.apiserverPort}`,
      ],
      { inHostNamespace: true },
    );
    await wait(
      'kube-apiserver /readyz',
      async () => (await apiserverGet(state, '/readyz')) === 'ok',
      120_000,
    );
  });
  const kubeconfigs = writeKubeconfigs(state, pki);
  await step('controller-manager, scheduler, kwok', async () => {
    const common = { apiQps: controlPlaneTuning.apiQps, apiBurst: controlPlaneTuning.apiBurst };
    start('kube-controller-manager', [
      binPath('kube-controller-manager', spec.kubernetesVersion),
      ...controllerManagerArgs({
        kubeconfig: kubeconfigs.controllerManager,
        podCidr: A.podCidr,
        nodeCidrMaskSize: A.nodeCidrMaskSize,
        serviceCidr: A.serviceCidr,
        caCert: pki.caCert,
        saKey: pki.saKey,
        nodeMonitorGracePeriodSeconds: spec.nodeLeaseSeconds + 60,
        ...common,
      }),
    ]);
    const sched = {
      kubeconfig: kubeconfigs.scheduler,
      configPath: join(stateDir, 'kube-scheduler.yaml'),
      ...common,
    };
    writeConfig(state, 'kube-scheduler', sched.configPath, schedulerConfigFile(sched));
    start('kube-scheduler', [binPath('kube-scheduler', spec.kubernetesVersion), ...schedulerArgs(sched)]);
    const kwok = {
      kubeconfig: kubeconfigs.admin,
      configPath: join(stateDir, 'kwok.yaml'),
      serverAddress: '127.0.0.1:10247',
      nodeLeaseDurationSeconds: spec.nodeLeaseSeconds,
      parallelism: controlPlaneTuning.kwokParallelism,
    };
    const stages = [
      'node-initialize.yaml',
      'node-heartbeat-with-lease.yaml',
      'pod-ready.yaml',
      'pod-complete.yaml',
      'pod-delete.yaml',
    ];
    writeConfig(
      state,
      'kwok',
      kwok.configPath,
      kwokConfigFile(
        kwok,
        stages.map((s) => sharePath('kwok', s)),
      ),
    );
    start('kwok', [binPath('kwok'), ...kwokArgs(kwok)]);
    await wait('kwok /healthz', async () =>
      (await labHttpGet(state.gatewaySocket, `http://${kwok.serverAddress}/healthz`)).includes('ok'),
    );
  });
  state.kubeconfig = kubeconfigs.user;
  writeLabState(state);
  await ensureFakeNodes(state, spec.fakeNodes, log, signal);
  if (spec.realNodes > 0)
    state.agentImage = await step('agent image in the lab registry', () =>
      startRegistry({ state, log, start, wait, netns: ns }),
    );
  await bringUpDataplane({
    state,
    kc: loadKubeconfig(state),
    kubeconfigs,
    start,
    adopt: (p, kind) => adopt(p, `${kind}-${p.record.name}`),
    step,
    signal,
    watched,
  });
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

function writeKubeconfigs(state: LabState, pki: LabPki) {
  const dir = state.stateDir;
  const inLab = (id: keyof LabPki['clients'], file: string) =>
    writeKubeconfig(join(dir, file), {
      server: apiserverUrl,
      caCert: pki.caCert,
      clientCert: pki.clients[id].cert,
      clientKey: pki.clients[id].key,
      name: `scalelab-${state.spec.name}`,
    });
  return {
    admin: inLab('admin', 'admin.kubeconfig'),
    controllerManager: inLab('controllerManager', 'kube-controller-manager.kubeconfig'),
    scheduler: inLab('scheduler', 'kube-scheduler.kubeconfig'),
    kubeProxy: inLab('kubeProxy', 'kube-proxy.kubeconfig'),
    user: writeKubeconfig(join(dir, 'kubeconfig'), {
      server: `https://127.0.0.1:${state.forwarderPort}`,
      caCert: pki.caCert,
      clientCert: pki.clients.admin.cert,
      clientKey: pki.clients.admin.key,
      name: `scalelab-${state.spec.name}`,
    }),
  };
}

function writeConfig(state: LabState, component: string, path: string, text: string) {
  writeFileSync(path, text);
  state.configFiles[component] = path;
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

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const round3 = (s: number) => Math.round(s * 1000) / 1000;
