/**
 * The headroom section of a report: per variant run, the knee in a sentence and a table of the steps (value,
 * each watched SLO's figure against its threshold, the verdict); per watched SLO, a chart of the figure
 * against the value with the threshold as a rule. Every repetition is shown: each is a search of its own.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, inDataOrder, renderChart, type Chart } from './charts.ts';
import { width } from './chart-parts.ts';
import { formatCount, formatMs, formatNumber } from './format.ts';
import type { VariantGroup } from './groups.ts';
import { headroomOf, stepVerdict, type HeadroomFigures } from './headroom-figures.ts';
import type { Section, Table } from './section-types.ts';

interface Search {
  /** The variant id, with the repetition when there are several. */
  readonly label: string;
  readonly h: HeadroomFigures;
}

export async function headroomSection(
  g: readonly VariantGroup[],
  prefix: string,
): Promise<Section | undefined> {
  const searches: Search[] = g.flatMap((v) =>
    v.reps.flatMap((r) => {
      const h = headroomOf(r.result);
      return h ? [{ label: v.reps.length > 1 ? `${v.id} #${r.result.repetition}` : v.id, h }] : [];
    }),
  );
  if (searches.length === 0) return undefined;
  const names = [...new Set(searches.flatMap((s) => s.h.slos))];
  const charts = await Promise.all(names.map((n) => sloChart(searches, n)));
  return {
    id: `${prefix}-headroom`,
    title: 'Headroom: where an SLO breaks',
    charts: charts.filter((c): c is Chart => c !== undefined),
    notes: searches.map((s) => `${s.label}: ${s.h.summary ?? 'the search did not finish'}.`),
    tables: searches.map(stepsTable),
  };
}

function value(x: number, unit: string): string {
  return `${Number.isInteger(x) ? formatCount(x) : formatNumber(x)} ${unit}`;
}

function stepsTable({ label, h }: Search): Table {
  return {
    caption: `${label}: the steps of the search (${h.summary ?? 'unfinished'})`,
    head: [h.unit, ...h.slos.map((n) => `${n} (threshold)`), 'verdict'],
    rows: h.steps.map((s) => [
      Number.isInteger(s.value) ? formatCount(s.value) : formatNumber(s.value),
      ...h.slos.map((n) => {
        const x = s.slos.find((y) => y.name === n);
        return x ? `${formatMs(x.valueMs)} (≤ ${formatMs(x.thresholdMs)})` : '–';
      }),
      stepVerdict(s) + (s.validity.valid ? '' : `: invalid (${s.validity.reasons.join('; ')})`),
    ]),
  };
}

/** One SLO: its figure at each step, a line per search, the threshold as a horizontal rule. */
async function sloChart(searches: readonly Search[], name: string): Promise<Chart | undefined> {
  const rows = searches.flatMap(({ label, h }) =>
    h.steps.flatMap((s) => {
      const x = s.slos.find((y) => y.name === name);
      if (!x || x.valueMs === null) return [];
      return [
        {
          value: s.value,
          ms: x.valueMs,
          thresholdMs: x.thresholdMs,
          variant: label,
          verdict: stepVerdict(s),
        },
      ];
    }),
  );
  if (rows.length === 0) return undefined;
  const units = [...new Set(searches.map((s) => s.h.unit))].join(' / ');
  const threshold = Math.max(...rows.map((r) => r.thresholdMs));
  const knees = searches
    .filter((s) => s.h.firstFailing !== null || s.h.lastPassing !== null)
    .map(
      (s) => `${s.label}: held at ${s.h.lastPassing === null ? 'no step' : value(s.h.lastPassing, s.h.unit)}`,
    );
  const title = `${name} against the ${units === 'Services' ? 'number of Services' : 'churn rate'}`;
  const subtitle = [
    `each point one step (fresh measurements over that step alone); the rule is the SLO, ${formatMs(threshold)}`,
    `n = ${rows.length} steps over ${searches.length} ${searches.length === 1 ? 'search' : 'searches'}${knees.length ? `; ${knees.join('; ')}` : ''}`,
  ];
  const x = { field: 'value', type: 'quantitative', title: units } as const;
  const y = { field: 'ms', type: 'quantitative', title: `${name} (ms)` } as const;
  const spec: TopLevelSpec = {
    config: chartConfig,
    title: { text: title, subtitle },
    width,
    height: 240,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'line', tooltip: false },
        encoding: {
          x,
          y,
          color: { field: 'variant', type: 'nominal', title: 'variant', sort: inDataOrder },
          order: { field: 'value', type: 'quantitative' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60, tooltip: false },
        encoding: {
          x,
          y,
          color: { field: 'variant', type: 'nominal', title: 'variant', sort: inDataOrder },
          shape: { field: 'verdict', type: 'nominal', title: 'step', sort: inDataOrder },
        },
      },
      {
        mark: { type: 'rule', strokeDash: [6, 4], color: '#b00' },
        encoding: { y: { field: 'thresholdMs', aggregate: 'max', type: 'quantitative' } },
      },
    ],
  };
  return renderChart(
    spec,
    title,
    `${name} measured over each step of the headroom search alone, against the step's ${units}, n = ${rows.length} steps; the dashed rule is its threshold (${formatMs(threshold)}). The search stops at the first step over it.`,
  );
}
