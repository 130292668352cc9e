/**
 * The published site: an index of many runs (the nightly history) with trends over time per scenario, and one
 * comparison page per run, each against the run of the same scenario before it. Like a report, the site is a
 * function of results files: nothing else goes in, so rebuilding it from the same files gives the same pages.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { RunResults } from '../runners/results/schema.ts';
import { rendererFingerprint } from './fingerprint.ts';
import type { Chart } from './charts.ts';
import { trendChart } from './chart-trend.ts';
import { summaryValue } from './figures.ts';
import { formatTime, plural } from './format.ts';
import { groupRuns, groupState, judgeable } from './groups.ts';
import { layout } from './helpers.ts';
import type { ResultsFile } from './read-results.ts';
import { renderComparison } from './render.ts';
import type { MeasurementName } from '../scenarios/schema.ts';

export interface SitePage {
  /** Relative to the site's directory: `index.html`, `runs/<name>.html`. */
  readonly path: string;
  /** The page, or undefined when the existing one is current (see SiteOptions.isCurrent). */
  readonly html: string | undefined;
}

export interface SiteOptions {
  /**
   * Whether the page already at `path` was rendered from `key` (results, baseline and renderer): such a page is
   * not rendered again. Without it every page is rendered.
   */
  readonly isCurrent?: (path: string, key: string) => boolean;
}

/** The key a run page is rendered from; it is written into the page (meta scalelab-page-key). */
export function pageKey(results: string, baseline: string | undefined): string {
  return createHash('sha256')
    .update(`${rendererFingerprint()} ${results} ${baseline ?? '-'}`)
    .digest('hex')
    .slice(0, 32);
}

interface RunRow {
  readonly href: string;
  readonly time: string;
  readonly file: string;
  readonly state: string;
  readonly counts: string;
}

interface SiteScenario {
  readonly name: string;
  readonly anchor: string;
  readonly summary: string;
  readonly trends: Chart[];
  readonly runs: RunRow[];
}

interface SiteModel {
  readonly body: 'site';
  readonly pageKey: null;
  readonly title: string;
  readonly subtitle: string;
  readonly scenarios: SiteScenario[];
  readonly skippedFiles: { file: string; reason: string }[];
}

interface Trend {
  readonly title: string;
  readonly yTitle: string;
  readonly measurement: MeasurementName;
  readonly key: string;
}

const trends: readonly Trend[] = [
  {
    title: 'network programming p99 (kube-proxy metric)',
    yTitle: 'p99 (ms)',
    measurement: 'networkProgrammingLatency',
    key: 'kubeProxyP99Ms',
  },
  { title: 'rule sync p50', yTitle: 'sync p50 (ms)', measurement: 'ruleSync', key: 'syncP50Ms' },
  {
    title: 'new-connection p50 through a ClusterIP',
    yTitle: 'connect p50 (ms)',
    measurement: 'connectionLatency',
    key: 'connectP50Ms',
  },
  { title: 'DNS failure rate', yTitle: 'failed lookups (fraction)', measurement: 'dns', key: 'failureRate' },
  { title: 'API mutating p99', yTitle: 'p99 (ms)', measurement: 'controlPlane', key: 'apiMutatingP99Ms' },
];

/** Every page of the site for these files; files that are not run results are listed on the index, not read. */
export async function renderSite(files: readonly ResultsFile[], opts: SiteOptions = {}): Promise<SitePage[]> {
  const entries = files
    .flatMap((f) => (f.kind === 'results' ? [f] : []))
    .map((f) => ({
      file: f.file,
      sha256: f.sha256,
      run: f.results,
      page: `runs/${pageName(f.file, f.results)}.html`,
    }))
    .sort((a, b) => a.run.manifest.startedAt.localeCompare(b.run.manifest.startedAt));
  const pages: SitePage[] = [];
  const previous = new Map<string, (typeof entries)[number]>();
  for (const e of entries) {
    const name = e.run.manifest.scenario.name;
    const before = previous.get(name);
    const key = pageKey(e.sha256, before?.sha256);
    const html = opts.isCurrent?.(e.page, key)
      ? undefined
      : await renderComparison([e.run], {
          baseline: before ? [before.run] : undefined,
          backHref: '../index.html',
          pageKey: key,
        });
    pages.push({ path: e.page, html });
    previous.set(name, e);
  }
  const scenarios: SiteScenario[] = [];
  for (const [i, s] of groupRuns(entries.map((e) => e.run)).entries()) {
    const mine = entries.filter((e) => e.run.manifest.scenario.name === s.name);
    scenarios.push({
      name: s.name,
      anchor: `s${i}`,
      summary: `${plural(mine.length, 'run')}, ${formatTime(mine[0]?.run.manifest.startedAt)} to ${formatTime(mine.at(-1)?.run.manifest.startedAt)}`,
      trends: await trendCharts(
        s.name,
        mine.map((e) => e.run),
      ),
      runs: mine
        .map((e) => ({
          href: e.page,
          time: formatTime(e.run.manifest.startedAt),
          file: basename(e.file),
          state: runState(e.run),
          counts: countsOf(e.run),
        }))
        .reverse(),
    });
  }
  const model: SiteModel = {
    body: 'site',
    pageKey: null,
    title: 'scalelab runs',
    subtitle: `${plural(entries.length, 'run')} of ${plural(scenarios.length, 'scenario')}${
      entries.length
        ? `, ${formatTime(entries[0]!.run.manifest.startedAt)} to ${formatTime(entries.at(-1)!.run.manifest.startedAt)}`
        : ''
    }`,
    scenarios,
    skippedFiles: files.flatMap((f) => (f.kind === 'other' ? [{ file: f.file, reason: f.reason }] : [])),
  };
  return [{ path: 'index.html', html: layout(model) }, ...pages];
}

async function trendCharts(scenario: string, runs: readonly RunResults[]): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const t of trends) {
    const rows = runs.flatMap((run) =>
      run.variants.flatMap((v) => {
        const value = summaryValue(v, t.measurement, t.key);
        return value === null
          ? []
          : [{ time: run.manifest.startedAt, value, variant: v.id, judged: judgeable({ run, result: v }) }];
      }),
    );
    const chart = await trendChart(
      `${scenario}: ${t.title} over time`,
      t.yTitle,
      rows,
      `Each variant's ${t.title} run by run (n = ${rows.length} variant runs): a line per variant joins its valid runs; crosses are runs the self-audit made invalid, which are not judged and not joined.`,
    );
    if (chart) charts.push(chart);
  }
  return charts;
}

/** The worst state of the run's variants, or the run's own when it did not finish. */
function runState(run: RunResults): string {
  if (run.status !== 'finished') return run.status === 'running' ? 'running' : 'failed';
  const states = new Set(groupRuns([run]).flatMap((s) => s.variants.map(groupState)));
  for (const st of ['failed', 'running', 'invalid', 'slo-failed'] as const) if (states.has(st)) return st;
  return 'passed';
}

function countsOf(run: RunResults): string {
  const by = (st: string) => run.variants.filter((v) => v.status === st).length;
  return [
    [by('passed'), 'passed'],
    [by('slo-failed'), 'SLO failed'],
    [by('invalid'), 'invalid'],
    [by('failed'), 'failed'],
    [by('running'), 'unfinished'],
    [run.skipped.length, 'skipped'],
  ]
    .filter(([n]) => n)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}

/** A page name from the run and its file: readable, URL-safe, and distinct for distinct files. */
function pageName(file: string, run: RunResults): string {
  const safe = (s: string) =>
    s
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run';
  const hash = createHash('sha256').update(file).digest('hex').slice(0, 8);
  return `${safe(run.manifest.scenario.name)}-${safe(run.manifest.startedAt)}-${hash}`;
}
