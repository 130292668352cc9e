import { remainingEstimate } from './remaining.ts';

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
  | { kind: 'warn'; message: string }
  /** Shown only with --verbose. */
  | { kind: 'debug'; message: string }
  /** The answer of a command (a run's summary table): stdout, shown even with --quiet. */
  | { kind: 'summary'; message: string };

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
    case 'summary':
      return `  ${e.message}`;
    case 'warn':
      return `! ${e.message}`;
    case 'debug':
      return `  debug: ${e.message}`;
  }
}

/** quiet: warnings, failures and the summary; verbose: also debug lines and every progress line. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface ConsoleLogOptions {
  readonly verbosity?: Verbosity;
  /** The clock lines are stamped against (ms since the epoch); default: now. */
  readonly startedAt?: number;
  /** plannedPhaseSeconds of the run's scenario (runners/remaining.ts): turns on estimates of what is left. */
  readonly plannedPhaseSeconds?: number;
  /** Where lines go (tests); default stderr, and stdout for summaries. */
  readonly write?: (line: string, stream: 'stderr' | 'stdout') => void;
  /** Date.now, replaceable in tests. */
  readonly now?: () => number;
}

/**
 * Prints events one line each (CI-friendly), stamped with the UTC time and the elapsed time since start:
 * `14:05:12 +3:02 ✓ phase ramp done (63.2 s)`. A step that ends without its own duration gets the time since
 * its start. Steps named "[i/N] …" are a run's variants: after each, and after each phase, a line says about how
 * much is left (runners/remaining.ts). Progress counters are throttled to one a second (not with verbose).
 */
export function consoleLog(opts: ConsoleLogOptions = {}): Log {
  const now = opts.now ?? Date.now;
  const t0 = opts.startedAt ?? now();
  const verbosity = opts.verbosity ?? 'normal';
  const write =
    opts.write ??
    ((line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(line + '\n'));
  const started = new Map<string, number>();
  const variants = { total: 0, finished: [] as number[], current: undefined as number | undefined };
  let lastProgress = 0;
  const stamp = (line: string) => `${clock(now())} +${elapsed(now() - t0)} ${line}`;
  const estimate = () => {
    // Only a run gives the plan; other "[i/N]" steps (the build's components) are not variants.
    if (variants.total === 0 || opts.plannedPhaseSeconds === undefined) return;
    const line = remainingEstimate({
      variants: variants.total,
      finished: variants.finished,
      currentSeconds: variants.current === undefined ? 0 : (now() - variants.current) / 1000,
      plannedPhaseSeconds: opts.plannedPhaseSeconds,
    });
    if (line && verbosity !== 'quiet') write(stamp(`  ${line}`), 'stderr');
  };
  return (e) => {
    if (e.kind === 'summary') return write(formatEvent(e), 'stdout');
    if (e.kind === 'step') e = withElapsed(e, started, now());
    if (!shown(e, verbosity)) return;
    if (e.kind === 'progress' && e.done < e.total && verbosity !== 'verbose') {
      const t = now();
      if (t - lastProgress < 1000) return;
      lastProgress = t;
    }
    write(stamp(formatEvent(e)), 'stderr');
    if (e.kind !== 'step' || e.status === 'start') return;
    const variant = /^\[(\d+)\/(\d+)\] /.exec(e.step);
    if (variant) {
      variants.total = Number(variant[2]);
      variants.finished.push(e.seconds ?? 0);
      variants.current = undefined;
      estimate();
    } else if (e.step.startsWith('phase ')) estimate();
  };

  function withElapsed(e: Extract<LogEvent, { kind: 'step' }>, at: Map<string, number>, t: number) {
    if (e.status === 'start') {
      at.set(e.step, t);
      const variant = /^\[(\d+)\/(\d+)\] /.exec(e.step);
      if (variant) {
        variants.total = Number(variant[2]);
        variants.current = t;
      }
      return e;
    }
    const began = at.get(e.step);
    at.delete(e.step);
    return e.seconds === undefined && began !== undefined ? { ...e, seconds: (t - began) / 1000 } : e;
  }
}

function shown(e: LogEvent, v: Verbosity): boolean {
  if (e.kind === 'debug') return v === 'verbose';
  if (v !== 'quiet') return true;
  return e.kind === 'warn' || (e.kind === 'step' && e.status === 'fail');
}

/** 14:05:12 (UTC, like the results' times). */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** 3:02, 1:03:02. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
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
