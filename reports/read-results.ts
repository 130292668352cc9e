/**
 * Reading results files for reports: the schema version first (a reader never guesses at a format it does not
 * know; older versions it knows are upgraded, runners/results/upgrade.ts), then the whole file against the
 * results definition (runners/results/definition.ts), each problem named by file, field path and what was
 * expected.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../runners/errors.ts';
import { resultsSchemaVersion, runResultsSchema, type RunResults } from '../runners/results/definition.ts';
import { upgradableVersions, upgradeResults } from '../runners/results/upgrade.ts';
import type { Issue, Path } from '../scenarios/schema-kit.ts';

/** What a file turned out to be: a run's results, or something else and why it is not read. */
export type ResultsFile =
  | { readonly kind: 'results'; readonly file: string; readonly results: RunResults; readonly sha256: string }
  | {
      readonly kind: 'other';
      readonly file: string;
      readonly reason: string;
      /** The document's `schema` field when it has one: other scalelab documents are worth a note, other JSON not. */
      readonly schema?: string;
    };

/** Reads a results file written by `scalelab run`; anything else is a UserError naming file and field. */
export function readResults(file: string): RunResults {
  const r = classifyResultsFile(file);
  if (r.kind === 'other') throw new UserError(`${file}: ${r.reason}`, hintFor(r.reason));
  return r.results;
}

/** A run's results are a few hundred KB; a file far bigger is not one, and is refused before it is read. */
export const maxResultsBytes = 64 * 1024 * 1024;

/** Like readResults, but says what the file is instead of throwing: the site skips such files with a note. */
export function classifyResultsFile(file: string): ResultsFile {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > maxResultsBytes)
      return {
        kind: 'other',
        file,
        reason: `is ${size} bytes; results files are at most ${maxResultsBytes}`,
      };
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ERR_ENCODING_INVALID_ENCODED_DATA'
        ? 'is not UTF-8 text'
        : `cannot be read (${e.code ?? err})`;
    return { kind: 'other', file, reason: why };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { kind: 'other', file, reason: `is not JSON (${(err as Error).message})` };
  }
  const checked = checkResults(doc);
  if ('reason' in checked) {
    const schema = typeof doc === 'object' && doc !== null ? (doc as { schema?: unknown }).schema : undefined;
    return {
      kind: 'other',
      file,
      reason: checked.reason,
      schema: typeof schema === 'string' ? schema : undefined,
    };
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { kind: 'results', file, results: checked.results, sha256 };
}

/** Why doc is not a results document this reader understands (after upgrading an older one), or the document. */
function checkResults(doc: unknown): { reason: string } | { results: RunResults } {
  if (!isObject(doc)) return { reason: `expected a JSON object (scalelab results), got ${kind(doc)}` };
  const schema = doc.schema;
  const reads = `"${resultsSchemaVersion}"${upgradableVersions.length ? `, and upgrades ${upgradableVersions.map((v) => `"${v}"`).join(', ')}` : ''}`;
  if (typeof schema !== 'string')
    return { reason: `schema: expected "${resultsSchemaVersion}", got ${kind(schema)}` };
  if (schema === 'scalelab.bench.lab-up/v1')
    return {
      reason: `schema: "${schema}" is a lab-up benchmark, not the results of \`scalelab run\` (expected "${resultsSchemaVersion}")`,
    };
  const current = upgradeResults(doc);
  if (!current) {
    if (schema.startsWith('scalelab.results/'))
      return {
        reason: `schema: results version "${schema}" is not one this scalelab reads (it reads ${reads})`,
      };
    return { reason: `schema: expected "${resultsSchemaVersion}", got "${schema}"` };
  }
  const issues: Issue[] = [];
  const results = runResultsSchema.parse(current, [], issues);
  if (!results || issues.length)
    return {
      reason: issues
        .slice(0, 5)
        .map((i) => `${formatPath(i.path)}: ${i.message}`)
        .join('; '),
    };
  return { results };
}

function hintFor(reason: string): string | undefined {
  if (reason.includes('lab-up benchmark'))
    return 'lab-up benchmarks are quoted in docs/benchmarks.md; reports read run results';
  if (reason.includes('is not one this scalelab reads'))
    return 'render it with the scalelab version that wrote it';
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** How a wrong value is quoted in a message: its JSON, shortened, or its type. */
function kind(x: unknown): string {
  if (x === undefined || x === false) return 'nothing';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object' && x !== null) return 'an object';
  const s = JSON.stringify(x);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `variants[0].measurements[2].name`: a field path as a reader of the JSON would write it. */
function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
