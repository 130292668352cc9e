import {
  CoreV1Api,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type KubeConfig,
  type V1Pod,
} from '@kubernetes/client-node';
import { join } from 'node:path';
import { ContainerProcess, type RestartPolicy } from './container.ts';

import { resolveContainer } from './images.ts';
import { containerCgroupsPath, ImageStore, runcLauncher, type PulledImage } from './runc-container.ts';
import { readinessCheck } from './probe.ts';
import { failedPodStatus, runningPodStatus } from './pod-status.ts';
import {
  checkSandbox,
  createSandbox,
  destroySandbox,
  hostNetworkSandbox,
  type Sandbox,
  type SandboxContext,
} from './sandbox.ts';
import { sandboxScript, type SandboxMount } from './sandbox-script.ts';
import { fieldValue, materializeVolumes } from './volumes.ts';
import { kubernetesService, maxServiceLinks, serviceLinkEnv } from './service-env.ts';

interface PodRun {
  pod: V1Pod;
  sandbox?: Sandbox;
  containers: ContainerProcess[];
  startedAt: Date;
  lastStatus?: string;
  stopping?: Promise<void>;
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/**
 * The kubelet's pod work for one real node: watches the pods bound to it, gives each a sandbox (namespace +
 * CNI), starts its containers, reports status and readiness, and tears all of it down on delete.
 */
export class PodManager {
  private readonly runs = new Map<string, PodRun>();
  private readonly core: CoreV1Api;
  private readonly kc: KubeConfig;
  private readonly node: { name: string; ip: string };
  private readonly sandboxCtx: SandboxContext;
  private readonly log: (msg: string) => void;
  /** Images pulled from the lab's registry, run by runc with its state beside the pods' (runc-container.ts). */
  private readonly images: ImageStore;
  private readonly runcRoot: string;

  constructor(
    kc: KubeConfig,
    node: { name: string; ip: string },
    sandboxCtx: SandboxContext,
    log: (msg: string) => void,
  ) {
    this.kc = kc;
    this.core = kc.makeApiClient(CoreV1Api);
    this.node = node;
    this.sandboxCtx = sandboxCtx;
    this.log = log;
    this.images = new ImageStore(join(sandboxCtx.podsDir, '..', 'images'));
    this.runcRoot = join(sandboxCtx.podsDir, '..', 'runc');
  }

  /** Watches and reconciles until signal aborts; a relist every 15 s repairs anything a watch gap missed. */
  async run(signal: AbortSignal): Promise<void> {
    const fieldSelector = `spec.nodeName=${this.node.name}`;
    const watch = new Watch(this.kc);
    let req: { abort(): void } | undefined;
    const startWatch = async (resourceVersion: string) => {
      req = await watch.watch(
        '/api/v1/pods',
        { fieldSelector, resourceVersion, allowWatchBookmarks: true },
        (type: string, pod: V1Pod) => {
          if (type === 'DELETED') this.teardown(pod.metadata!.uid!, false);
          else if (type === 'ADDED' || type === 'MODIFIED') this.reconcile(pod);
        },
        () =>
          setTimeout(() => !signal.aborted && this.relist(fieldSelector).then(startWatch, () => {}), 1000),
      );
    };
    await startWatch(await this.relist(fieldSelector));
    const resync = setInterval(
      () => this.relist(fieldSelector).catch((e) => this.log(`relist: ${e}`)),
      15_000,
    );
    const probes = setInterval(() => this.probeAll(), 1000);
    await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    clearInterval(resync);
    clearInterval(probes);
    req?.abort();
  }

  private async relist(fieldSelector: string): Promise<string> {
    const list = await this.core.listPodForAllNamespaces({ fieldSelector });
    const seen = new Set<string>();
    for (const pod of list.items) {
      seen.add(pod.metadata!.uid!);
      this.reconcile(pod);
    }
    for (const uid of this.runs.keys()) if (!seen.has(uid)) this.teardown(uid, false);
    await this.checkNetworks();
    return list.metadata?.resourceVersion ?? '';
  }

  /** CNI CHECK on every running sandbox, as a runtime does; drift is reported as a Warning event on the pod. */
  private async checkNetworks(): Promise<void> {
    for (const run of this.runs.values()) {
      if (!run.sandbox || run.stopping) continue;
      await checkSandbox(this.sandboxCtx, run.pod, run.sandbox).catch((err) =>
        this.event(
          run.pod,
          'Warning',
          'NetworkCheckFailed',
          `CNI CHECK failed: ${err instanceof Error ? err.message : err}`,
        ),
      );
    }
  }

  private reconcile(pod: V1Pod): void {
    const uid = pod.metadata!.uid!;
    const run = this.runs.get(uid);
    if (pod.metadata?.deletionTimestamp) {
      this.teardown(uid, true, pod);
      return;
    }
    if (run) {
      run.pod = pod;
      return;
    }
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const fresh: PodRun = { pod, containers: [], startedAt: new Date() };
    this.runs.set(uid, fresh);
    this.start(fresh).catch((err) =>
      this.log(`pod ${podName(pod)}: ${err instanceof Error ? err.message : err}`),
    );
  }

  private async start(run: PodRun): Promise<void> {
    const pod = run.pod;
    const plans = (pod.spec?.containers ?? []).map((c) => ({ c, resolved: resolveContainer(c) }));
    const refused = plans.find((p) => 'refused' in p.resolved);
    if (refused && 'refused' in refused.resolved) {
      await this.event(
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${refused.c.image}": ${refused.resolved.refused}`,
      );
      await this.patchStatus(
        run,
        failedPodStatus(pod, this.node.ip, 'ErrImagePull', refused.resolved.refused),
      );
      return;
    }
    const pulled = new Map<string, PulledImage>();
    for (const { c, resolved } of plans) {
      if (!('argv' in resolved) || !resolved.pull) continue;
      try {
        pulled.set(c.name, await this.images.pull(resolved.pull.image));
      } catch (err) {
        const msg = `Failed to pull image "${c.image}": ${err instanceof Error ? err.message : err}`;
        await this.event(pod, 'Warning', 'Failed', msg);
        await this.patchStatus(run, failedPodStatus(pod, this.node.ip, 'ErrImagePull', msg));
        return;
      }
    }
    // hostNetwork: the node's namespace, no CNI, the node's IP, as a kubelet runs it.
    run.sandbox = pod.spec?.hostNetwork
      ? hostNetworkSandbox(this.sandboxCtx, pod, this.node)
      : await createSandbox(this.sandboxCtx, pod);
    const links = await this.serviceLinks(pod);
    const withIp = { ...pod, status: { ...pod.status, podIP: run.sandbox.ip, hostIP: this.node.ip } };
    const volumes = await materializeVolumes(this.kc, pod, join(run.sandbox.dir, 'volumes'));
    for (const { c, resolved } of plans) {
      if (!('argv' in resolved)) continue;
      const mounts: SandboxMount[] = [
        { source: join(run.sandbox.dir, 'resolv.conf'), target: '/etc/resolv.conf' },
        { source: join(run.sandbox.dir, 'hosts'), target: '/etc/hosts' },
        ...(c.volumeMounts ?? []).map((m) => ({
          source: join(volumes.get(m.name)!, m.subPath ?? ''),
          target: m.mountPath,
        })),
      ];
      const env: NodeJS.ProcessEnv = {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOSTNAME: pod.spec?.hostNetwork ? this.node.name : pod.metadata!.name!,
        ...links,
        ...kubernetesService(),
      };
      for (const e of c.env ?? [])
        env[e.name] =
          e.value ?? (e.valueFrom?.fieldRef ? fieldValue(withIp, e.valueFrom.fieldRef.fieldPath) : '');
      const proc = new ContainerProcess({
        name: c.name,
        hostname: pod.spec?.hostNetwork ? this.node.name : (pod.spec?.hostname ?? pod.metadata!.name!),
        restartPolicy: (pod.spec?.restartPolicy ?? 'Always') as RestartPolicy,
        netns: run.sandbox.netns,

        script: resolved.pull ? '' : sandboxScript({ podDir: run.sandbox.dir, mounts, argv: resolved.argv }),
        launcher:
          resolved.pull &&
          runcLauncher({
            runcRoot: this.runcRoot,
            id: `${pod.metadata!.uid}-${c.name}`,
            bundleDir: join(run.sandbox.dir, `${c.name}.bundle`),
            image: pulled.get(c.name)!,
            command: resolved.pull.command,
            args: resolved.pull.args,
            env,
            hostname: pod.spec?.hostNetwork ? this.node.name : (pod.spec?.hostname ?? pod.metadata!.name!),
            netnsPath: `/run/netns/${run.sandbox.netns}`,
            cgroupsPath: containerCgroupsPath(`${pod.metadata!.uid}-${c.name}`),
            mounts,
          }),
        env,
        podDir: run.sandbox.dir,
        onChange: () => void this.report(run),
      });
      run.containers.push(proc);
      await this.event(pod, 'Normal', 'Started', `Started container ${c.name} (${resolved.argv[0]})`);
      proc.start();
    }
  }

  /** The Services' variables (enableServiceLinks), none past maxServiceLinks (see serviceLinkEnv). */
  private async serviceLinks(pod: V1Pod): Promise<Record<string, string>> {
    if (pod.spec?.enableServiceLinks === false) return {};
    const namespace = pod.metadata!.namespace!;
    try {
      const list = await this.core.listNamespacedService({ namespace, limit: maxServiceLinks });
      return list.metadata?._continue ? {} : serviceLinkEnv(list.items);
    } catch (err) {
      this.log(`services of ${namespace} for ${podName(pod)}: ${err}`);
      return {};
    }
  }

  private probeAll(): void {
    for (const run of this.runs.values()) {
      if (!run.sandbox || run.stopping) continue;
      for (const proc of run.containers) {
        if (!proc.state.running) continue;
        const spec = run.pod.spec?.containers.find((c) => c.name === proc.state.name);
        const check = spec && readinessCheck(spec, run.sandbox.ip);
        if (!check) {
          if (!proc.state.ready) {
            proc.state.ready = true;
            void this.report(run);
          }
          continue;
        }
        void check().then((ok) => {
          if (ok !== proc.state.ready && proc.state.running) {
            proc.state.ready = ok;
            void this.report(run);
          }
        });
      }
    }
  }

  private async report(run: PodRun): Promise<void> {
    if (!run.sandbox || run.stopping) return;
    await this.patchStatus(
      run,
      runningPodStatus(run.pod, {
        hostIp: this.node.ip,
        podIp: run.sandbox.ip,
        startedAt: run.startedAt,
        states: run.containers.map((c) => c.state),
      }),
    );
  }

  private async patchStatus(run: PodRun, body: { status: object }): Promise<void> {
    const key = JSON.stringify(body, (k, v) => (k === 'lastTransitionTime' ? undefined : v));
    if (key === run.lastStatus) return;
    run.lastStatus = key;
    const { name, namespace } = run.pod.metadata!;
    try {
      run.pod = await this.core.patchNamespacedPodStatus({ name: name!, namespace: namespace!, body }, merge);
    } catch (err) {
      run.lastStatus = undefined;
      this.log(`status of ${podName(run.pod)}: ${err instanceof Error ? err.message : err}`);
    }
  }

  /** Stops the containers (grace capped at 5 s), removes the sandbox, and, for a graceful delete, the object. */
  private teardown(uid: string, finalDelete: boolean, pod?: V1Pod): void {
    const run = this.runs.get(uid);
    if (!run) {
      if (pod && finalDelete) void this.finalDelete(pod);
      return;
    }
    if (run.stopping) return;
    const grace = Math.min(5, run.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    run.stopping = (async () => {
      await Promise.all(run.containers.map((c) => c.stop(grace)));
      await destroySandbox(this.sandboxCtx, run.pod, run.sandbox);
      this.runs.delete(uid);
      if (finalDelete) await this.finalDelete(pod ?? run.pod);
    })().catch((err) => this.log(`teardown of ${podName(run.pod)}: ${err}`));
  }

  private async finalDelete(pod: V1Pod): Promise<void> {
    const { name, namespace, uid } = pod.metadata!;
    await this.core
      .deleteNamespacedPod({
        name: name!,
        namespace: namespace!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      })
      .catch(
        (err) => (err as { code?: number }).code === 404 || this.log(`delete ${namespace}/${name}: ${err}`),
      );
  }

  private async event(
    pod: V1Pod,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const { name, namespace, uid } = pod.metadata!;
    await this.core
      .createNamespacedEvent({
        namespace: namespace!,
        body: {
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { kind: 'Pod', apiVersion: 'v1', name, namespace, uid },
          type,
          reason,
          message,
          source: { component: 'scalelab-node-agent', host: this.node.name },
          firstTimestamp: new Date(),
          lastTimestamp: new Date(),
          count: 1,
        },
      })
      .catch((err) => this.log(`event for ${namespace}/${name}: ${err}`));
  }

  /** Stops every pod (agent shutdown); the objects stay in the API, as with a kubelet that stops. */
  async stopAll(): Promise<void> {
    for (const uid of [...this.runs.keys()]) this.teardown(uid, false);
    await Promise.all([...this.runs.values()].map((r) => r.stopping));
  }
}

function podName(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
