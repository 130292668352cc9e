/**
 * `--set path=value`: a scenario value changed from the command line (CL2's --testoverrides), applied to the
 * parsed YAML document before validation, so an override is checked exactly like the file and a problem it
 * causes names the --set. The path is the one validation messages print: `cluster.fakeNodes`,
 * `phases[0].churn[0].count`; the value is YAML (`200` a number, `true` a boolean, `[a, b]` a list).
 */
import { isCollection, isMap, isSeq, parse, type Document } from 'yaml';
import { UserError } from '../runners/errors.ts';
import type { Path } from './schema-kit.ts';

export interface Override {
  /** As given: `phases[0].churn[0].count=50`. */
  readonly text: string;
  readonly path: Path;
  readonly value: unknown;
}

/** Parses each `--set` argument; a malformed one is a UserError naming it. */
export function parseOverrides(args: readonly string[]): Override[] {
  return args.map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UserError(`--set ${text}: expected path=value, e.g. --set cluster.fakeNodes=200`);
    const path = parsePath(text.slice(0, eq), text);
    let value: unknown;
    try {
      value = parse(text.slice(eq + 1));
    } catch (err) {
      throw new UserError(`--set ${text}: the value is not YAML (${(err as Error).message.split('\n')[0]})`);
    }
    return { text, path, value: value === undefined ? null : value };
  });
}

/** `a.b[2].c` → ['a', 'b', 2, 'c']; field names are letters, digits, "_" and "-", as in scenarios. */
function parsePath(s: string, text: string): Path {
  const field = '[A-Za-z_][\\w-]*(?:\\[\\d+\\])*';
  if (!new RegExp(`^${field}(?:\\.${field})*$`).test(s))
    throw new UserError(
      `--set ${text}: "${s}" is not a field path; expected e.g. cluster.fakeNodes or phases[0].churn[0].count`,
    );
  return [...s.matchAll(/([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((m) => m[1] ?? Number(m[2]));
}

/**
 * Sets each override in the document. The path must lead through the file's own mappings and lists (a list
 * index within its length); its last field may be new (an optional field the file leaves out), which the
 * schema then checks like any other. Throws a UserError naming the --set when the path does not fit the file.
 */
export function applyOverrides(doc: Document, overrides: readonly Override[]): void {
  for (const o of overrides) {
    for (let n = 0; n < o.path.length; n++) {
      const parent = n === 0 ? doc.contents : doc.getIn(o.path.slice(0, n), true);
      const key = o.path[n]!;
      const where = n === 0 ? 'the scenario' : formatSetPath(o.path.slice(0, n));
      if (!isCollection(parent))
        throw new UserError(`--set ${o.text}: ${where} is not a mapping or a list, so it has no "${key}"`);
      if (typeof key === 'number') {
        if (!isSeq(parent)) throw new UserError(`--set ${o.text}: ${where} is a mapping, not a list`);
        if (key >= parent.items.length)
          throw new UserError(
            `--set ${o.text}: ${where} has ${parent.items.length} entries; index ${key} is past its end`,
          );
      } else if (!isMap(parent)) {
        throw new UserError(`--set ${o.text}: ${where} is a list; expected an index like [0]`);
      }
    }
    doc.setIn(o.path, doc.createNode(o.value));
  }
}

/** Whether a validation problem at `path` comes from an override: at its path or inside its value. */
export function overrideAt(overrides: readonly Override[], path: Path): Override | undefined {
  return [...overrides]
    .reverse()
    .find((o) => o.path.length <= path.length && o.path.every((p, i) => p === path[i]));
}

function formatSetPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
