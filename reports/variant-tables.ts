/**
 * The two tables every report has: SLO verdicts per variant run, and the variants side by side (the key
 * figures, one column per variant). Cells are plain strings; the template escapes them.
 */
import type { VariantResult } from '../runners/results/schema.ts';
import { summaryValue } from './figures.ts';
import { formatByKey, formatMs, formatTime } from './format.ts';
import { countedReps, groupState, median, type ScenarioGroup } from './groups.ts';
import { keyFigures, measurementTitles } from './key-figures.ts';
import { pairedByVersion } from './versions.ts';

export interface Cell {
  readonly text: string;
  /** The state the cell shows (passed, slo-failed, invalid, …): a CSS class and a word, never colour alone. */
  readonly state: string;
}

export interface VerdictRow {
  readonly variant: string;
  readonly run: string;
  readonly status: Cell;
  readonly cells: Cell[];
  readonly reasons: string;
}

export interface VerdictTable {
  readonly slos: string[];
  readonly rows: VerdictRow[];
}

const statusWords: Record<VariantResult['status'], string> = {
  passed: 'passed',
  'slo-failed': 'SLO failed',
  invalid: 'invalid: not judged',
  failed: 'failed',
  running: 'did not finish',
};

function statusCell(status: VariantResult['status']): Cell {
  return { text: statusWords[status], state: status };
}

/** One row per variant run; an invalid or failed run's SLO cells say "not judged", whatever the numbers. */
export function verdictTable(s: ScenarioGroup): VerdictTable {
  const slos = [
    ...new Set(s.variants.flatMap((g) => g.reps.flatMap((r) => r.result.slos.map((x) => x.name)))),
  ];
  const rows = s.variants.flatMap((g) =>
    g.reps.map(({ run, result }) => {
      const judged = result.status === 'passed' || result.status === 'slo-failed';
      const cells = slos.map((name): Cell => {
        const v = result.slos.find((x) => x.name === name);
        if (!v) return { text: 'not set', state: 'none' };
        if (!judged)
          return {
            text: `not judged (${result.status === 'running' ? 'unfinished' : result.status}): ${formatMs(v.valueMs)}, threshold ${formatMs(v.thresholdMs)}`,
            state: 'invalid',
          };
        if (v.passed === null)
          return { text: `no value to judge; threshold ${formatMs(v.thresholdMs)}`, state: 'none' };
        return v.passed
          ? { text: `pass: ${formatMs(v.valueMs)} ≤ ${formatMs(v.thresholdMs)}`, state: 'passed' }
          : { text: `FAIL: ${formatMs(v.valueMs)} > ${formatMs(v.thresholdMs)}`, state: 'slo-failed' };
      });
      const reasons = [
        ...(result.validity?.reasons ?? []),
        ...result.errors,
        ...(result.status === 'running' ? ['the run stopped before this variant finished'] : []),
      ];
      return {
        variant: result.id,
        run: `${formatTime(run.manifest.startedAt)}`,
        status: statusCell(result.status),
        cells,
        reasons: reasons.join('; '),
      };
    }),
  );
  return { slos, rows };
}

export interface SideBySide {
  readonly columns: { id: string; status: Cell; runs: string }[];
  readonly sections: { title: string; rows: { label: string; cells: string[] }[] }[];
}

/**
 * Key figures, one column per variant: the median over its judgeable repetitions (all of them, marked, if
 * none). A run over several Kubernetes versions puts each variant's versions in adjacent columns.
 */
export function sideBySide(s: ScenarioGroup): SideBySide {
  const variants = pairedByVersion(s);
  const columns = variants.map((g) => {
    const { reps, judged } = countedReps(g);
    return {
      id: g.id,
      status: statusCell(groupState(g)),
      runs: `${reps.length} of ${g.reps.length} ${g.reps.length === 1 ? 'run' : 'runs'}${judged ? '' : ' (none valid)'}`,
    };
  });
  const sections = new Map<string, { title: string; rows: { label: string; cells: string[] }[] }>();
  for (const f of keyFigures) {
    const cells = variants.map((g) => {
      const xs = countedReps(g)
        .reps.map((r) => summaryValue(r.result, f.measurement, f.key))
        .filter((x): x is number => x !== null);
      return xs.length ? formatByKey(f.key, median(xs)) : null;
    });
    if (cells.every((c) => c === null)) continue;
    const title = measurementTitles[f.measurement] ?? f.measurement;
    const section = sections.get(f.measurement) ?? { title, rows: [] };
    section.rows.push({ label: f.label, cells: cells.map((c) => c ?? '–') });
    sections.set(f.measurement, section);
  }
  return { columns, sections: [...sections.values()] };
}
