import { Command } from 'commander';
import { loadScenario } from '../../scenarios/load.ts';
import { runScenario } from '../run.ts';
import { consoleLog } from '../events.ts';
import { interruptSignal } from '../interrupt.ts';
import { labNamePattern } from '../../infra/lab/spec.ts';
import { UserError } from '../errors.ts';

export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run a scenario: every supported variant in turn, phases with progress, a results file, a summary',
    )
    .argument('<file>', 'scenario YAML')
    .option('--out <dir>', 'where the results file goes', 'results')
    .option('--lab <name>', 'name of the lab the run brings up (one variant at a time)', 'run')
    .action(async (file: string, opts: { out: string; lab: string }) => {
      if (!labNamePattern.test(opts.lab))
        throw new UserError(`--lab: expected a lab name (lowercase letters, digits, "-"), got "${opts.lab}"`);
      const loaded = loadScenario(file);
      const { exitCode, resultsPath } = await runScenario(
        loaded,
        opts.out,
        consoleLog(),
        interruptSignal(),
        opts.lab,
      );
      process.stderr.write(`results: ${resultsPath}\n`);
      process.exitCode = exitCode;
    });
}
