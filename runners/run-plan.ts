/**
 * A whole run, whatever the target: the results file (written after every step, so a run that stops part-way
 * keeps what it gathered), each planned variant on the host in turn (runners/run-variant.ts), the summary
 * table, and the exit code. runners/run.ts (the local lab) and runners/cluster/run-cluster.ts (a kubeconfig)
 * differ only in their checks before it and the host they hand it.
 */
import { join } from 'node:path';
import type { LoadedScenario } from '../scenarios/load.ts';
import type { PlannedLab } from '../scenarios/lab-groups.ts';
import type { Log } from './events.ts';
import { seededRandom } from './churn/pacers.ts';
import { ResultsWriter } from './results/writer.ts';
import { scalelabVersion } from './version.ts';
import {
  resultsSchemaVersion,
  type RunManifest,
  type RunResults,
  type VariantResult,
} from './results/schema.ts';
import { exitCodeOf } from './run-outcome.ts';
import { runLab } from './run-lab.ts';
import type { VariantHost } from './variant-host.ts';

/** What a target knows of itself before the run: the machine, versions, packages, variants it cannot run. */
export interface RunHead {
  readonly host: RunManifest['host'];
  readonly versions: Record<string, string>;
  readonly debianPackages: RunManifest['debianPackages'];
  readonly skipped: RunResults['skipped'];
}

export async function runPlan(
  loaded: LoadedScenario,
  outDir: string,
  head: RunHead,
  labs: readonly PlannedLab[],
  host: VariantHost,
  log: Log,
  signal: AbortSignal,
): Promise<{ exitCode: number; resultsPath: string }> {
  const { scenario } = loaded;
  const startedAt = new Date();
  const path = join(outDir, `${scenario.name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const writer = new ResultsWriter(path, {
    schema: resultsSchemaVersion,
    status: 'running',
    manifest: {
      scenario: { name: scenario.name, file: loaded.file, sha256: loaded.hash, text: loaded.text },
      seed: scenario.seed,
      startedAt: startedAt.toISOString(),
      host: head.host,
      versions: { ...head.versions },
      debianPackages: head.debianPackages,
      command: process.argv.slice(1).join(' '),
      scalelab: scalelabVersion(),
      overrides: loaded.overrides,
    },
    skipped: head.skipped,
    variants: [],
    errors: [],
  });
  for (const s of head.skipped) log({ kind: 'warn', message: `skipping ${s.id}: ${s.reason}` });
  log({ kind: 'info', message: `results: ${path}` });
  const random = seededRandom(scenario.seed);
  try {
    for (const [i, lab] of labs.entries()) {
      signal.throwIfAborted();
      const ids = lab.runs.map((r) => r.id).join(' + ');
      const step = `[${i + 1}/${labs.length}] ${lab.runs.length > 1 ? `variants ${ids} side by side` : `variant ${ids}`}`;
      log({ kind: 'step', step, status: 'start' });
      const vs = await runLab(scenario, lab, i + 1, host, writer, random, log, signal);
      const failed = vs.some((v) => v.status === 'failed');
      log({
        kind: 'step',
        step,
        status: failed ? 'fail' : 'done',
        detail: vs.map((v) => v.status).join(', '),
      });
    }
    // A variant stops itself on an interrupt; the run as a whole must still say it was interrupted.
    signal.throwIfAborted();
    writer.results.status = 'finished';
  } catch (err) {
    writer.results.status = signal.aborted ? 'interrupted' : 'failed';
    writer.results.errors.push(err instanceof Error ? err.message : String(err));
  } finally {
    writer.results.manifest.finishedAt = new Date().toISOString();
    writer.save();
    await host.closeRun(log);
  }
  log({ kind: 'summary', message: summaryTable(writer.results.variants) });
  return { exitCode: exitCodeOf(writer.results, signal.aborted), resultsPath: path };
}

export function summaryTable(vs: readonly VariantResult[]): string {
  const rows = vs.map((v) => {
    const get = (m: string, k: string) => {
      const x = v.measurements.find((r) => r.name === m)?.summary[k];
      return x === undefined || x === null ? '-' : String(x);
    };
    return [
      v.id,
      v.status,
      get('networkProgrammingLatency', 'kubeProxyP50Ms'),
      get('networkProgrammingLatency', 'probeAddP50Ms'),
      get('ruleSync', 'syncP50Ms'),
      get('ruleSync', 'rules'),
      get('controlPlane', 'apiMutatingP99Ms'),
    ];
  });
  const head = [
    'variant',
    'status',
    'kube-proxy p50 ms',
    'probe add p50 ms',
    'sync p50 ms',
    'rules',
    'api mut p99 ms',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n  ');
}
