import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { labStateDir, readLabState } from '../../infra/lab/state.ts';
import { UserError } from '../errors.ts';

/** Bytes read from a log's end to find its last lines: logs of a long lab run to hundreds of MiB. */
const tailWindow = 2 ** 20;

/**
 * `lab logs`: a running lab's component logs (/run/scalelab/<lab>/logs/<component>.log), the last lines of
 * each or of one. The same files a failed variant's evidence keeps (infra/lab/artifacts.ts) once the lab goes.
 */
export function labLogsCommand(): Command {
  return new Command('logs')
    .description("Print the last lines of a running lab's component logs (all, or one with --component)")
    .option('--name <name>', 'lab name (lowercase letters, digits, "-")', 'lab')
    .option('--component <name>', 'one component, e.g. kube-apiserver, kube-proxy-1, node-agent-1')
    .option('--tail <n>', 'lines from the end of each log', '50')
    .action((opts: { name: string; component?: string; tail: string }) => {
      const lines = Number(opts.tail);
      if (!Number.isInteger(lines) || lines < 1)
        throw new UserError(`--tail: expected a whole number ≥ 1, got "${opts.tail}"`);
      if (!readLabState(opts.name))
        throw new UserError(
          `lab "${opts.name}" is not up (no state in ${labStateDir(opts.name)})`,
          'run: npx scalelab lab status   # lists the labs that are',
        );
      const dir = join(labStateDir(opts.name), 'logs');
      const components = logComponents(dir);
      if (opts.component && !components.includes(opts.component))
        throw new UserError(
          `--component: lab "${opts.name}" has no log named "${opts.component}"`,
          `its components: ${components.join(', ') || 'none yet'}`,
        );
      const shown = opts.component ? [opts.component] : components;
      for (const c of shown) {
        const text = lastLines(join(dir, `${c}.log`), lines);
        if (!opts.component) process.stdout.write(`==> ${c} <==\n`);
        process.stdout.write(text.length && !text.endsWith('\n') ? `${text}\n` : text);
      }
    });
}

/** The components with a log, by name (file name less `.log`), sorted. */
export function logComponents(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.slice(0, -'.log'.length))
      .sort();
  } catch {
    return [];
  }
}

/** The last `n` lines of a file, read from its end (at most tailWindow bytes). */
export function lastLines(path: string, n: number): string {
  const size = statSync(path).size;
  const from = Math.max(0, size - tailWindow);
  const buf = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n).join('\n') + (lines.length ? '\n' : '');
}
