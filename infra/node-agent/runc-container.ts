/**
 * Images pulled from the lab's registry (infra/lab/registry.ts), run with runc in the pod's network namespace,
 * as a kubelet's runtime would: skopeo pulls the image once per node (from the node's namespace, where the
 * registry is reachable), umoci unpacks it once into a read-only rootfs shared by the node's pods, and each
 * container gets an OCI bundle of its own: the image's user, entrypoint and environment, the pod's netns (no
 * new network), hostname, resolv.conf, hosts and volumes bound in, a tmpfs /tmp. `runc run` stays in the
 * foreground, so its stdio is the container's (the log file the node agent writes) and its exit is the
 * container's; its state lives under the lab's state directory (`--root`), which `lab down` removes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../exec.ts';
import type { SandboxMount } from './sandbox-script.ts';

/** What ContainerProcess runs instead of its `ip netns exec` script, and how it signals and removes it. */
export interface ContainerLauncher {
  readonly argv: readonly string[];
  /** SIGKILL for the container itself (a signal to `runc run` is forwarded, but SIGKILL cannot be). */
  kill(): Promise<void>;
  /** Removes the container's runc state; safe when there is none. */
  cleanup(): Promise<void>;
}

interface OciConfig {
  process: { args?: string[]; env?: string[]; user: { uid: number; gid: number }; terminal?: boolean };
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: { destination: string; type: string; source: string; options?: string[] }[];
  linux: { namespaces: { type: string; path?: string }[]; cgroupsPath?: string };
}

export interface PulledImage {
  readonly ref: string;
  readonly rootfs: string;
  /** The config umoci generated from the image's (user, entrypoint + cmd, env). */
  readonly config: OciConfig;
}

/**
 * The node's pulled images, each pulled and unpacked once (IfNotPresent); concurrent pulls of one image
 * share one. Pulls are plain HTTP: only registries on a lab address are accepted (images.ts).
 */
export class ImageStore {
  private readonly pulls = new Map<string, Promise<PulledImage>>();
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  pull(ref: string): Promise<PulledImage> {
    let p = this.pulls.get(ref);
    if (!p) {
      p = this.pullOnce(ref);
      // A failed pull is retried by the next pod, as a kubelet's back-off would.
      p.catch(() => this.pulls.delete(ref));
      this.pulls.set(ref, p);
    }
    return p;
  }

  private async pullOnce(ref: string): Promise<PulledImage> {
    const key = createHash('sha256').update(ref).digest('hex').slice(0, 16);
    const layout = join(this.dir, 'layout');
    const bundle = join(this.dir, key);
    mkdirSync(this.dir, { recursive: true });
    await exec(['skopeo', 'copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${layout}:${key}`]);
    if (!existsSync(join(bundle, 'config.json')))
      await exec(['umoci', 'unpack', '--image', `${layout}:${key}`, bundle]);
    const rootfs = join(bundle, 'rootfs');
    // Mount points for the files every pod binds in, made once here: the rootfs is read-only to containers.
    mkdirSync(join(rootfs, 'etc'), { recursive: true });
    for (const f of ['resolv.conf', 'hosts', 'hostname'])
      if (!existsSync(join(rootfs, 'etc', f))) writeFileSync(join(rootfs, 'etc', f), '');
    const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciConfig;
    return { ref, rootfs, config };
  }
}

export interface RuncContainer {
  /** `runc --root`: under the lab's state directory. */
  readonly runcRoot: string;
  /** Unique on the node: `<pod uid>-<container>`. */
  readonly id: string;
  /** Where the container's config.json is written. */
  readonly bundleDir: string;
  readonly image: PulledImage;
  /** The container's command (replacing the image's entrypoint) and args, as the pod spec gives them. */
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly hostname: string;
  /** The pod's network namespace, e.g. /run/netns/scalelab_<lab>_pod-<uid>. */
  readonly netnsPath: string;
  /** runc's cgroupsPath, where the container must sit in a given cgroup (containerCgroupsPath); else runc's own. */
  readonly cgroupsPath?: string;
  readonly mounts: readonly SandboxMount[];
}

/** The OCI runtime config of one container (exported for its unit test). */
export function runcConfig(c: RuncContainer): OciConfig {
  const base = c.image.config;
  const imageArgs = base.process.args ?? [];
  // Kubernetes' rule: command replaces the entrypoint (and drops the image's cmd); args replace the cmd.
  const argv = c.command.length
    ? [...c.command, ...c.args]
    : c.args.length
      ? [imageArgs[0]!, ...c.args]
      : imageArgs;
  const env = new Map((base.process.env ?? []).map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]));
  for (const [k, v] of Object.entries(c.env))
    if (v !== undefined && !(k === 'PATH' && env.has('PATH'))) env.set(k, v);
  return {
    ...base,
    process: { ...base.process, args: argv, env: [...env].map(([k, v]) => `${k}=${v}`), terminal: false },
    root: { path: c.image.rootfs, readonly: true },
    hostname: c.hostname,
    mounts: [
      ...base.mounts,
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] },
      ...c.mounts.map((m) => ({
        destination: m.target,
        type: 'bind',
        source: m.source,
        options: ['rbind', 'rw'],
      })),
    ],
    linux: {
      ...base.linux,
      ...(c.cgroupsPath ? { cgroupsPath: c.cgroupsPath } : {}),
      namespaces: [
        ...base.linux.namespaces.filter((n) => n.type !== 'network'),
        { type: 'network', path: c.netnsPath },
      ],
    },
  };
}

/**
 * Where a container goes when the node agent itself sits in its node's own cgroup (a cilium node: socket-level
 * load balancing covers that cgroup and its children only): below it, as a kubelet puts pods below its pods'
 * slice. runc otherwise makes `/<id>` at the top of every hierarchy, outside the node's cgroup, and the
 * container's connections to a ClusterIP would never be translated. Undefined elsewhere: runc's default.
 */
export function containerCgroupsPath(
  id: string,
  procSelfCgroup = readFileSync('/proc/self/cgroup', 'utf8'),
): string | undefined {
  const own = /^0::(\/.*)$/m.exec(procSelfCgroup)?.[1];
  return own && /^\/scalelab_[^/]+\/[^/]+$/.test(own) ? `${own}/${id}` : undefined;
}

/** Writes the bundle's config.json and returns how to run, kill and remove the container. */
export function runcLauncher(c: RuncContainer): ContainerLauncher {
  mkdirSync(c.bundleDir, { recursive: true });
  writeFileSync(join(c.bundleDir, 'config.json'), JSON.stringify(runcConfig(c), null, 2));
  const runc = ['runc', '--root', c.runcRoot];
  return {
    argv: [...runc, 'run', '--bundle', c.bundleDir, c.id],
    kill: async () => void (await exec([...runc, 'kill', c.id, 'KILL'], { allowFailure: true })),
    cleanup: async () => void (await exec([...runc, 'delete', '--force', c.id], { allowFailure: true })),
  };
}
