/**
 * The one Handlebars instance reports use, its helpers and its templates. Templates use `{{…}}` only, so
 * every string is HTML-escaped; the one SafeString is a chart's SVG (charts.ts). Compiled with `strict`, so a
 * field the template names and the model lacks is an error, not an empty cell.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export const hbs = Handlebars.create();

const templates = fileURLToPath(new URL('templates/', import.meta.url));

// Few helpers, none named like a model field: a helper wins over a field of the same name in `{{name}}`.
hbs.registerHelper({
  /** A CSS class from a status or verdict: "slo-failed" → "st-slo-failed", "no change" → "st-no-change". */
  statusClass: (s: string) =>
    `st-${String(s)
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase()}`,
  eq: (a: unknown, b: unknown) => a === b,
  inc: (n: number) => n + 1,
});

for (const file of readdirSync(join(templates, 'partials')).filter((f) => f.endsWith('.hbs')))
  hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(templates, 'partials', file), 'utf8'));

/** The page: layout.hbs around the partial named by the model's `body` ("report" or "site"). */
export const layout = hbs.compile(readFileSync(join(templates, 'layout.hbs'), 'utf8'), { strict: true });
