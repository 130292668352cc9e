/** What the harness reports while it works; one formatter per kind (see formatEvent). */
export type LogEvent =
  | {
      kind: 'step';
      step: string;
      status: 'start' | 'done' | 'skip' | 'fail';
      seconds?: number;
      detail?: string;
    }
  | { kind: 'progress'; step: string; done: number; total: number; detail?: string }
  | { kind: 'info'; message: string }
  | { kind: 'warn'; message: string };

export type Log = (event: LogEvent) => void;

export function formatEvent(e: LogEvent): string {
  switch (e.kind) {
    case 'step': {
      const secs = e.seconds === undefined ? '' : ` (${e.seconds.toFixed(1)} s)`;
      const detail = e.detail ? `: ${e.detail}` : '';
      const mark = { start: '…', done: '✓', skip: '-', fail: '✗' }[e.status];
      return `${mark} ${e.step}${e.status === 'start' ? '' : ' ' + e.status}${secs}${detail}`;
    }
    case 'progress':
      return `  ${e.step}: ${e.done}/${e.total}${e.detail ? ` ${e.detail}` : ''}`;
    case 'info':
      return `  ${e.message}`;
    case 'warn':
      return `! ${e.message}`;
  }
}

/** Prints events to stderr, one line each (CI-friendly); progress lines are throttled to one a second. */
export function consoleLog(): Log {
  let lastProgress = 0;
  return (e) => {
    if (e.kind === 'progress' && e.done < e.total) {
      const now = Date.now();
      if (now - lastProgress < 1000) return;
      lastProgress = now;
    }
    process.stderr.write(formatEvent(e) + '\n');
  };
}

/** Runs fn as a named step, logging its start, its duration and its failure; returns fn's value and seconds. */
export async function timedStep<T>(
  log: Log,
  step: string,
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  log({ kind: 'step', step, status: 'start' });
  try {
    const value = await fn();
    const seconds = (performance.now() - t0) / 1000;
    log({ kind: 'step', step, status: 'done', seconds });
    return { value, seconds };
  } catch (err) {
    log({ kind: 'step', step, status: 'fail', seconds: (performance.now() - t0) / 1000 });
    throw err;
  }
}

/** A logger that drops everything (tests). */
export const silentLog: Log = () => {};
