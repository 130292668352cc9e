import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, renderChart, type Chart } from './charts.ts';
import { width } from './chart-parts.ts';

/** Beyond this many runs a trend is a line without a dot per run: a dot each made a 100-run index too heavy. */
const maxDottedRuns = 30;

/**
 * A figure across runs of one scenario over time (the site's nightly history): a line per variant through
 * its valid runs, and a cross for every run the self-audit marked invalid, which is never part of a line.
 */
export function trendChart(
  title: string,
  yTitle: string,
  rows: { time: string; value: number; variant: string; judged: boolean }[],
  caption: string,
): Promise<Chart | undefined> {
  if (rows.length === 0) return Promise.resolve(undefined);
  const dotted = new Set(rows.map((r) => r.time)).size <= maxDottedRuns;
  const marked = rows.map((r) => ({ ...r, validity: r.judged ? 'valid' : 'invalid (not judged)' }));
  const invalid = marked.filter((r) => !r.judged).length;
  const spec: TopLevelSpec = {
    config: chartConfig,
    title: {
      text: title,
      subtitle: [
        `n = ${rows.length} variant runs, ${invalid} of them invalid (crosses, not joined by the lines)`,
      ],
    },
    width,
    height: 200,
    data: { values: marked },
    encoding: {
      x: {
        field: 'time',
        type: 'temporal',
        title: 'run started (UTC)',
        axis: { format: '%b %d', labelOverlap: true },
      },
      y: { field: 'value', type: 'quantitative', title: yTitle },
      color: { field: 'variant', type: 'nominal', title: 'variant' },
    },
    layer: [
      {
        transform: [{ filter: "datum.validity === 'valid'" }],
        mark: { type: 'line', point: dotted ? { filled: true, size: 20 } : false, tooltip: false },
      },
      {
        transform: [{ filter: "datum.validity !== 'valid'" }],
        mark: { type: 'point', shape: 'cross', size: 50, filled: true, tooltip: false },
      },
    ],
  } as TopLevelSpec;
  return renderChart(spec, title, caption);
}
