/**
 * The hooks a lab's bring-up works through: every daemon it starts is recorded in the lab state as it starts
 * (so `lab down` can stop it after a crash) and watched (so a wait fails early with the log of one that died),
 * and every step is timed, logged and recorded. The control plane (control-plane.ts) and the dataplane
 * (dataplane.ts) are written against these, not against the state file.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedStep, type Log } from '../../runners/events.ts';
import { StepError } from '../../runners/errors.ts';
import { labNetns } from './netns.ts';
import { startDaemon, type StartedProcess } from './processes.ts';
import { writeLabState, type LabState } from './state.ts';
import { waitFor } from './wait.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface StartOptions {
  /** The one daemon allowed in the host's namespace: the loopback forwarder for the user's kubectl. */
  readonly inHostNamespace?: boolean;
  /** A real node's namespace; default the lab's own. */
  readonly netns?: string;
  readonly netOnly?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LabHooks {
  readonly state: LabState;
  readonly log: Log;
  readonly signal: AbortSignal;
  /** Daemons started so far; waits fail early when one of them exits. */
  readonly watched: StartedProcess[];
  start(name: string, argv: string[], opts?: StartOptions): StartedProcess;
  /** Records a daemon started elsewhere under `name`. */
  adopt(p: StartedProcess, name?: string): StartedProcess;
  /** Runs fn as a named step of `lab up`: logged, its seconds in the lab state; a failure names the step. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  wait(what: string, check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
}

export function labHooks(state: LabState, log: Log, signal: AbortSignal): LabHooks {
  const watched: StartedProcess[] = [];
  const adopt = (p: StartedProcess, name = p.record.name) => {
    watched.push(p);
    state.processes.push(p.record);
    state.flags[name] = p.record.argv;
    writeLabState(state);
    return p;
  };
  return {
    state,
    log,
    signal,
    watched,
    adopt,
    start(name, argv, opts = {}) {
      const p = startDaemon({
        name,
        argv,
        log: join(state.stateDir, 'logs', `${name}.log`),
        cwd: repoRoot,
        netns: opts.inHostNamespace ? undefined : (opts.netns ?? labNetns(state.spec.name)),
        netOnly: opts.netOnly,
        env: opts.env,
      });
      adopt(p, name);
      state.flags[name] = argv;
      return p;
    },
    async step(name, fn) {
      try {
        const { value, seconds } = await timedStep(log, name, fn);
        state.stepSeconds[name] = Math.round(seconds * 1000) / 1000;
        writeLabState(state);
        return value;
      } catch (err) {
        throw new StepError(`lab up "${state.spec.name}": ${name}`, err);
      }
    },
    wait: (what, check, timeoutMs = 60_000) => waitFor(what, check, { timeoutMs, signal, watch: watched }),
  };
}

/** A node script of the repository, run by this Node with tsx (the gateway, the forwarder). */
export function tsxArgv(script: string, ...args: string[]): string[] {
  return [process.execPath, '--import', 'tsx', join(repoRoot, script), ...args];
}
