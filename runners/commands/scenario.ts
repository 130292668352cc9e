import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadScenario } from '../../scenarios/load.ts';
import { expandPlan, nodelocalUnavailable, scenarioKubernetesVersions } from '../../scenarios/plan.ts';
import { scenarioSchema } from '../../scenarios/schema.ts';
import { hostFacts } from '../../infra/lab/host-facts.ts';
import { headroomUnit, stepValues, watchedSlos } from '../../scenarios/headroom-plan.ts';
import { backgroundPods } from '../churn/workload.ts';

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'Check a scenario file; report every problem with file:line:col, field path, expected and given',
    )
    .argument('<file>', 'scenario YAML')
    .action((file: string) => {
      const { scenario, hash } = loadScenario(file);
      process.stdout.write(`${file}: valid scenario "${scenario.name}" (sha256 ${hash.slice(0, 12)})\n`);
    });
}

export function planCommand(): Command {
  return new Command('plan')
    .description(
      'Print the runs a scenario expands to on this host, and the variants skipped with the reason',
    )
    .argument('<file>', 'scenario YAML')
    .action((file: string) => {
      const { scenario } = loadScenario(file);
      const plan = expandPlan(scenario, hostFacts(), { nodelocal: nodelocalUnavailable });
      const out: string[] = [
        `scenario "${scenario.name}": ${plan.runs.length} runs, ${plan.skipped.length} skipped`,
      ];
      out.push(
        `  cluster: ${scenario.cluster.fakeNodes} fake nodes, ${scenario.cluster.realNodes} real nodes; background ${scenario.background.services} Services × ${scenario.background.endpointsPerService} endpoints on ${backgroundPods(scenario.background)} kwok pods`,
      );
      out.push(`  kubernetes: ${scenarioKubernetesVersions(scenario).join(', ')}`);
      for (const r of plan.runs) out.push(`  run   ${r.id}`);
      for (const s of plan.skipped) out.push(`  skip  ${s.id}: ${s.reason}`);
      out.push(`  phases: ${scenario.phases.map((p) => p.name).join(' → ')}`);
      if (scenario.headroom) {
        const h = scenario.headroom;
        out.push(
          `  headroom: the phases per step at ${stepValues(h).join(', ')} ${headroomUnit(h.vary)}, until ${watchedSlos(scenario, h).join(' or ')} breaks`,
        );
      }
      out.push(`  measurements: ${scenario.measurements.map((m) => m.name).join(', ')}`);
      process.stdout.write(out.join('\n') + '\n');
    });
}

export function schemaCommand(): Command {
  return new Command('schema')
    .description('Print (or write) the JSON Schema of scenario files, for editors')
    .option('--out <file>', 'write it to this file')
    .action((opts: { out?: string }) => {
      const json =
        JSON.stringify(
          {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            title: 'scalelab scenario',
            ...scenarioSchema.jsonSchema(),
          },
          null,
          2,
        ) + '\n';
      if (opts.out) writeFileSync(opts.out, json);
      else process.stdout.write(json);
    });
}
