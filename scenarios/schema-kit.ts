/**
 * A small schema kit: one definition gives the TypeScript type (Infer), the validation (every problem, with
 * its field path) and the JSON Schema that editors use. What scenario files need; results files add a few
 * combinators of their own (schema-kit-results.ts).
 */
export type Path = readonly (string | number)[];
export interface Issue {
  readonly path: Path;
  readonly message: string;
}

export interface Schema<T> {
  /** Returns the value (defaults filled in), or undefined after pushing issues. */
  parse(value: unknown, path: Path, issues: Issue[]): T | undefined;
  jsonSchema(): Record<string, unknown>;
  /** Set on optional() schemas: absent keys are fine. */
  readonly optional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

export function number(
  o: { min?: number; max?: number; integer?: boolean; unit?: string; description?: string } = {},
): Schema<number> {
  const what = `${o.integer ? 'a whole number' : 'a number'}${o.min !== undefined ? ` ≥ ${o.min}` : ''}${o.max !== undefined ? ` and ≤ ${o.max}` : ''}${o.unit ? ` (${o.unit})` : ''}`;
  return {
    parse(v, path, issues) {
      const ok =
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (!o.integer || Number.isInteger(v)) &&
        (o.min === undefined || v >= o.min) &&
        (o.max === undefined || v <= o.max);
      if (!ok) issues.push({ path, message: `must be ${what}, got ${show(v)}` });
      return ok ? (v as number) : undefined;
    },
    jsonSchema: () => ({
      type: o.integer ? 'integer' : 'number',
      minimum: o.min,
      maximum: o.max,
      description: o.description,
    }),
  };
}

export function string(o: { pattern?: RegExp; hint?: string; description?: string } = {}): Schema<string> {
  return {
    parse(v, path, issues) {
      if (typeof v !== 'string' || (o.pattern && !o.pattern.test(v))) {
        issues.push({ path, message: `must be ${o.hint ?? 'a string'}, got ${show(v)}` });
        return undefined;
      }
      return v;
    },
    jsonSchema: () => ({ type: 'string', pattern: o.pattern?.source, description: o.description }),
  };
}

export function boolean(description?: string): Schema<boolean> {
  return {
    parse(v, path, issues) {
      if (typeof v !== 'boolean') {
        issues.push({ path, message: `must be true or false, got ${show(v)}` });
        return undefined;
      }
      return v;
    },
    jsonSchema: () => ({ type: 'boolean', description }),
  };
}

export function oneOf<const T extends string>(values: readonly T[], description?: string): Schema<T> {
  return {
    parse(v, path, issues) {
      if (!values.includes(v as T)) {
        issues.push({ path, message: `must be one of ${values.join(', ')}, got ${show(v)}` });
        return undefined;
      }
      return v as T;
    },
    jsonSchema: () => ({ enum: [...values], description }),
  };
}

export function array<T>(
  item: Schema<T>,
  o: { min?: number; max?: number; description?: string } = {},
): Schema<T[]> {
  return {
    parse(v, path, issues) {
      if (!Array.isArray(v)) {
        issues.push({ path, message: `must be a list, got ${show(v)}` });
        return undefined;
      }
      if ((o.min !== undefined && v.length < o.min) || (o.max !== undefined && v.length > o.max)) {
        issues.push({
          path,
          message: `must have ${o.min ?? 0}${o.max !== undefined ? `–${o.max}` : ' or more'} entries, got ${v.length}`,
        });
      }
      const out: T[] = [];
      v.forEach((x, i) => {
        const r = item.parse(x, [...path, i], issues);
        if (r !== undefined) out.push(r);
      });
      return out.length === v.length ? out : undefined;
    },
    jsonSchema: () => ({
      type: 'array',
      items: item.jsonSchema(),
      minItems: o.min,
      maxItems: o.max,
      description: o.description,
    }),
  };
}

/** An optional field, with the value it takes when absent (or undefined without one). */
export function optional<T>(inner: Schema<T>): Schema<T | undefined>;
export function optional<T>(inner: Schema<T>, fallback: NoInfer<T>): Schema<T>;
export function optional<T>(inner: Schema<T>, fallback?: T): Schema<T | undefined> {
  return {
    optional: true,
    parse: (v, path, issues) => (v === undefined ? fallback : inner.parse(v, path, issues)),
    jsonSchema: () => ({ ...inner.jsonSchema(), default: fallback }),
  };
}

export type Shape = Record<string, Schema<unknown>>;
type MaybeKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, MaybeKeys<S>>]: Infer<S[K]> } & {
  [K in MaybeKeys<S>]?: Infer<S[K]>;
};

/** A mapping with exactly these keys: unknown keys are reported (a typo must not silently do nothing). */
export function object<S extends Shape>(shape: S, description?: string): Schema<ObjectOf<S>> {
  return {
    parse: (v, path, issues) => parseShape(shape, false, v, path, issues) as ObjectOf<S> | undefined,
    jsonSchema: () => shapeJsonSchema(shape, false, description),
  };
}

/**
 * Parses a mapping against a shape; `open` keeps keys the shape does not name (as they are) instead of
 * reporting them.
 */
export function parseShape(
  shape: Shape,
  open: boolean,
  v: unknown,
  path: Path,
  issues: Issue[],
): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.push({ path, message: `must be a mapping, got ${show(v)}` });
    return undefined;
  }
  const rec = v as Record<string, unknown>;
  const before = issues.length;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rec)) {
    if (key in shape) continue;
    if (open) out[key] = rec[key];
    else
      issues.push({
        path: [...path, key],
        message: `unknown field; known: ${Object.keys(shape).join(', ')}`,
      });
  }
  for (const [key, s] of Object.entries(shape)) {
    if (rec[key] === undefined && !s.optional) {
      issues.push({ path: [...path, key], message: `is required (${expectation(s)})` });
      continue;
    }
    const value = s.parse(rec[key], [...path, key], issues);
    if (value !== undefined) out[key] = value;
  }
  return issues.length === before ? out : undefined;
}

/** What a schema expects, in its own words: "must be a list", from what it says of a missing value. */
function expectation(s: Schema<unknown>): string {
  const said: Issue[] = [];
  s.parse(undefined, [], said);
  return said[0]?.message.replace(/, got nothing$/, '') ?? 'a value';
}

export function shapeJsonSchema(shape: Shape, open: boolean, description?: string): Record<string, unknown> {
  return {
    type: 'object',
    description,
    additionalProperties: open,
    properties: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.jsonSchema()])),
    required: Object.entries(shape)
      .filter(([, s]) => !s.optional)
      .map(([k]) => k),
  };
}

/** One of several mappings, told apart by the value of one key (`type` for pacers, `name` for measurements). */
export function tagged<const K extends string, S extends Record<string, Schema<object>>>(
  key: K,
  variants: S,
  description?: string,
): Schema<{ [V in keyof S]: Infer<S[V]> & { [P in K]: V } }[keyof S]> {
  return {
    parse(v, path, issues) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        issues.push({ path, message: `must be a mapping, got ${show(v)}` });
        return undefined;
      }
      const tag = (v as Record<string, unknown>)[key];
      const s = typeof tag === 'string' ? variants[tag] : undefined;
      if (!s) {
        issues.push({
          path: [...path, key],
          message: `must be one of ${Object.keys(variants).join(', ')}, got ${show(tag)}`,
        });
        return undefined;
      }
      const rest = { ...(v as Record<string, unknown>) };
      delete rest[key];
      const r = s.parse(rest, path, issues);
      return r === undefined ? undefined : ({ [key]: tag, ...r } as never);
    },
    jsonSchema: () => ({
      description,
      oneOf: Object.entries(variants).map(([k, s]) => {
        const js = s.jsonSchema() as { properties?: object; required?: string[] };
        return {
          ...js,
          properties: { [key]: { const: k }, ...js.properties },
          required: [key, ...(js.required ?? [])],
        };
      }),
    }),
  };
}
