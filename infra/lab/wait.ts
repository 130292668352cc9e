import { readFileSync } from 'node:fs';
import type { StartedProcess } from './processes.ts';
import { sleep } from './processes.ts';

/**
 * Polls check() until it returns true; fails early, quoting the log, if one of the watched daemons exits,
 * and after timeoutMs with the last error check() threw.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; signal: AbortSignal; watch?: readonly StartedProcess[]; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = '';
  for (;;) {
    for (const p of opts.watch ?? []) {
      if (p.exit) {
        throw new Error(
          `${p.record.name} exited (${p.exit.signal ?? `code ${p.exit.code}`}) while waiting for ${what}; its log ${p.record.log} ends:\n${logTail(p.record.log)}`,
        );
      }
    }
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (opts.signal.aborted) throw opts.signal.reason;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs / 1000} s waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
      );
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
