/**
 * The schema kit's combinators that results files need and scenarios do not: null where nothing was
 * measured, maps keyed by node or component, mappings that carry more than the report reads (raw samples, a
 * tool's own report), and values kept as they are.
 */
import {
  array,
  parseShape,
  shapeJsonSchema,
  show,
  type ObjectOf,
  type Schema,
  type Shape,
} from './schema-kit.ts';

/** The value, or null (a figure with nothing to compute it from). */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    parse: (v, path, issues) => (v === null ? null : inner.parse(v, path, issues)),
    jsonSchema: () => ({ anyOf: [inner.jsonSchema(), { type: 'null' }] }),
  };
}

/** A mapping from any key to values of one schema (by node, by component, by counter). */
export function record<T>(value: Schema<T>, description?: string): Schema<Record<string, T>> {
  return {
    parse(v, path, issues) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        issues.push({ path, message: `must be a mapping, got ${show(v)}` });
        return undefined;
      }
      const before = issues.length;
      const out: Record<string, T> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = value.parse(x, [...path, k], issues);
        if (r !== undefined) out[k] = r;
      }
      return issues.length === before ? out : undefined;
    },
    jsonSchema: () => ({ type: 'object', additionalProperties: value.jsonSchema(), description }),
  };
}

/** Any JSON value, kept as it is: what a report shows verbatim or never reads (a tool's own report). */
export function anyJson(description?: string): Schema<unknown> {
  return {
    parse: (v) => v,
    jsonSchema: () => ({ description }),
  };
}

/**
 * A mapping with at least these keys, typed; other keys are kept as they are (and untyped). For a
 * measurement's details: what the report reads is checked, and a measurement's extra figures (raw samples,
 * a newer version's additions) do not make a file unreadable.
 */
export function openObject<S extends Shape>(shape: S, description?: string): Schema<ObjectOf<S>> {
  return {
    parse: (v, path, issues) => parseShape(shape, true, v, path, issues) as ObjectOf<S> | undefined,
    jsonSchema: () => shapeJsonSchema(shape, true, description),
  };
}

/** A list the reader only reads: written from readonly arrays (a measurement's samples, a churn's errors). */
export function list<T>(item: Schema<T>, description?: string): Schema<readonly T[]> {
  return array(item, { description });
}
