import { Option } from 'commander';
import type { Verbosity } from '../events.ts';

/** --quiet and --verbose, shared by `run` and `lab up`; runners/events.ts's consoleLog applies them. */
export const verbosityOptions = (): Option[] => [
  new Option('-q, --quiet', 'print only warnings, failures and the summary').conflicts('verbose'),
  new Option('-v, --verbose', 'also print debug lines and every progress line'),
];

export const verbosityOf = (o: { quiet?: boolean; verbose?: boolean }): Verbosity =>
  o.quiet ? 'quiet' : o.verbose ? 'verbose' : 'normal';
