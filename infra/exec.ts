import { spawn } from 'node:child_process';
import { SubprocessError } from '../runners/errors.ts';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ExecOptions {
  readonly signal?: AbortSignal;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Return a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
  /** Called with each chunk of stderr/stdout, for progress of long commands. */
  readonly onOutput?: (chunk: string) => void;
}

/** Runs argv to completion, capturing output; throws SubprocessError on failure unless allowFailure. */
export function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('exec: empty argv');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      signal: opts.signal,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onOutput?.(d);
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      opts.onOutput?.(d);
    });
    child.on('error', (err) => reject(new SubprocessError(argv, null, null, `${err.message}\n${stderr}`)));
    child.on('close', (code, signal) => {
      if (code === 0 || (opts.allowFailure && code !== null))
        resolve({ stdout, stderr, exitCode: code ?? -1 });
      else reject(new SubprocessError(argv, code, signal, stderr || stdout));
    });
    if (child.stdin) {
      // A child that exits without reading its input must not crash the harness with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** Runs argv and returns trimmed stdout. */
export async function output(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  return (await exec(argv, opts)).stdout.trim();
}
