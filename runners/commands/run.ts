import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { loadScenario } from '../../scenarios/load.ts';
import { parseOverrides } from '../../scenarios/overrides.ts';
import { runScenario } from '../run.ts';
import { consoleLog } from '../events.ts';
import { verbosityOf, verbosityOptions } from './verbosity.ts';
import { interruptSignal } from '../interrupt.ts';
import { labNamePattern } from '../../infra/lab/spec.ts';
import { UserError } from '../errors.ts';
import { defaultAgentImage } from '../cluster/target.ts';
import { runScenarioOnCluster } from '../cluster/run-cluster.ts';
import { printDryRun } from '../cluster/dry-run.ts';
import { readResults } from '../../reports/read-results.ts';
import { junitXml } from '../../reports/junit.ts';
import { plannedPhaseSeconds } from '../progress.ts';
import { setOption } from './scenario.ts';

interface RunOptions {
  out: string;
  lab: string;
  /** true: `--kubeconfig` without a path, which means $KUBECONFIG. */
  kubeconfig?: string | true;
  agentImage: string;
  workers: string;
  allowClusterWrites?: boolean;
  dryRun?: boolean;
  set: string[];
  junit?: string;
  quiet?: boolean;
  verbose?: boolean;
}

export function runCommand(): Command {
  const cmd = new Command('run')
    .description(
      'Run a scenario: every supported variant in turn, phases with progress (time-stamped, with what is left), a results file, a summary on stdout',
    )
    .argument('<file>', 'scenario YAML')
    .option('--out <dir>', 'where the results file goes', 'results')
    .option('--lab <name>', 'name of the lab the run brings up (one variant at a time)', 'run')
    .addOption(setOption())
    .option('--junit <file>', 'also write JUnit XML of the run here (as `report` writes it), for CI')
    .option(
      '--kubeconfig [path]',
      'run against the existing cluster of this kubeconfig instead of a lab; without a path, $KUBECONFIG (docs/kubeconfig.md)',
    )
    .option(
      '--agent-image <image>',
      "with --kubeconfig: the traffic agent's image (default: $SCALELAB_REGISTRY/scalelab/agent:<version>)",
      defaultAgentImage(),
    )
    .option('--workers <n>', 'with --kubeconfig: traffic Job workers sharing the load', '1')
    .option(
      '--allow-cluster-writes',
      "with --kubeconfig: allow writes outside the run's namespace (a CoreDNS rollout in kube-system)",
    )
    .option('--dry-run', 'with --kubeconfig: print every object the run would create (YAML), create nothing');
  for (const o of verbosityOptions()) cmd.addOption(o);
  return cmd.action(async (file: string, opts: RunOptions) => {
    if (!labNamePattern.test(opts.lab))
      throw new UserError(`--lab: expected a lab name (lowercase letters, digits, "-"), got "${opts.lab}"`);
    const workers = Number(opts.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      throw new UserError(`--workers: expected a whole number from 1 to 64, got "${opts.workers}"`);
    const kubeconfig = kubeconfigOf(opts.kubeconfig);
    if (!kubeconfig && (opts.dryRun || opts.allowClusterWrites || opts.agentImage !== defaultAgentImage()))
      throw new UserError('--dry-run, --agent-image and --allow-cluster-writes go with --kubeconfig');
    if (kubeconfig && !existsSync(kubeconfig))
      throw new UserError(`--kubeconfig: no such file: ${kubeconfig}`);
    if (opts.junit && opts.dryRun) throw new UserError('--junit: a --dry-run writes no results to judge');
    if (opts.junit && existsSync(opts.junit) && statSync(opts.junit).isDirectory())
      throw new UserError(
        `--junit: ${opts.junit} is a directory; expected a file path, e.g. results/junit.xml`,
      );
    const loaded = loadScenario(file, undefined, parseOverrides(opts.set));
    const log = consoleLog({
      verbosity: verbosityOf(opts),
      plannedPhaseSeconds: plannedPhaseSeconds(loaded.scenario),
    });
    log({
      kind: 'debug',
      message: `the plan: at least ${plannedPhaseSeconds(loaded.scenario).toFixed(0)} s of phases per variant (runners/progress.ts)`,
    });
    if (loaded.overrides.length)
      log({ kind: 'info', message: `overrides: ${loaded.overrides.map((o) => `--set ${o}`).join(' ')}` });
    if (!kubeconfig && process.env.KUBECONFIG)
      log({
        kind: 'info',
        message: 'KUBECONFIG is set, but this is a lab run; `--kubeconfig` (no path) would use it',
      });
    let outcome: { exitCode: number; resultsPath: string };
    if (kubeconfig) {
      const cluster = {
        kubeconfig,
        agentImage: opts.agentImage,
        workers,
        allowClusterWrites: Boolean(opts.allowClusterWrites),
      };
      if (opts.dryRun) return printDryRun(loaded.scenario, cluster);
      outcome = await runScenarioOnCluster(loaded, opts.out, cluster, log, interruptSignal());
    } else outcome = await runScenario(loaded, opts.out, log, interruptSignal(), opts.lab);
    process.stdout.write(`results: ${outcome.resultsPath}\n`);
    if (opts.junit) {
      mkdirSync(dirname(opts.junit), { recursive: true });
      writeFileSync(opts.junit, junitXml([readResults(outcome.resultsPath)]));
      process.stdout.write(`junit: ${opts.junit}\n`);
    }
    process.exitCode = outcome.exitCode;
  });
}

/**
 * The kubeconfig of a cluster run: the path given, or $KUBECONFIG for a bare `--kubeconfig`. KUBECONFIG alone
 * never turns a lab run into a cluster run (a CI machine with KUBECONFIG set must not churn a real cluster).
 */
export function kubeconfigOf(
  option: string | true | undefined,
  env = process.env.KUBECONFIG,
): string | undefined {
  if (option !== true) return option;
  if (!env)
    throw new UserError(
      '--kubeconfig: no path given and KUBECONFIG is not set',
      'give a path: --kubeconfig ~/.kube/config',
    );
  if (env.includes(':'))
    throw new UserError(
      `--kubeconfig: KUBECONFIG lists several files (${env}); give one path: --kubeconfig PATH`,
    );
  return env;
}
