/**
 * A measurement whose start, snapshots and stop each print how long they took (debug lines, `run -v`): where a
 * round's gap between churns and the stop's minutes go, measurement by measurement and variant by variant.
 */
import type { Log } from '../events.ts';
import type { Measurement } from './measurement.ts';

export function timedMeasurement(m: Measurement, label: string, log: Log): Measurement {
  const timed = async (what: string, step: () => Promise<void>) => {
    const t0 = performance.now();
    try {
      await step();
    } finally {
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      log({ kind: 'debug', message: `${label}: ${what} ${seconds} s` });
    }
  };
  const mark = m.mark?.bind(m);
  return {
    start: () => timed('start', () => m.start()),
    ...(mark ? { mark: (phase, end) => timed(`snapshot after ${phase}`, () => mark(phase, end)) } : {}),
    stop: () => timed('stop', () => m.stop()),
    collect: () => m.collect(),
    ...(m.closesLast ? { closesLast: true } : {}),
  };
}
