import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { formatProblem, loadScenario, ScenarioError, type LoadedScenario } from '../../scenarios/load.ts';
import type { ScenarioProblem } from '../../scenarios/load.ts';
import { parseOverrides, type Override } from '../../scenarios/overrides.ts';
import { expandPlan, notBuiltForPlan, scenarioKubernetesVersions } from '../../scenarios/plan.ts';
import { scenarioSchema } from '../../scenarios/schema.ts';
import { hostFacts } from '../../infra/lab/host-facts.ts';
import { headroomUnit, stepValues, watchedSlos } from '../../scenarios/headroom-plan.ts';
import { UserError } from '../errors.ts';
import { plannedPhaseSeconds } from '../progress.ts';
import { minutes } from '../remaining.ts';
import { sharedTargetNode } from '../../scenarios/lab-groups.ts';

/** `--set path=value`, repeatable (scenarios/overrides.ts); shared by validate, plan and run. */
export const setOption = () =>
  new Option(
    '--set <path=value>',
    'override a scenario value before validation, e.g. cluster.fakeNodes=200 or phases[0].churn[0].count=50 (repeatable)',
  )
    .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .default([] as string[], 'none');

/** Each file loaded with the overrides, or its problems: one bad file does not hide the next one's. */
function loadEach(
  files: readonly string[],
  overrides: readonly Override[],
): { file: string; loaded?: LoadedScenario; problems: ScenarioProblem[] }[] {
  return files.map((file) => {
    try {
      return { file, loaded: loadScenario(file, undefined, overrides), problems: [] };
    } catch (err) {
      if (err instanceof ScenarioError) return { file, problems: [...err.problems] };
      // A --set whose path does not fit this file: located at the file, named by the --set.
      if (err instanceof UserError)
        return { file, problems: [{ file, line: 1, col: 1, path: '', message: err.message }] };
      throw err;
    }
  });
}

/** Prints every problem of every file to stderr; exit 2 when there was any (nothing else to do then). */
function reportProblems(all: ReturnType<typeof loadEach>, json: boolean): boolean {
  const bad = all.filter((r) => r.problems.length);
  if (!bad.length) return false;
  if (!json)
    for (const r of bad)
      process.stderr.write(
        `${r.problems.map(formatProblem).join('\n')}\n${r.file}: ${r.problems.length} problem(s)\n`,
      );
  process.stderr.write(`${bad.length} of ${all.length} file(s) have problems\n`);
  process.exitCode = 2;
  return true;
}

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check scenario files (every one, every problem): file:line:col, field path, expected and given; exit 2 if any is bad',
    )
    .argument('<files...>', 'scenario YAML files')
    .addOption(setOption())
    .option('--json', 'print one JSON object per file: file, valid, name, sha256, problems')
    .action((files: string[], opts: { set: string[]; json?: boolean }) => {
      const all = loadEach(files, parseOverrides(opts.set));
      if (opts.json)
        process.stdout.write(
          JSON.stringify(
            all.map((r) => ({
              file: r.file,
              valid: r.problems.length === 0,
              name: r.loaded?.scenario.name,
              sha256: r.loaded?.hash,
              overrides: r.loaded?.overrides,
              problems: r.problems,
            })),
            null,
            2,
          ) + '\n',
        );
      else
        for (const r of all)
          if (r.loaded)
            process.stdout.write(
              `${r.file}: valid scenario "${r.loaded.scenario.name}" (sha256 ${r.loaded.hash.slice(0, 12)})${r.loaded.overrides.length ? ` with ${r.loaded.overrides.map((o) => `--set ${o}`).join(' ')}` : ''}\n`,
            );
      reportProblems(all, Boolean(opts.json));
    });
}

export function planCommand(): Command {
  return new Command('plan')
    .description(
      'Print the runs scenarios expand to on this host, and the variants skipped with the reason; exit 2 if a file is bad',
    )
    .argument('<files...>', 'scenario YAML files')
    .addOption(setOption())
    .option('--json', 'print one JSON object per file: runs, skipped, phases, planned seconds')
    .action(async (files: string[], opts: { set: string[]; json?: boolean }) => {
      const all = loadEach(files, parseOverrides(opts.set));
      if (reportProblems(all, false)) return;
      // Loaded here, not at the top: it brings @kubernetes/client-node, which `validate` does not need.
      const { backgroundPods } = await import('../churn/workload.ts');
      const host = hostFacts();
      const plans = all.map((r) => planOf(r.loaded!, host, backgroundPods));
      if (opts.json)
        process.stdout.write(
          JSON.stringify(
            plans.map((p) => p.json),
            null,
            2,
          ) + '\n',
        );
      else process.stdout.write(plans.map((p) => p.text).join('\n') + '\n');
    });
}

function planOf(
  loaded: LoadedScenario,
  host: ReturnType<typeof hostFacts>,
  backgroundPods: (b: LoadedScenario['scenario']['background']) => number,
) {
  const { scenario } = loaded;
  const plan = expandPlan(scenario, host);
  const phaseSeconds = plannedPhaseSeconds(scenario);
  const out: string[] = [
    `scenario "${scenario.name}" (${loaded.file}): ${plan.runs.length} runs, ${plan.skipped.length} skipped`,
  ];
  if (loaded.overrides.length)
    out.push(`  overrides: ${loaded.overrides.map((o) => `--set ${o}`).join(' ')}`);
  out.push(
    `  cluster: ${scenario.cluster.fakeNodes} fake nodes, ${scenario.cluster.realNodes} real nodes; background ${scenario.background.services} Services × ${scenario.background.endpointsPerService} endpoints on ${backgroundPods(scenario.background)} kwok pods`,
  );
  out.push(`  kubernetes: ${scenarioKubernetesVersions(scenario).join(', ')}`);
  if (scenario.variants.sideBySide)
    plan.labs.forEach((lab, i) => {
      out.push(`  lab ${i + 1}: ${lab.why}`);
      lab.runs.forEach((r, k) => {
        const first = k * lab.nodesPerVariant + 1;
        const last = first + lab.nodesPerVariant - 1;
        const targetNode = sharedTargetNode(lab);
        const targets = targetNode ? `real node ${first}, targets on shared node ${targetNode}` : '';
        out.push(`    run   ${r.id} (${targetNode ? targets : `real nodes ${first}–${last}`})`);
      });
    });
  else for (const r of plan.runs) out.push(`  run   ${r.id}`);
  for (const s of plan.skipped) out.push(`  skip  ${s.id}: ${s.reason}`);
  const notBuilt = notBuiltForPlan(plan);
  for (const n of notBuilt) out.push(`  build ${n} (run refuses until then)`);
  out.push(
    `  phases: ${scenario.phases.map((p) => (p.repeat > 1 ? `${p.name} ×${p.repeat}` : p.name)).join(' → ')} (at least ${minutes(phaseSeconds)} per run by their paces and holds)`,
  );
  if (scenario.headroom) {
    const h = scenario.headroom;
    out.push(
      `  headroom: the phases per step at ${stepValues(h).join(', ')} ${headroomUnit(h.vary)}, until ${watchedSlos(scenario, h).join(' or ')} breaks`,
    );
  }
  out.push(`  measurements: ${scenario.measurements.map((m) => m.name).join(', ')}`);
  const json = {
    file: loaded.file,
    scenario: scenario.name,
    sha256: loaded.hash,
    overrides: loaded.overrides,
    kubernetes: scenarioKubernetesVersions(scenario),
    runs: plan.runs,
    labs: plan.labs.map((l) => ({
      runs: l.runs.map((r) => r.id),
      nodesPerVariant: l.nodesPerVariant,
      sharedTargetNode: sharedTargetNode(l) ?? null,
      why: l.why,
    })),
    skipped: plan.skipped,
    phases: scenario.phases.map((p) => p.name),
    plannedPhaseSecondsPerRun: phaseSeconds,
    measurements: scenario.measurements.map((m) => m.name),
  };
  return { text: out.join('\n'), json };
}

export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print (or write) the JSON Schema of scenario files (or, with --results, of results files)')
    .option('--out <file>', 'write it to this file')
    .option('--results', 'the results files of `scalelab run` instead (runners/results/results.schema.json)')
    .action(async (opts: { out?: string; results?: boolean }) => {
      const [title, schema] = opts.results
        ? ['scalelab results', (await import('../results/definition.ts')).runResultsSchema]
        : ['scalelab scenario', scenarioSchema];
      const json =
        JSON.stringify(
          { $schema: 'https://json-schema.org/draft/2020-12/schema', title, ...schema.jsonSchema() },
          null,
          2,
        ) + '\n';
      if (opts.out) writeFileSync(opts.out, json);
      else process.stdout.write(json);
    });
}
