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
  const svg = await drawSvg(spec);
  // One accessible name for the whole picture, the chart's title; what vega marks up inside for screen
  // readers goes (an img's children are presentational, and axe rejects graphics roles without names).
  const labelled = compact(svg)
    .replace(/ (role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
    .replace(/^<svg /, `<svg role="img" aria-label="${escapeXml(title)}" `);
  return { title, caption, svg: new Handlebars.SafeString(labelled) };
}

/**
 * Building a vega view (compiling the Vega-Lite spec, parsing it, constructing its dataflow) costs several
 * times drawing one, and a site draws the same charts for each of a hundred runs with other figures. So a
 * spec's shape, everything but its rows and title text, keys a view kept alive: a later chart of that shape
 * hands the view its rows and titles and draws. Such a view must draw what a fresh one would, byte for byte
 * (the tests compare both ways): categories are ordered by `inDataOrder`, never by `sort: null`, which would
 * keep the order of rows drawn before, and the scenegraph is put back in fresh order before drawing.
 */
const views = new Map<string, { view: vega.View; queue: Promise<unknown> }>();
const maxViews = 64;

/** The rows' dataset, each row's position in it, and the title signals: what changes within one shape. */
const dataName = 'scalelab_rows';
const rowIndexField = 'scalelab_row';
const titleSignal = 'scalelab_title';
const subtitleSignal = 'scalelab_subtitle';

/** Categories (a band, a colour) in the order the rows first name them: for `sort`, instead of `sort: null`. */
export const inDataOrder = { field: rowIndexField, op: 'min' } as const;

/** Forgets every kept view, so the next charts are drawn by fresh ones (the tests' reference drawing). */
export function dropKeptViews(): void {
  for (const { view, queue } of views.values()) void queue.finally(() => view.finalize());
  views.clear();
}

function drawSvg(spec: TopLevelSpec): Promise<string> {
  const { shape, rows, title, subtitle } = splitSpec(spec);
  // vega lays legend entries out again only when their number changes, not their labels (ViewLayout's
  // legend-entry exception): a view drawn with other category values would keep their legend widths. So a view
  // is kept for one shape and one set of category values (a site's runs of one scenario share them).
  const categories = [
    ...new Set(rows.flatMap((r) => Object.values(r as object).filter((v) => typeof v === 'string'))),
  ].sort();
  const key = JSON.stringify([shape, categories]);
  let kept = views.get(key);
  if (kept)
    views.delete(key); // and set again below: the least recently drawn shape goes first
  else {
    kept = {
      view: new vega.View(vega.parse(compile(shape).spec), { renderer: 'none', logLevel: vega.Error }),
      queue: Promise.resolve(),
    };
    if (views.size >= maxViews) {
      const [oldestKey, oldest] = views.entries().next().value!;
      views.delete(oldestKey);
      void oldest.queue.finally(() => oldest.view.finalize());
    }
  }
  views.set(key, kept);
  const { view } = kept;
  // One drawing at a time per view: two charts of one shape may be asked for at once.
  const drawn = kept.queue.then(async () => {
    view.data(
      dataName,
      rows.map((r, i) => ({ ...(r as object), [rowIndexField]: i })),
    );
    if (title !== undefined) view.signal(titleSignal, title);
    if (subtitle !== undefined) view.signal(subtitleSignal, subtitle);
    await view.runAsync();
    inFreshOrder((view as unknown as { scenegraph(): { root: SceneItem } }).scenegraph().root);
    return view.toSVG();
  });
  kept.queue = drawn.catch(() => {
    // A view that failed mid-drawing is in no known state: the next chart of its shape gets a fresh one.
    if (views.get(key) === kept) views.delete(key);
  });
  return drawn;
}

interface SceneItem {
  items?: SceneItem[];
  role?: string;
  marktype?: string;
  datum?: { index?: number; [rowIndexField]?: number };
}

/**
 * A kept view leaves the axis ticks, legend entries and series groups that survive new rows where they were
 * and appends the new ones; a fresh view has them in order. Drawing order decides what overlaps what, so they
 * are put back in fresh order: guide items by their index, the groups of a series (a line per variant) by the
 * first row they hold.
 */
function inFreshOrder(node: SceneItem): void {
  const items = node.items;
  if (!items) return;
  for (const child of items) inFreshOrder(child);
  if (node.role && /^(axis|legend)-/.test(node.role)) sortBy(items, (i) => i.datum?.index);
  else if (node.marktype === 'group' && node.role === 'scope') sortBy(items, firstRow);
}

function sortBy(items: SceneItem[], key: (i: SceneItem) => number | undefined): void {
  const keys = new Map(items.map((i) => [i, key(i)]));
  if ([...keys.values()].every((k) => k !== undefined)) items.sort((a, b) => keys.get(a)! - keys.get(b)!);
}

/** The smallest row index under a scenegraph node. */
function firstRow(node: SceneItem): number | undefined {
  let min = node.datum?.[rowIndexField];
  for (const child of node.items ?? []) {
    const m = firstRow(child);
    if (m !== undefined && (min === undefined || m < min)) min = m;
  }
  return min;
}

/** The spec with its data values and title text replaced by a named dataset and signals, and those values. */
function splitSpec(spec: TopLevelSpec): {
  shape: TopLevelSpec;
  rows: unknown[];
  title: unknown;
  subtitle: unknown;
} {
  const s = spec as { data?: { values?: unknown[] }; title?: unknown; params?: unknown[] };
  const rows = s.data?.values;
  if (!Array.isArray(rows)) throw new Error('a chart spec carries its rows in data.values');
  const params: unknown[] = [...(s.params ?? [])];
  let title: unknown;
  let subtitle: unknown;
  let titleShape = s.title;
  if (typeof s.title === 'object' && s.title !== null) {
    const t = s.title as { text?: unknown; subtitle?: unknown };
    titleShape = { ...t };
    const shaped = titleShape as Record<string, unknown>;
    if (t.text !== undefined) {
      title = t.text;
      shaped.text = { expr: titleSignal };
      params.push({ name: titleSignal, value: '' });
    }
    if (t.subtitle !== undefined) {
      subtitle = t.subtitle;
      shaped.subtitle = { expr: subtitleSignal };
      params.push({ name: subtitleSignal, value: '' });
    }
  }
  // resize: a kept view lays its size out again for new rows (by default only a fresh view does).
  const shape = {
    autosize: { type: 'pad', resize: true },
    ...spec,
    data: { name: dataName },
    title: titleShape,
    params,
  } as TopLevelSpec;
  return { shape, rows, title, subtitle };
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
