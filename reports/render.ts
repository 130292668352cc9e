/**
 * A report is a function of results, nothing else: the runs (and optionally a baseline) in, one self-contained
 * HTML page out — inline CSS, inline SVG charts, no script, nothing fetched when it is viewed.
 */
import type { RunResults } from '../runners/results/schema.ts';
import { answers } from './answers.ts';
import type { Answer } from './section-types.ts';
import { compareWithBaseline, regressionMethod, type BaselineComparison } from './baseline.ts';
import { formatByKey, formatChange, formatTime, plural } from './format.ts';
import { groupRuns, groupState, type ScenarioGroup } from './groups.ts';
import { layout } from './helpers.ts';
import { manifestView, methods, type ManifestView, type MeasurementMethod } from './manifest.ts';
import { sections } from './sections.ts';
import type { Section } from './section-types.ts';
import { compareVersions } from './versions.ts';
import { sideBySide, verdictTable, type SideBySide, type VerdictTable } from './variant-tables.ts';

export interface RenderOptions {
  /** Runs of the same scenarios to compare against; regressions are judged over repetitions (baseline.ts). */
  readonly baseline?: readonly RunResults[];
  /** A link back to an index page (the site's), or none. */
  readonly backHref?: string;
  /** What the page was rendered from, written into it so the site can tell a current page from a stale one. */
  readonly pageKey?: string;
}

interface BaselineRow {
  /** A sentence in place of figures (not judged, one-sided figures), or null for a figure row. */
  readonly note: string | null;
  readonly noteState: string;
  readonly label: string;
  readonly baseline: string;
  readonly current: string;
  readonly change: string;
  readonly p: string;
  readonly verdict: string;
}

interface BaselineView {
  readonly summary: string;
  readonly notes: string[];
  readonly variants: { id: string; span: number; rows: BaselineRow[] }[];
}

interface ScenarioView {
  readonly name: string;
  readonly anchor: string;
  readonly description: string;
  readonly runsText: string;
  readonly state: string;
  readonly answers: Answer[];
  readonly verdicts: VerdictTable;
  readonly multipleRuns: boolean;
  readonly baseline: BaselineView | null;
  readonly baselineAbsent: string | null;
  /** A run over several Kubernetes versions: each later version against the first, like a baseline. */
  readonly upgrade: (BaselineView & { from: string; to: string })[];
  readonly sideBySide: SideBySide;
  readonly skipped: { id: string; reason: string }[];
  readonly sections: Section[];
}

interface ReportModel {
  readonly body: 'report';
  readonly title: string;
  readonly pageKey: string | null;
  readonly backHref: string | null;
  readonly subtitle: string;
  readonly scenarios: ScenarioView[];
  readonly regressionMethod: string;
  readonly methods: MeasurementMethod[];
  readonly manifests: ManifestView[];
}

/** The comparison page of these runs: variants side by side, verdicts, charts, method and manifests. */
export async function renderComparison(
  runs: readonly RunResults[],
  opts: RenderOptions = {},
): Promise<string> {
  return layout(await reportModel(runs, opts));
}

async function reportModel(runs: readonly RunResults[], opts: RenderOptions = {}): Promise<ReportModel> {
  if (runs.length === 0) throw new Error('renderComparison: no runs to report');
  const groups = groupRuns(runs);
  const baselines = opts.baseline?.length ? groupRuns(opts.baseline) : undefined;
  const scenarios: ScenarioView[] = [];
  for (const [i, s] of groups.entries()) {
    const base = baselines?.find((b) => b.name === s.name);
    scenarios.push({
      name: s.name,
      anchor: `s${i}`,
      description: descriptionOf(s),
      runsText: runsText(s),
      state: scenarioState(s),
      answers: answers(s),
      verdicts: verdictTable(s),
      multipleRuns: s.runs.length > 1,
      baseline: base ? baselineView(compareWithBaseline(s, base), base) : null,
      baselineAbsent: baselines && !base ? `The baseline has no run of scenario ${s.name}.` : null,
      upgrade: compareVersions(s).map(({ from, to, comparison }) => ({
        from,
        to,
        ...baselineView(comparison, s, `Kubernetes ${to} against ${from}, variant by variant:`),
      })),
      sideBySide: sideBySide(s),
      skipped: s.skipped,
      sections: await sections(s, `s${i}`),
    });
  }
  const names = groups.map((s) => s.name).join(', ');
  return {
    body: 'report',
    title: `scalelab report: ${names}`,
    pageKey: opts.pageKey ?? null,
    backHref: opts.backHref ?? null,
    subtitle: `${plural(runs.length, 'run')}, ${[...new Set(runs.map((r) => formatTime(r.manifest.startedAt)))].join(', ')}${
      opts.baseline?.length
        ? `; baseline: ${opts.baseline.map((r) => formatTime(r.manifest.startedAt)).join(', ')}`
        : ''
    }`,
    scenarios,
    regressionMethod,
    methods: methods(groups),
    manifests: [...runs, ...(opts.baseline ?? [])].map(manifestView),
  };
}

function descriptionOf(s: ScenarioGroup): string {
  const m = /^description:\s*(.+)$/m.exec(s.runs[0]?.manifest.scenario.text ?? '');
  return m?.[1]?.trim() ?? '';
}

function runsText(s: ScenarioGroup): string {
  const reps = s.variants.reduce((n, g) => n + g.reps.length, 0);
  return `${plural(s.variants.length, 'variant')} (${plural(reps, 'variant run')} in ${plural(s.runs.length, 'results file')})${
    s.skipped.length ? `, ${s.skipped.length} skipped` : ''
  }`;
}

/** The scenario's overall state, worst first: a failure, an invalid variant, an SLO failure, else passed. */
function scenarioState(s: ScenarioGroup): string {
  const states = new Set(s.variants.map(groupState));
  for (const st of ['failed', 'running', 'invalid', 'slo-failed'] as const) if (states.has(st)) return st;
  return 'passed';
}

function baselineView(
  c: BaselineComparison,
  base: ScenarioGroup,
  head = `Against ${plural(base.runs.length, 'baseline run')} (${base.runs.map((r) => formatTime(r.manifest.startedAt)).join(', ')}):`,
): BaselineView {
  const verdicts = c.variants.flatMap((v) => v.figures.map((f) => f.verdict));
  const n = (v: string) => verdicts.filter((x) => x === v).length;
  const summary = [
    head,
    `${plural(n('regression'), 'regression')}, ${plural(n('improvement'), 'improvement')}, ${n('no change')} without change,`,
    `${n('not enough repetitions to judge')} not judgeable for too few repetitions, ${n('not judged')} not judged (invalid or failed).`,
  ].join(' ');
  return {
    summary,
    notes: c.notes,
    variants: c.variants.map((v) => {
      const note = (text: string, state: string): BaselineRow => ({
        note: text,
        noteState: state,
        label: '',
        baseline: '',
        current: '',
        change: '',
        p: '',
        verdict: '',
      });
      const oneSided = v.figures.filter((f) => f.verdict === 'no data');
      const rows: BaselineRow[] = [
        ...(v.notJudged ? [note(v.notJudged, 'not judged')] : []),
        ...(oneSided.length
          ? [
              note(
                `Only one side has ${oneSided.map((f) => `${f.figure.measurement}: ${f.figure.label}`).join(', ')}: not compared.`,
                'no data',
              ),
            ]
          : []),
        ...v.figures
          .filter((f) => f.verdict !== 'no data')
          .map((f) => ({
            note: null,
            noteState: '',
            label: `${f.figure.measurement}: ${f.figure.label}`,
            baseline: `${formatByKey(f.figure.key, f.baselineMedian)} (n = ${f.baselineN})`,
            current: `${formatByKey(f.figure.key, f.currentMedian)} (n = ${f.currentN})`,
            change: formatChange(f.change),
            p: f.p === null ? '–' : f.p.toPrecision(2),
            verdict: f.verdict,
          })),
      ];
      return { id: v.id, span: rows.length, rows };
    }),
  };
}
