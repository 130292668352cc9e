import { UserError } from '../../runners/errors.ts';
import { maxFakeNodes } from './addresses.ts';
import type { LabSpec } from './state.ts';

/** Lab names become namespace and directory names: short, lowercase, no "_" (it separates lab and part). */
export const labNamePattern = /^[a-z][a-z0-9-]{0,19}$/;

/** Checks `lab up`'s options before anything starts; every problem is reported at once. */
export function parseLabUpOptions(raw: Record<string, string | undefined>): LabSpec {
  const problems: string[] = [];
  const name = raw.name ?? 'lab';
  if (!labNamePattern.test(name)) {
    problems.push(
      `--name: expected 1–20 lowercase letters, digits or "-", starting with a letter; got "${name}"`,
    );
  }
  const int = (flag: string, value: string | undefined, min: number, max: number) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value.trim()) || n < min || n > max) {
      problems.push(`--${flag}: expected a whole number from ${min} to ${max}; got "${value}"`);
      return min;
    }
    return n;
  };
  const fakeNodes = int('fake-nodes', raw.fakeNodes, 0, maxFakeNodes);
  const nodeLeaseSeconds = int('node-lease-seconds', raw.nodeLeaseSeconds, 10, 3600);
  if (problems.length)
    throw new UserError(`lab up: bad arguments, nothing was started:\n  ${problems.join('\n  ')}`);
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'lab up needs root: it creates network namespaces',
      'run it as root (sudo -E npx scalelab lab up …)',
    );
  }
  return { name, fakeNodes, nodeLeaseSeconds };
}
