import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Command } from 'commander';
import { loadScenario } from '../../scenarios/load.ts';
import { readResults } from '../../reports/read-results.ts';
import { labNamePattern } from '../../infra/lab/spec.ts';
import { UserError } from '../errors.ts';
import { nightlyExitCodes, nightlyOrder, nightlyVerdict, type NightlyStatus } from '../nightly-verdict.ts';

interface NightlyOptions {
  results: string;
  out: string;
  lab: string;
}

/** The file naming, per scenario, the last run whose night ended in "ok": tomorrow's baseline. */
const lastGoodFile = 'last-good.json';

/**
 * The nightly recipe (docs/nightly.md): each scenario of a directory is run, reported against the last good
 * run of that scenario, and judged (runners/nightly-verdict.ts); then the site is rebuilt. The steps are the
 * same `scalelab run | report | site` a person would type, run as child processes, so their output and
 * failures read as usual. Only an "ok" night becomes the baseline: a regressed, failed, SLO-failed or not
 * judged (an invalid variant) run never does, so a regression keeps failing the nightly until it is fixed
 * rather than becoming the new normal, and a broken lab cannot make itself the norm.
 */
export function nightlyCommand(): Command {
  return new Command('nightly')
    .description(
      'Run every scenario of a directory, compare each with its last good run, rebuild the site; exit 4 on a regression, 5 when not judged',
    )
    .argument('[dir]', 'directory of scenario files', 'scenarios/nightly')
    .option(
      '--results <dir>',
      'where results files and last-good.json are kept from night to night',
      'nightly/results',
    )
    .option(
      '--out <dir>',
      'where the site (index.html) and each scenario’s baseline report go',
      'nightly/site',
    )
    .option('--lab <name>', 'name of the lab the runs bring up', 'nightly')
    .action(async (dir: string, opts: NightlyOptions) => {
      if (!labNamePattern.test(opts.lab))
        throw new UserError(`--lab: expected a lab name (lowercase letters, digits, "-"), got "${opts.lab}"`);
      let names: string[];
      try {
        names = readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort();
      } catch (err) {
        throw new UserError(`${dir}: cannot read the directory (${(err as NodeJS.ErrnoException).code})`);
      }
      if (names.length === 0) throw new UserError(`${dir}: no scenario files (*.yaml)`);
      // Every scenario is validated before the first starts: a typo must not surface after an hour of runs.
      const scenarios = names.map((f) => loadScenario(join(dir, f)));
      forwardInterrupts();
      const results = resolve(opts.results);
      const out = resolve(opts.out);
      mkdirSync(results, { recursive: true });
      const good = readLastGood(results);
      const statuses: NightlyStatus[] = [];
      for (const { scenario, file } of scenarios) {
        const before = new Set(readdirSync(results));
        const code = await scalelab(['run', file, '--out', results, '--lab', opts.lab]);
        if (code === 130 || interrupted) {
          process.exitCode = 130;
          return;
        }
        const made = readdirSync(results).filter(
          (f) => !before.has(f) && f.startsWith(`${scenario.name}-`) && f.endsWith('.json'),
        );
        if (made.length !== 1) {
          report(scenario.name, 'failed', [`scalelab run exited ${code} without a results file`]);
          statuses.push('failed');
          continue;
        }
        const current = join(results, made[0]!);
        const baseline = good[scenario.name] && existsSync(join(results, good[scenario.name]!));
        const reportArgs = ['report', current, '--out', join(out, 'baseline', scenario.name)];
        if (baseline) reportArgs.push('--baseline', join(results, good[scenario.name]!));
        const verdict = nightlyVerdict(
          [readResults(current)],
          baseline ? [readResults(join(results, good[scenario.name]!))] : [],
        );
        const reported = await scalelab(reportArgs);
        const status = reported === 0 ? verdict.status : 'failed';
        if (reported !== 0) verdict.lines.push(`scalelab report exited ${reported}`);
        report(scenario.name, status, [
          `results ${basename(current)}; baseline ${baseline ? good[scenario.name] : 'none'}`,
          ...verdict.lines,
        ]);
        statuses.push(status);
        if (status === 'ok') good[scenario.name] = basename(current);
      }
      writeFileSync(join(results, lastGoodFile), `${JSON.stringify(good, null, 2)}\n`);
      if ((await scalelab(['site', results, '--out', out])) !== 0) statuses.push('failed');
      if (interrupted) {
        process.exitCode = 130;
        return;
      }
      const worst = nightlyOrder.find((s) => statuses.includes(s));
      process.stdout.write(`nightly: ${worst ?? 'ok'}; site ${join(out, 'index.html')}\n`);
      process.exitCode = nightlyExitCodes[worst ?? 'ok'];
    });
}

let current: ChildProcess | undefined;
let interrupted = false;
/**
 * Installed when the night starts. The child runs in its own process group, so a terminal's Ctrl-C reaches it
 * once, forwarded from here: twice (the group's and a forwarded one) would cut short its cleanup, and a CI
 * runner's SIGTERM to this process alone would otherwise leave the child's lab running.
 */
function forwardInterrupts(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      interrupted = true;
      process.exitCode = 130;
      current?.kill(sig);
    });
}

/** Runs a scalelab subcommand as a child with this process's terminal; its exit code (130 if interrupted). */
async function scalelab(args: string[]): Promise<number> {
  if (interrupted) return 130;
  const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: 'inherit', detached: true });
  current = child;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  current = undefined;
  if (signal === 'SIGINT' || signal === 'SIGTERM' || interrupted) return 130;
  return code ?? 1;
}

function readLastGood(dir: string): Record<string, string> {
  const path = join(dir, lastGoodFile);
  if (!existsSync(path)) return {};
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UserError(`${path}: expected an object of scenario name → results file name`);
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function report(name: string, status: NightlyStatus, lines: string[]): void {
  process.stdout.write(
    `nightly ${name}: ${status} (exit ${nightlyExitCodes[status]})\n${lines.map((l) => `  ${l}\n`).join('')}`,
  );
}
