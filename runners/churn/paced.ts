import { sleep } from '../../infra/lab/processes.ts';
import type { Log } from '../events.ts';

/**
 * Changes in flight at once, by default. A cap keeps a slow apiserver visible as a lower achieved rate
 * instead of an ever-growing queue in the harness; 64 covers 500/s at 128 ms per request (Little's law).
 */
export const defaultMaxInFlight = 64;

/** What a paced run of actions achieved; API errors are counted (by HTTP status), never hidden. */
export interface PacedResult {
  readonly done: number;
  readonly errors: number;
  /** Failed actions by HTTP status ("429", "409", …), or "other" when the request got no answer. */
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly firstErrors: readonly string[];
  readonly seconds: number;
}

export interface PacedOptions {
  readonly maxInFlight?: number;
  /** The progress line's name. */
  readonly step: string;
  readonly log: Log;
  readonly signal: AbortSignal;
}

/**
 * Starts act(i) at t0 + at[i] seconds (or as soon as a slot frees, if `maxInFlight` are still running), and
 * waits for them all. Open loop up to the cap: a slow answer does not delay the next start until the cap is hit.
 */
export async function runPaced(
  at: readonly number[],
  act: (i: number) => Promise<void>,
  { maxInFlight = defaultMaxInFlight, step, log, signal }: PacedOptions,
): Promise<PacedResult> {
  const t0 = performance.now();
  let done = 0;
  let errors = 0;
  const errorsByStatus: Record<string, number> = {};
  const firstErrors: string[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < at.length && !signal.aborted; i++) {
    const wait = t0 + at[i]! * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = act(i).then(
      () => void done++,
      (err: unknown) => {
        errors++;
        const status = httpStatus(err);
        errorsByStatus[status] = (errorsByStatus[status] ?? 0) + 1;
        if (firstErrors.length < 5)
          firstErrors.push(err instanceof Error ? err.message.split('\n')[0]! : String(err));
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    log({ kind: 'progress', step, done: i + 1, total: at.length });
  }
  await Promise.all(inFlight);
  return { done, errors, errorsByStatus, firstErrors, seconds: (performance.now() - t0) / 1000 };
}

/** The HTTP status of a failed API call (client-node's ApiException carries it as `code`). */
export function httpStatus(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? String(code) : 'other';
}
