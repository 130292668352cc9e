/** A synthetic nightly history for the site's tests and its benchmark: the shipped example, night after night. */
import type { RunResults } from '../../runners/results/schema.ts';
import { exampleResults } from './synthetic.ts';

const day = 86_400_000;

/** Night i of a 100-night history: the real example, moved in time, its figures jittered, some nights invalid. */
export function night(i: number): RunResults {
  const r = exampleResults();
  const startedAt = new Date(Date.parse(r.manifest.startedAt) - (100 - i) * day).toISOString();
  (r as { manifest: RunResults['manifest'] }).manifest = { ...r.manifest, startedAt };
  let seed = i + 1;
  const jitter = () => 0.8 + 0.4 * ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const v of r.variants) {
    for (const m of v.measurements)
      for (const [k, x] of Object.entries(m.summary)) if (typeof x === 'number') m.summary[k] = x * jitter();
    if (i % 17 === 3 && v.id.startsWith('vxlan')) {
      v.status = 'invalid';
      v.validity = { valid: false, reasons: ['the harness itself used 0.93 cores on average'] };
    }
  }
  return r;
}
