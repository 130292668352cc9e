/**
 * The end of the page: how each figure was measured (the measurement headers travel with the results) and
 * each run's manifest, so a reader can reproduce the run or see why two runs differ.
 */
import type { RunResults } from '../runners/results/schema.ts';
import { formatTime } from './format.ts';
import type { ScenarioGroup } from './groups.ts';
import { measurementTitles } from './key-figures.ts';

export interface MeasurementMethod {
  readonly name: string;
  readonly title: string;
  readonly definition: string;
  readonly source: string;
  readonly units: string;
}

/** Each measurement's header, from the first variant run that has it. */
export function methods(scenarios: readonly ScenarioGroup[]): MeasurementMethod[] {
  const seen = new Map<string, MeasurementMethod>();
  for (const s of scenarios)
    for (const g of s.variants)
      for (const r of g.reps)
        for (const m of r.result.measurements)
          if (!seen.has(m.name))
            seen.set(m.name, {
              name: m.name,
              title: measurementTitles[m.name] ?? m.name,
              definition: String(m.definition ?? ''),
              source: String(m.source ?? ''),
              units: String(m.units ?? ''),
            });
  return [...seen.values()];
}

export interface ManifestView {
  readonly title: string;
  readonly facts: [string, string][];
  readonly host: [string, string][];
  readonly versions: [string, string][];
  readonly debianPackages: [string, string][];
  readonly scenarioText: string;
  readonly errors: string[];
  readonly skipped: [string, string][];
}

export function manifestView(run: RunResults): ManifestView {
  const m = run.manifest;
  const pairs = (o: Record<string, unknown> | undefined): [string, string][] =>
    Object.entries(o ?? {}).map(([k, v]) => [k, v === undefined || v === null ? 'not installed' : String(v)]);
  return {
    title: `${m.scenario.name}, started ${formatTime(m.startedAt)}`,
    facts: [
      ['scenario', m.scenario.name],
      ['scenario file', String(m.scenario.file ?? '')],
      ['scenario sha256', String(m.scenario.sha256 ?? '')],
      ['seed', String(m.seed ?? '')],
      ['started', m.startedAt],
      ['finished', m.finishedAt ?? 'did not finish'],
      ['run status', run.status],
      ['command', String(m.command ?? '')],
      ['scalelab', m.scalelab ? `${m.scalelab.version}, commit ${m.scalelab.commit}` : 'not recorded'],
      ['overrides (--set)', m.overrides?.length ? m.overrides.join(' ') : 'none'],
    ],
    host: pairs(m.host as unknown as Record<string, unknown>),
    versions: pairs(m.versions),
    debianPackages: pairs(m.debianPackages),
    scenarioText: String(m.scenario.text ?? ''),
    errors: [...run.errors],
    skipped: run.skipped.map((k) => [k.id, k.reason]),
  };
}
