/**
 * The lab's control plane, step by step (labUp in local.ts runs them in order): the fabric and the gateway into
 * the lab's namespace, certificates, etcd, kube-apiserver with the user's loopback forwarder, then
 * kube-controller-manager, kube-scheduler and kwok. Each starts its daemon through the lab's hooks and waits
 * until it answers.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { binPath, sharePath } from '../build/build.ts';
import { etcdArgs } from '../components/etcd.ts';
import { apiserverArgs } from '../components/kube-apiserver.ts';
import { controllerManagerArgs } from '../components/kube-controller-manager.ts';
import { schedulerArgs, schedulerConfigFile } from '../components/kube-scheduler.ts';
import { kwokArgs, kwokConfigFile } from '../components/kwok.ts';
import { dataRoot } from '../paths.ts';
import { labAddresses as A } from './addresses.ts';
import { apiserverGet } from './apiserver-get.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { labHttpGet } from './lab-connect.ts';
import { tsxArgv, type LabHooks } from './lab-hooks.ts';
import { createNetns, ipIn, labNetns } from './netns.ts';
import { createPki, type LabPki } from './pki.ts';
import type { LabState } from './state.ts';

/** Client rate limits for kcm and the scheduler: upstream's defaults (20/30) cannot keep up with 5,000 nodes. */
export const controlPlaneTuning = {
  apiQps: 500,
  apiBurst: 1000,
  maxRequestsInflight: 800,
  maxMutatingRequestsInflight: 400,
  kwokParallelism: 16,
};

const apiserverUrl = `https://${A.controlPlane}:${A.apiserverPort}`;

/** The lab's namespace with the fabric bridge the control plane and every real node sit on. */
export async function createFabric(name: string): Promise<void> {
  const ns = labNetns(name);
  await createNetns(ns);
  await ipIn(ns, ['link', 'add', 'fabric0', 'type', 'bridge']);
  await ipIn(ns, ['addr', 'add', `${A.controlPlane}/${A.fabricPrefix}`, 'dev', 'fabric0']);
  await ipIn(ns, ['link', 'set', 'fabric0', 'up']);
}

/** The harness's way into the lab's namespace: a unix socket the gateway serves from inside it. */
export async function startGateway(h: LabHooks): Promise<void> {
  const { state } = h;
  h.start(
    'gateway',
    tsxArgv('infra/lab/gateway.ts', '--lab', state.spec.name, '--socket', state.gatewaySocket),
  );
  await h.wait('the gateway socket', async () => existsSync(state.gatewaySocket), 20_000);
}

export function createLabPki(state: LabState): Promise<LabPki> {
  return createPki(join(state.stateDir, 'pki'), [
    A.controlPlane,
    '127.0.0.1',
    A.kubernetesService,
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ]);
}

export async function startEtcd(h: LabHooks): Promise<void> {
  const dataDir = join(dataRoot, h.state.spec.name, 'etcd');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  h.start('etcd', [
    binPath('etcd'),
    ...etcdArgs({
      name: 'lab',
      dataDir,
      clientAddress: A.etcdClient,
      peerPort: 2380,
      quotaBackendBytes: 8 * 2 ** 30,
    }),
  ]);
  await h.wait(
    'etcd /health',
    async () =>
      JSON.parse(await labHttpGet(h.state.gatewaySocket, `http://${A.etcdClient}/health`)).health === 'true',
  );
}

/** kube-apiserver, and the loopback forwarder in the host's namespace that the user's kubeconfig points at. */
export async function startApiserver(h: LabHooks, pki: LabPki): Promise<void> {
  const { state } = h;
  h.start('kube-apiserver', [
    binPath('kube-apiserver', state.spec.kubernetesVersion),
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
  h.start(
    'forwarder',
    tsxArgv(
      'infra/lab/forwarder.ts',
      '--lab',
      state.spec.name,
      '--listen',
      `127.0.0.1:${state.forwarderPort}`,
      '--socket',
      state.gatewaySocket,
      '--target',
      `${A.controlPlane}:${A.apiserverPort}`,
    ),
    { inHostNamespace: true },
  );
  await h.wait(
    'kube-apiserver /readyz',
    async () => (await apiserverGet(state, '/readyz')) === 'ok',
    120_000,
  );
}

export type LabKubeconfigs = ReturnType<typeof writeKubeconfigs>;

/** One kubeconfig per component (to the apiserver on the fabric), and the user's (through the forwarder). */
export function writeKubeconfigs(state: LabState, pki: LabPki) {
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

/** kube-controller-manager, kube-scheduler and kwok, which fakes every node and pod not on a real node. */
export async function startControllers(h: LabHooks, pki: LabPki, kubeconfigs: LabKubeconfigs): Promise<void> {
  const { state } = h;
  const { spec, stateDir } = state;
  const common = { apiQps: controlPlaneTuning.apiQps, apiBurst: controlPlaneTuning.apiBurst };
  h.start('kube-controller-manager', [
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
  h.start('kube-scheduler', [binPath('kube-scheduler', spec.kubernetesVersion), ...schedulerArgs(sched)]);
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
  const kwokConfig = kwokConfigFile(
    kwok,
    stages.map((s) => sharePath('kwok', s)),
  );
  writeConfig(state, 'kwok', kwok.configPath, kwokConfig);
  h.start('kwok', [binPath('kwok'), ...kwokArgs(kwok)]);
  await h.wait('kwok /healthz', async () =>
    (await labHttpGet(state.gatewaySocket, `http://${kwok.serverAddress}/healthz`)).includes('ok'),
  );
}

function writeConfig(state: LabState, component: string, path: string, text: string) {
  writeFileSync(path, text);
  state.configFiles[component] = path;
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
