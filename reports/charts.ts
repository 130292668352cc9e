/**
 * Vega-Lite specs to inline SVG, at build time, with vega's headless view: the page needs no script and no
 * network to show a chart. User strings reach charts only as data values and title text, never as field names
 * or expressions, and vega escapes text it writes into the SVG. The SVG is the one Handlebars SafeString.
 */
import Handlebars from 'handlebars';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeXml } from './xml.ts';

export interface Chart {
  readonly title: string;
  /** Sample counts, units and anything else a reader needs to trust the chart, as a sentence. */
  readonly caption: string;
  readonly svg: Handlebars.SafeString;
}

/** What every chart shares: fonts, sizes, no ARIA per mark (the SVG carries the label), white ground. */
export const chartConfig = {
  font: 'system-ui, sans-serif',
  aria: false,
  background: 'white',
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#444' },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 400 },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    labelLimit: 400,
    titleLimit: 400,
    orient: 'bottom',
    direction: 'horizontal',
    columns: 3,
  },
} as const;

export async function renderChart(spec: TopLevelSpec, title: string, caption: string): Promise<Chart> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    // One accessible name for the whole picture, the chart's title; what vega marks up inside for screen
    // readers goes (an img's children are presentational, and axe rejects graphics roles without names).
    const labelled = compact(svg)
      .replace(/ (role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
      .replace(/^<svg /, `<svg role="img" aria-label="${escapeXml(title)}" `);
    return { title, caption, svg: new Handlebars.SafeString(labelled) };
  } finally {
    view.finalize();
  }
}

/**
 * Geometry to a tenth of a pixel: vega writes coordinates to 15 digits, which made a site index of 100 runs'
 * trends most of a megabyte. Only geometry attributes are touched, never text, so no figure changes.
 */
function compact(svg: string): string {
  return svg.replace(
    / (d|transform|x|y|x1|x2|y1|y2|width|height)="([^"]*)"/g,
    (_, attr: string, value: string) =>
      ` ${attr}="${value.replace(/-?\d+\.\d{2,}/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`,
  );
}
