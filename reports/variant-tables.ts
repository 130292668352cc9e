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
import { fold, type Folded } from './fold.ts';

export interface Cell {
  readonly text: string;
  /** The state the cell shows (passed, slo-failed, invalid, …): a CSS class and a word, never colour alone. */
  readonly state: string;
}

export interface VerdictRow {
  readonly variant: string;
  readonly variantParts: string[];
  readonly run: string;
  readonly status: Cell;
  readonly cells: Cell[];
  /** Validity reasons and errors, one a line, folded: a 60-line panic shows its first lines. */
  readonly reasons: Folded;
  /** The kept evidence of a failed or invalid run (logs, state, rule dumps), relative to the results file. */
  readonly artifacts: string | null;
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
      // Errors first: a failed variant's cause, before what the self-audit saw as a consequence.
      const reasons = [
        ...result.errors,
        ...(result.validity?.reasons ?? []),
        ...(result.status === 'running' ? ['the run stopped before this variant finished'] : []),
      ];
      return {
        variant: result.id,
        variantParts: idParts(result.id),
        run: `${formatTime(run.manifest.startedAt)}`,
        status: statusCell(result.status),
        cells,
        reasons: fold(reasons.join('\n')),
        artifacts: artifactsLink(result.artifacts),
      };
    }),
  );
  return { slos, rows };
}

/**
 * The evidence directory as a relative link, or null: only a plain relative path (letters, digits, `._-/`,
 * so `../` too: the page may sit below the results) is linked, so a results file cannot make the page link to
 * a script or another host (`javascript:`, `//host`).
 */
function artifactsLink(p: unknown): string | null {
  return typeof p === 'string' && /^[\w.-][\w./-]*$/.test(p) ? p : null;
}

/** An id cut after each dot and slash, so the template can offer line breaks there (`<wbr>`). */
export function idParts(id: string): string[] {
  return id.split(/(?<=[./])/);
}

export interface SideBySide {
  readonly columns: { id: string; idParts: string[]; status: Cell; runs: string }[];
  readonly sections: { title: string; rows: { label: string; cells: string[] }[] }[];
  /** The same table cut into tables of at most `columnsPerTable` variants, each fitting a page's width. */
  readonly parts: { columns: SideBySide['columns']; sections: SideBySide['sections']; caption: string }[];
}

/** Variants per side-by-side table: six columns of figures fit 1,140 px with their ids wrapped at the dots. */
export const columnsPerTable = 6;

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
      idParts: idParts(g.id),
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
  const all = [...sections.values()];
  const parts: SideBySide['parts'] = [];
  for (let i = 0; i < columns.length; i += columnsPerTable) {
    const end = Math.min(i + columnsPerTable, columns.length);
    parts.push({
      columns: columns.slice(i, end),
      sections: all.map((x) => ({
        title: x.title,
        rows: x.rows.map((r) => ({ label: r.label, cells: r.cells.slice(i, end) })),
      })),
      caption: columns.length > columnsPerTable ? `variants ${i + 1}–${end} of ${columns.length}` : '',
    });
  }
  return { columns, sections: all, parts };
}
