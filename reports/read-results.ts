/**
 * Reading results files for reports: the schema version first (a reader never guesses at a format it does not
 * know), then the fields the report relies on, each problem named by file, field path and what was expected.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../runners/errors.ts';
import { resultsSchemaVersion, type RunResults } from '../runners/results/schema.ts';
import { measurementNames, type MeasurementName } from '../scenarios/schema.ts';

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
  const reason = checkResults(doc);
  if (reason) {
    const schema = typeof doc === 'object' && doc !== null ? (doc as { schema?: unknown }).schema : undefined;
    return { kind: 'other', file, reason, schema: typeof schema === 'string' ? schema : undefined };
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { kind: 'results', file, results: doc as RunResults, sha256 };
}

/** Why doc is not a results document this reader understands, or undefined when it is. */
function checkResults(doc: unknown): string | undefined {
  if (!isObject(doc)) return `expected a JSON object (scalelab results), got ${kind(doc)}`;
  const schema = doc.schema;
  if (schema !== resultsSchemaVersion) {
    if (typeof schema !== 'string') return `schema: expected "${resultsSchemaVersion}", got ${kind(schema)}`;
    if (schema.startsWith('scalelab.results/'))
      return `schema: results version "${schema}" is not one this scalelab reads (it reads "${resultsSchemaVersion}")`;
    if (schema === 'scalelab.bench.lab-up/v1')
      return `schema: "${schema}" is a lab-up benchmark, not the results of \`scalelab run\` (expected "${resultsSchemaVersion}")`;
    return `schema: expected "${resultsSchemaVersion}", got "${schema}"`;
  }
  const problems: string[] = [];
  const need = (ok: boolean, path: string, expected: string, got: unknown) => {
    if (!ok && problems.length < 5) problems.push(`${path}: expected ${expected}, got ${kind(got)}`);
  };
  const m = doc.manifest;
  need(isObject(m), 'manifest', 'an object', m);
  if (isObject(m)) {
    const s = m.scenario;
    need(
      isObject(s) && typeof s.name === 'string',
      'manifest.scenario.name',
      'a string',
      isObject(s) && s.name,
    );
    need(isDate(m.startedAt), 'manifest.startedAt', 'an ISO time', m.startedAt);
    need(isObject(m.host), 'manifest.host', 'an object', m.host);
    // Files written before scalelab recorded its own version and the --set overrides have neither.
    const v = m.scalelab;
    if (v !== undefined)
      need(
        isObject(v) && typeof v.version === 'string' && typeof v.commit === 'string',
        'manifest.scalelab',
        '{ version: string, commit: string }',
        v,
      );
    if (m.overrides !== undefined)
      need(
        Array.isArray(m.overrides) && m.overrides.every((o) => typeof o === 'string'),
        'manifest.overrides',
        'an array of strings',
        m.overrides,
      );
  }
  need(Array.isArray(doc.skipped), 'skipped', 'an array', doc.skipped);
  need(Array.isArray(doc.errors), 'errors', 'an array', doc.errors);
  need(Array.isArray(doc.variants), 'variants', 'an array', doc.variants);
  if (Array.isArray(doc.skipped))
    doc.skipped.forEach((s, i) => {
      need(isObject(s) && typeof s.id === 'string', `skipped[${i}].id`, 'a string', isObject(s) && s.id);
      need(
        isObject(s) && typeof s.reason === 'string',
        `skipped[${i}].reason`,
        'a string',
        isObject(s) && s.reason,
      );
    });
  if (Array.isArray(doc.variants)) doc.variants.forEach((v, i) => checkVariant(v, `variants[${i}]`, need));
  return problems.length ? problems.join('; ') : undefined;
}

type Need = (ok: boolean, path: string, expected: string, got: unknown) => void;

const statuses = ['running', 'passed', 'slo-failed', 'invalid', 'failed'];

function checkVariant(v: unknown, at: string, need: Need): void {
  need(isObject(v), at, 'an object', v);
  if (!isObject(v)) return;
  need(typeof v.id === 'string', `${at}.id`, 'a string', v.id);
  const axes = v.variant;
  need(isObject(axes), `${at}.variant`, 'an object', axes);
  if (isObject(axes))
    for (const k of ['podNetwork', 'proxyMode', 'iptablesBackend', 'dns'])
      need(typeof axes[k] === 'string', `${at}.variant.${k}`, 'a string', axes[k]);
  // Results written before two-version runs have no kubernetesVersion: they ran the default pin of their day.
  if (isObject(axes) && axes.kubernetesVersion !== undefined)
    need(
      typeof axes.kubernetesVersion === 'string',
      `${at}.variant.kubernetesVersion`,
      'a string',
      axes.kubernetesVersion,
    );
  need(statuses.includes(v.status as string), `${at}.status`, `one of ${statuses.join(' | ')}`, v.status);
  need(Array.isArray(v.phases), `${at}.phases`, 'an array', v.phases);
  need(Array.isArray(v.errors), `${at}.errors`, 'an array', v.errors);
  need(Array.isArray(v.slos), `${at}.slos`, 'an array', v.slos);
  need(Array.isArray(v.measurements), `${at}.measurements`, 'an array', v.measurements);
  if (Array.isArray(v.phases))
    v.phases.forEach((p, j) => {
      need(
        isObject(p) && typeof p.name === 'string',
        `${at}.phases[${j}].name`,
        'a string',
        isObject(p) && p.name,
      );
      need(
        isObject(p) && Array.isArray(p.churn),
        `${at}.phases[${j}].churn`,
        'an array',
        isObject(p) && p.churn,
      );
    });
  if (Array.isArray(v.measurements))
    v.measurements.forEach((m, j) => {
      const mAt = `${at}.measurements[${j}]`;
      need(
        isObject(m) && measurementNames.includes(m.name as MeasurementName),
        `${mAt}.name`,
        `one of ${measurementNames.join(', ')}`,
        isObject(m) && m.name,
      );
      need(isObject(m) && isObject(m.summary), `${mAt}.summary`, 'an object', isObject(m) && m.summary);
      if (isObject(m) && isObject(m.summary))
        for (const [k, x] of Object.entries(m.summary))
          need(
            x === null || (typeof x === 'number' && Number.isFinite(x)),
            `${mAt}.summary.${k}`,
            'a number or null',
            x,
          );
    });
  if (Array.isArray(v.slos))
    v.slos.forEach((s, j) => {
      const sAt = `${at}.slos[${j}]`;
      need(isObject(s) && typeof s.name === 'string', `${sAt}.name`, 'a string', isObject(s) && s.name);
      need(
        isObject(s) && typeof s.thresholdMs === 'number',
        `${sAt}.thresholdMs`,
        'a number',
        isObject(s) && s.thresholdMs,
      );
    });
  if (v.validity !== undefined)
    need(
      isObject(v.validity) && typeof v.validity.valid === 'boolean' && Array.isArray(v.validity.reasons),
      `${at}.validity`,
      '{ valid: boolean, reasons: string[] }',
      v.validity,
    );
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

function isDate(x: unknown): boolean {
  return typeof x === 'string' && !Number.isNaN(new Date(x).getTime());
}

/** How a wrong value is quoted in a message: its JSON, shortened, or its type. */
function kind(x: unknown): string {
  if (x === undefined || x === false) return 'nothing';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object' && x !== null) return 'an object';
  const s = JSON.stringify(x);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
