import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exec, output } from '../../infra/exec.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the scalelab CLI as a user would (`npx scalelab …`), returning exit code and output. */
export function scalelab(
  args: readonly string[],
  timeoutMs = 600_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${repoRoot}runners/scalelab.js`, ...args], {
      cwd: repoRoot,
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `lab up --name lab …flags` as a user runs it; fails the test with the end of its stderr when it fails. */
export async function labUpOrFail(lab: string, flags: readonly string[]): Promise<void> {
  const up = await scalelab(['lab', 'up', '--name', lab, ...flags]);
  if (up.code !== 0)
    throw new Error(
      `lab up --name ${lab} ${flags.join(' ')} failed (exit ${up.code}):\n${up.stderr.slice(-3000)}`,
    );
}

/**
 * The host namespace's addresses, links, routes and rules, as text: `down` must leave it byte-identical.
 * Counters are left out (`ip` without -s) so traffic on the host does not change the text.
 */
export async function hostNetworkSnapshot(): Promise<string> {
  const parts = await Promise.all([
    output(['ip', '-o', 'addr']),
    output(['ip', '-o', 'link']),
    output(['ip', 'route', 'show', 'table', 'all']),
    output(['ip', '-6', 'route', 'show', 'table', 'all']),
    output(['ip', 'rule']),
    output(['ip', '-6', 'rule']),
  ]);
  return parts.join('\n---\n');
}

/** The user's kubectl when the machine has one, else the one built for the lab. */
export async function kubectlPath(): Promise<string> {
  const found = await exec(['sh', '-c', 'command -v kubectl'], { allowFailure: true });
  if (found.exitCode === 0 && found.stdout.trim()) return found.stdout.trim();
  const { binPath } = await import('../../infra/build/build.ts');
  return binPath('kubectl');
}

/** Mount points that mention a lab (ip netns bind mounts live under /run/netns). */
export function labMounts(lab: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => new RegExp(`scalelab_${lab}(_\\S*)? |scalelab/${lab}/`).test(l));
}

export function etcNetnsEntries(lab: string): boolean {
  return existsSync(`/etc/netns/scalelab_${lab}`);
}

/** Sum of a counter over the series whose labels contain `match`. */
export function metricCounter(text: string, name: string, match = ''): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) && line.includes(match))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}
