import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { scenarioSchema, type Scenario } from './schema.ts';
import type { Issue, Path } from './schema-kit.ts';
import { kubernetesVersionIssues } from './kubernetes-versions.ts';
import { sideBySideIssues } from './side-by-side-issues.ts';
import { headroomIssues } from './headroom-plan.ts';
import { applyOverrides, overrideAt, type Override } from './overrides.ts';

/** One problem in a scenario file, located: `file:line:col path: message`. */
export interface ScenarioProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

/** A scenario file that failed validation; holds every problem, not just the first. Exit code 2. */
export class ScenarioError extends Error {
  readonly problems: readonly ScenarioProblem[];
  constructor(problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(file)'}: ${p.message}`;
}

/** `churn[0].pace.qps` */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly file: string;
  /** sha256 of the file's bytes: the run manifest quotes it. */
  readonly hash: string;
  readonly text: string;
  /** The `--set path=value` overrides applied on top of the file's text, as given (scenarios/overrides.ts). */
  readonly overrides: readonly string[];
}

/** A scenario is a page of YAML; anything bigger is a mistake (or an attack), refused before it is read. */
export const maxScenarioBytes = 1024 * 1024;
/** Background kwok pods a scenario may ask for: 4× issue 7's 50,000, far past what one machine runs. */
const maxBackgroundPods = 200_000;
/** YAML aliases the file may expand; a "billion laughs" file needs thousands. */

const maxAliasCount = 100;

/** The file's text: it must exist, be a regular file of at most maxScenarioBytes, and be UTF-8. */
function readScenarioText(file: string): string {
  const fileProblem = (message: string, line = 1, col = 1) =>
    new ScenarioError([{ file, line, col, path: '', message }]);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw fileProblem('not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw fileProblem(`cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (size > maxScenarioBytes)
    throw fileProblem(`is ${size} bytes; a scenario may be at most ${maxScenarioBytes} bytes (1 MiB)`);
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstNonUtf8Byte(bytes);
    const before = new TextDecoder().decode(bytes.subarray(0, bad)).split('\n');
    throw fileProblem(
      `is not UTF-8 text (byte 0x${bytes[bad]?.toString(16).padStart(2, '0')} at offset ${bad}); save it as UTF-8`,
      before.length,
      before.at(-1)!.length + 1,
    );
  }
}

/** Where a UTF-8 decoder stops: the first byte that does not start or continue a well-formed sequence. */
function firstNonUtf8Byte(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const more =
      c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (more < 0) return i;
    for (let k = 1; k <= more; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return b.length;
}

/**
 * Reads, parses and validates a scenario file, with `--set` overrides applied before validation; throws
 * ScenarioError listing every problem with its position (a problem an override causes names the --set).
 */
export function loadScenario(
  file: string,
  text = readScenarioText(file),
  overrides: readonly Override[] = [],
): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: ScenarioProblem[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return {
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      message: `not valid YAML: ${e.message.split('\n')[0]}`,
    };
  });
  if (problems.length) throw new ScenarioError(problems);
  applyOverrides(doc, overrides);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    // yaml throws a ReferenceError when aliases would expand past maxAliasCount.
    throw new ScenarioError([
      {
        file,
        line: 1,
        col: 1,
        path: '',
        message: `not accepted: ${err instanceof Error ? err.message : String(err)} (at most ${maxAliasCount} alias expansions)`,
      },
    ]);
  }
  const issues: Issue[] = [];
  const scenario = scenarioSchema.parse(value, [], issues);

  if (scenario) issues.push(...semanticIssues(scenario));
  if (issues.length || !scenario) {
    throw new ScenarioError(
      issues.map((i) => {
        const pos = positionOf(doc, lines, i.path);
        const set = overrideAt(overrides, i.path);
        const message = set ? `${i.message} (from --set ${set.text})` : i.message;
        return { file, line: pos.line, col: pos.col, path: formatPath(i.path), message };
      }),
    );
  }
  return {
    scenario,
    file,
    hash: createHash('sha256').update(text).digest('hex'),
    text,
    overrides: overrides.map((o) => o.text),
  };
}

/** Rules that span fields, checked once the shapes are right. */
function semanticIssues(s: Scenario): Issue[] {
  const issues: Issue[] = [];
  issues.push(...kubernetesVersionIssues(s));
  issues.push(...sideBySideIssues(s));
  const seen = new Set<string>();
  s.phases.forEach((p, i) => {
    if (seen.has(p.name))
      issues.push({
        path: ['phases', i, 'name'],
        message: `"${p.name}" is used by an earlier phase; names must be unique`,
      });
    seen.add(p.name);
    const kinds = new Set(p.churn.map((c) => c.kind));
    if (kinds.has('services') && kinds.has('serviceDeletes')) {
      issues.push({
        path: ['phases', i, 'churn'],
        message:
          'services and serviceDeletes in one phase would race on the same Services: put them in separate phases',
      });
    }
    p.churn.forEach((c, j) => {
      if (c.kind === 'serviceDeletes' && s.background.services === 0) {
        issues.push({
          path: ['phases', i, 'churn', j, 'kind'],
          message: 'serviceDeletes deletes background Services: set background.services above 0',
        });
      }

      if (c.kind === 'rollout' && s.background.bind === 'pods') {
        issues.push({
          path: ['phases', i, 'churn', j, 'kind'],
          message:
            'rollout churn rolls the background Deployments: background.bind: pods makes bare pods, none to roll (use direct)',
        });
      }
      if ((c.kind === 'endpoints' || c.kind === 'rollout') && s.background.services === 0) {
        issues.push({
          path: ['phases', i, 'churn', j, 'kind'],
          message: `${c.kind} churn changes background Services' endpoints: set background.services above 0`,
        });
      }
    });
  });
  const names = s.measurements.map((m) => m.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      issues.push({ path: ['measurements', i, 'name'], message: `"${n}" is listed twice` });
  });
  const { services, endpointsPerService, pods } = s.background;
  if (pods !== undefined) {
    if (pods % endpointsPerService !== 0 || pods > services * endpointsPerService)
      issues.push({
        path: ['background', 'pods'],
        message: `${pods} pods: expected a multiple of endpointsPerService (${endpointsPerService}) and at most services × endpointsPerService (${services * endpointsPerService}), or no pods would back a Service`,
      });
  }
  const backgroundPods = pods ?? services * endpointsPerService;
  if (backgroundPods > maxBackgroundPods) {
    issues.push({
      path: ['background'],
      message: `${s.background.services} Services × ${s.background.endpointsPerService} endpoints is ${backgroundPods} kwok pods; at most ${maxBackgroundPods}`,
    });
  }
  if (s.background.services > 0 && s.cluster.fakeNodes === 0) {
    issues.push({
      path: ['background', 'services'],
      message: 'background Services are backed by kwok pods: set cluster.fakeNodes above 0',
    });
  }
  issues.push(...headroomIssues(s));
  return issues;
}

/** The line and column of the deepest node on the path that exists (a missing key points at its parent). */
function positionOf(
  doc: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: Path,
): { line: number; col: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}
