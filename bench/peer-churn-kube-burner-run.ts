/**
 * Runs kube-burner for one phase and times its job from its own log: kube-burner stamps lines to the second
 * only, so the window is when the "Triggering job" and "Job … took" lines reach us (it writes each line at
 * once). Process start-up (discovery, REST mapping) stays outside the window, as scalelab's client set-up does.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { binPath } from '../infra/build/build.ts';

export interface KubeBurnerRun {
  /** From "Triggering job" to "Job … took": the API work of the phase. */
  readonly jobSeconds: number;
  /** The whole process, start-up included. */
  readonly processSeconds: number;
  /** kube-burner's CPU (user + system), the whole process. */
  readonly cpuSeconds: number;
  readonly exitCode: number | null;
  /** Lines at level=error: failed requests (a failed create is retried, and logged again). */
  readonly errorLines: number;
  readonly firstErrors: readonly string[];
}

export type LineEvent = 'start' | 'end' | 'error' | undefined;

/** What a kube-burner log line tells about job `job`. */
export function classifyLine(line: string, job: string): LineEvent {
  if (line.includes(`msg="Triggering job: ${job}"`)) return 'start';
  if (line.includes(`msg="Job ${job} took `)) return 'end';
  if (/\blevel=(error|fatal)\b/.test(line)) return 'error';
  return undefined;
}

/** CPU seconds of this process's children that have exited (and been waited for). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

export async function runKubeBurner(
  configFile: string,
  kubeconfig: string,
  job: string,
  cwd: string,
  signal: AbortSignal,
): Promise<KubeBurnerRun> {
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  let start: number | undefined;
  let end: number | undefined;
  let errorLines = 0;
  const firstErrors: string[] = [];
  // cwd: kube-burner writes kube-burner-<uuid>.log where it runs.
  const child = spawn(binPath('kube-burner'), ['init', '-c', configFile, '--kubeconfig', kubeconfig], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  const onLine = (line: string) => {
    const now = performance.now();
    const event = classifyLine(line, job);
    if (event === 'start') start ??= now;
    if (event === 'end') end ??= now;
    if (event === 'error' && ++errorLines <= 5) firstErrors.push(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const processSeconds = (performance.now() - t0) / 1000;
  if (start === undefined || end === undefined) {
    throw new Error(
      `kube-burner (exit ${exitCode}) did not log the start and end of job ${job}: ${firstErrors.join(' | ')}`,
    );
  }
  return {
    jobSeconds: (end - start) / 1000,
    processSeconds,
    cpuSeconds: childrenCpuSeconds() - cpu0,
    exitCode,
    errorLines,
    firstErrors,
  };
}
