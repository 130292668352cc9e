/**
 * `scalelab run FILE`: every planned variant of the scenario on the local lab, one fresh lab per variant under
 * one name (runners/lab-host.ts), after checking that every variant's programs are built.
 */
import type { LoadedScenario } from '../scenarios/load.ts';
import { expandPlan, notBuiltForPlan, scenarioKubernetesVersions } from '../scenarios/plan.ts';
import { hostFacts, machineFacts } from '../infra/lab/host-facts.ts';
import { installedVersions } from '../infra/build/debian.ts';
import { requireKubernetesBuilt } from '../infra/build/build.ts';
import { versions } from '../infra/versions.ts';
import { UserError } from './errors.ts';
import type { Log } from './events.ts';
import { labHost } from './lab-host.ts';
import { runPlan } from './run-plan.ts';

/** Exit codes (docs/cli.md): 0 all judged passed, 1 a variant failed, 3 an SLO failed, 5 none judged, 130 interrupted. */
export async function runScenario(
  loaded: LoadedScenario,
  outDir: string,
  log: Log,
  signal: AbortSignal,
  labName = 'run',
): Promise<{ exitCode: number; resultsPath: string }> {
  const { scenario } = loaded;
  const host = hostFacts();
  const plan = expandPlan(scenario, host);
  requireKubernetesBuilt(scenarioKubernetesVersions(scenario));
  const notBuilt = notBuiltForPlan(plan);
  if (notBuilt.length)
    throw new UserError(`${loaded.file}: variants need what is not built yet:\n  ${notBuilt.join('\n  ')}`);
  const head = {
    host: { ...machineFacts(), ipvsMissing: host.ipvsMissing },
    versions: {},
    debianPackages: await installedVersions(versions.debian),
    skipped: plan.skipped,
  };
  return runPlan(loaded, outDir, head, plan.labs, labHost(scenario, labName), log, signal);
}
