/** Reading `unknown` JSON (measurement details) without trusting its shape. */

export function listOf(details: unknown, key: string): Record<string, unknown>[] {
  const list = isObject(details) ? details[key] : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}
