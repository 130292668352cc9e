import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { q } from './sandbox-script.ts';
import type { ContainerLauncher } from './runc-container.ts';

/** What the pod status reports for one container. */
export interface ContainerState {
  readonly name: string;
  restartCount: number;
  startedAt?: Date;
  running: boolean;
  ready: boolean;
  lastExit?: { code: number | null; signal: string | null; at: Date };
  waitingReason?: string;
  /** Set when the process exited and the pod's restartPolicy says it stays down. */
  finished?: boolean;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/**
 * One container's process inside the pod's namespace, restarted with exponential backoff when it exits
 * (1 s doubling to 30 s: the kubelet's 10 s–5 min, scaled down for a lab that measures churn).
 */
export class ContainerProcess {
  readonly state: ContainerState;
  private child?: ChildProcess;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly netns: string;
  private readonly script: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly logPath: string;
  private readonly onChange: () => void;
  private readonly hostname: string;
  private readonly restartPolicy: RestartPolicy;
  /** Set for an image run by runc (runc-container.ts): its argv replaces the `ip netns exec` script. */
  private readonly launcher?: ContainerLauncher;

  constructor(o: {
    name: string;
    hostname: string;
    restartPolicy: RestartPolicy;
    netns: string;
    script: string;
    env: NodeJS.ProcessEnv;
    podDir: string;
    onChange: () => void;
    launcher?: ContainerLauncher;
  }) {
    this.state = { name: o.name, restartCount: 0, running: false, ready: false };
    this.netns = o.netns;
    this.script = o.script;
    this.env = o.env;
    this.logPath = join(o.podDir, `${o.name}.log`);
    this.onChange = o.onChange;
    this.hostname = o.hostname;
    this.restartPolicy = o.restartPolicy;
    this.launcher = o.launcher;
  }

  start(): void {
    if (this.stopped) return;
    const fd = openSync(this.logPath, 'a');
    // Its own UTS namespace, so the process sees the pod's hostname (agnhost's /hostname answers with it).
    const argv = [
      'netns',
      'exec',
      this.netns,
      'unshare',
      '--uts',
      'sh',
      '-c',
      `hostname ${q(this.hostname)}\n${this.script}`,
    ];
    const [cmd, ...rest] = this.launcher?.argv ?? ['ip', ...argv];
    const child = spawn(cmd!, rest, {
      stdio: ['ignore', fd, fd],
      env: this.env,
    });
    closeSync(fd);
    this.child = child;
    Object.assign(this.state, {
      running: true,
      ready: false,
      startedAt: new Date(),
      waitingReason: undefined,
    });
    child.on('exit', (code, signal) => {
      this.child = undefined;
      void this.launcher?.cleanup();
      Object.assign(this.state, { running: false, ready: false, lastExit: { code, signal, at: new Date() } });
      const restart = this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && code !== 0);
      if (!this.stopped && !restart) this.state.finished = true;
      if (!this.stopped && restart) {
        this.state.restartCount++;
        this.state.waitingReason = 'CrashLoopBackOff';
        const backoff = Math.min(30_000, 1000 * 2 ** (this.state.restartCount - 1));
        this.timer = setTimeout(() => this.start(), backoff);
      }
      this.onChange();
    });
    this.onChange();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGTERM, then SIGKILL after graceMs; no restart afterwards. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    // runc forwards SIGTERM to the container, but SIGKILL must go to the container itself.
    const timeout = setTimeout(
      () => (this.launcher ? void this.launcher.kill() : child.kill('SIGKILL')),
      graceMs,
    );
    await exited;
    clearTimeout(timeout);
    await this.launcher?.cleanup();
  }
}
