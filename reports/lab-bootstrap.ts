/**
 * The interval of a paired difference whose rounds come from several labs. A lab's rounds share what the lab
 * settled once (where the scheduler put the pods, how each node's first sync left its tables, the machine's
 * speed that hour), so they are not independent draws: on 2026-12-06 datadog-talk's DNS answer moved between
 * runs by more than one run's interval. Resampling labs first and then rounds within each drawn lab (a two-stage
 * cluster bootstrap; Davison & Hinkley, 1997, §3.8) lets the interval hold the spread between labs as well as
 * between rounds. With few labs the bootstrap can still be narrow, so the interval is never narrower than the
 * pooled rounds' own (reports/signed-rank.ts).
 */
import { seededRandom } from '../runners/churn/pacers.ts';
import { hodgesLehmann, type HodgesLehmann } from './signed-rank.ts';

const resamples = 2000;

/** The Hodges–Lehmann estimate of every round pooled, with an interval that holds the spread between labs. */
export function acrossLabs(diffsByLab: readonly (readonly number[])[], level = 0.95): HodgesLehmann {
  const labs = diffsByLab.filter((d) => d.length > 0);
  const pooled = hodgesLehmann(labs.flat(), level);
  if (!pooled) throw new Error('no rounds to compare');
  if (labs.length < 2) return pooled;
  // A fixed seed: the same results render the same page.
  const random = seededRandom(18);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const estimates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample: number[] = [];
    for (let l = 0; l < labs.length; l++) {
      const lab = pick(labs);
      for (let r = 0; r < lab.length; r++) sample.push(pick(lab));
    }
    estimates.push(hodgesLehmann(sample)!.estimate);
  }
  estimates.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  const low = estimates[Math.floor(tail * (resamples - 1))]!;
  const high = estimates[Math.ceil((1 - tail) * (resamples - 1))]!;
  return {
    estimate: pooled.estimate,
    low: Math.min(low, pooled.low),
    high: Math.max(high, pooled.high),
    confidence: level,
  };
}
