import { Command, CommanderError, Help } from 'commander';
import { UserError } from './errors.ts';
import { commandTable, environmentHelp, type CommandEntry } from './command-table.ts';

/**
 * Exit codes (docs/cli.md): 0 ok, 1 failure (named), 2 bad input (nothing started), 3 an SLO failed, 4 a
 * nightly regression, 5 not judged (no variant could be judged), 130 interrupted (also during `lab up`).
 *
 * Only the command being run is imported: `--help` lists the table's names and descriptions without loading any
 * command (their imports, @kubernetes/client-node above all, took seconds), and runners/cli.test.ts checks that
 * the table says what each loaded command says.
 */
const program = new Command('scalelab')
  .description('What happens to Kubernetes networking when the cluster gets big')
  .option('-V, --version', 'print scalelab’s version and git commit')
  .showHelpAfterError()
  .exitOverride()
  .addHelpText('after', `\n${environmentHelp}`);

const defaultHelp = new Help();
const stubs = new Map<string, CommandEntry>();
program.configureHelp({
  // A stub has no arguments of its own: the table's term ("validate [options] <file...>") stands in.
  subcommandTerm: (c) => stubs.get(c.name())?.term ?? defaultHelp.subcommandTerm(c),
});

const wanted = commandName(process.argv.slice(2));
for (const entry of commandTable) {
  if (entry.name === wanted) program.addCommand(await entry.load());
  else {
    stubs.set(entry.name, entry);
    program.addCommand(new Command(entry.name).description(entry.description));
  }
}

// Subcommands do not inherit exitOverride: without it a missing argument would exit 1, not 2 (bad input).
const overrideExits = (c: Command): void => {
  c.exitOverride();
  c.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  if (versionAsked(process.argv.slice(2))) await printVersion();
  else await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

/** `--version` anywhere before a command; commander's own handling cannot await the commit lookup. */
async function printVersion(): Promise<void> {
  const { scalelabVersion } = await import('./version.ts');
  const v = scalelabVersion();
  process.stdout.write(`scalelab ${v.version}, commit ${v.commit}\n`);
}

/** `scalelab --version` or `-V` before any command (a command's own options are its business). */
function versionAsked(args: readonly string[]): boolean {
  const word = args.findIndex((a) => !a.startsWith('-'));
  const before = word === -1 ? args : args.slice(0, word);
  return before.some((a) => a === '-V' || a === '--version');
}

/** The command the arguments name: the first that is not an option ("help X" names X). */
function commandName(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; unknown options and missing arguments are bad input.
    return err.exitCode === 0 ? 0 : 2;
  }
  // By name: importing scenarios/load.ts (yaml, the schema) for an instanceof would slow every start.
  if (err instanceof Error && err.name === 'ScenarioError' && 'problems' in err) {
    const problems = err.problems as readonly unknown[];
    process.stderr.write(`${err.message}\n${problems.length} problem(s); nothing was started\n`);
    return 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
    return 2;
  }
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 1;
}
