import { Command, CommanderError } from 'commander';
import { UserError } from './errors.ts';
import { buildCommand } from './commands/build.ts';
import { labCommand } from './commands/lab.ts';
import { planCommand, schemaCommand, validateCommand } from './commands/scenario.ts';
import { ScenarioError } from '../scenarios/load.ts';
import { runCommand } from './commands/run.ts';
import { reportCommand } from './commands/report.ts';
import { siteCommand } from './commands/site.ts';
import { nightlyCommand } from './commands/nightly.ts';

/** Exit codes (docs/cli.md): 0 ok, 1 failure (named), 2 bad input (nothing started), 130 interrupted. */
const program = new Command('scalelab')
  .description('What happens to Kubernetes networking when the cluster gets big')
  .showHelpAfterError()
  .exitOverride()
  .addCommand(buildCommand())
  .addCommand(labCommand())
  .addCommand(validateCommand())
  .addCommand(planCommand())
  .addCommand(schemaCommand())
  .addCommand(runCommand())
  .addCommand(reportCommand())
  .addCommand(siteCommand())
  .addCommand(nightlyCommand());

// Subcommands do not inherit exitOverride: without it a missing argument would exit 1, not 2 (bad input).
const overrideExits = (c: Command): void => {
  c.exitOverride();
  c.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; unknown options and missing arguments are bad input.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof ScenarioError) {
    process.stderr.write(`${err.message}\n${err.problems.length} problem(s); nothing was started\n`);
    return 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
    return 2;
  }
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
