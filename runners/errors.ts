/** Something the user can fix: bad input, a missing prerequisite. Exit code 2 when nothing started. */
export class UserError extends Error {
  /** How to fix it, printed under the message. */
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

/** A subprocess that failed: quotes its argv, exit code or signal, and the last lines of stderr. */
export class SubprocessError extends Error {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  constructor(argv: readonly string[], exitCode: number | null, signal: string | null, stderr: string) {
    const tail = stderr.trim().split('\n').slice(-12).join('\n');
    const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
    super(`command failed (${how}): ${argv.join(' ')}${tail ? `\n${tail}` : ''}`);
    this.name = 'SubprocessError';
    this.argv = argv;
    this.exitCode = exitCode;
  }
}

/** A component or step that failed, named, with its cause. */
export class StepError extends Error {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StepError';
    this.step = step;
  }
}
