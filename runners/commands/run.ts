import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadScenario } from '../../scenarios/load.ts';
import { runScenario } from '../run.ts';
import { consoleLog } from '../events.ts';
import { interruptSignal } from '../interrupt.ts';
import { labNamePattern } from '../../infra/lab/spec.ts';
import { UserError } from '../errors.ts';
import { labAgentImage } from '../cluster/target.ts';
import { runScenarioOnCluster } from '../cluster/run-cluster.ts';
import { printDryRun } from '../cluster/dry-run.ts';

interface RunOptions {
  out: string;
  lab: string;
  kubeconfig?: string;
  agentImage: string;
  workers: string;
  allowClusterWrites?: boolean;
  dryRun?: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run a scenario: every supported variant in turn, phases with progress, a results file, a summary',
    )
    .argument('<file>', 'scenario YAML')
    .option('--out <dir>', 'where the results file goes', 'results')
    .option('--lab <name>', 'name of the lab the run brings up (one variant at a time)', 'run')
    .option(
      '--kubeconfig <path>',
      'run against the existing cluster of this kubeconfig instead of a lab (docs/kubeconfig.md)',
    )
    .option('--agent-image <image>', "with --kubeconfig: the traffic agent's image", labAgentImage)
    .option('--workers <n>', 'with --kubeconfig: traffic Job workers sharing the load', '1')
    .option(
      '--allow-cluster-writes',
      "with --kubeconfig: allow writes outside the run's namespace (a CoreDNS rollout in kube-system)",
    )
    .option('--dry-run', 'with --kubeconfig: print every object the run would create (YAML), create nothing')
    .action(async (file: string, opts: RunOptions) => {
      if (!labNamePattern.test(opts.lab))
        throw new UserError(`--lab: expected a lab name (lowercase letters, digits, "-"), got "${opts.lab}"`);
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64)
        throw new UserError(`--workers: expected a whole number from 1 to 64, got "${opts.workers}"`);
      if (!opts.kubeconfig && (opts.dryRun || opts.allowClusterWrites || opts.agentImage !== labAgentImage))
        throw new UserError('--dry-run, --agent-image and --allow-cluster-writes go with --kubeconfig');
      if (opts.kubeconfig && !existsSync(opts.kubeconfig))
        throw new UserError(`--kubeconfig: no such file: ${opts.kubeconfig}`);
      const loaded = loadScenario(file);
      if (opts.kubeconfig) {
        const cluster = {
          kubeconfig: opts.kubeconfig,
          agentImage: opts.agentImage,
          workers,
          allowClusterWrites: Boolean(opts.allowClusterWrites),
        };
        if (opts.dryRun) return printDryRun(loaded.scenario, cluster);
        const { exitCode, resultsPath } = await runScenarioOnCluster(
          loaded,
          opts.out,
          cluster,
          consoleLog(),
          interruptSignal(),
        );
        process.stderr.write(`results: ${resultsPath}\n`);
        process.exitCode = exitCode;
        return;
      }
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
