import type { Pace } from '../../scenarios/schema.ts';

/** When each of `count` actions starts, in seconds from the start of the phase (clusterloader2's tuning sets). */
export function schedule(pace: Pace, count: number, random: () => number): number[] {
  const at: number[] = [];
  switch (pace.type) {
    case 'qps':
      for (let i = 0; i < count; i++) at.push(i / pace.qps);
      break;
    case 'poisson': {
      let t = 0;
      for (let i = 0; i < count; i++) {
        at.push(t);
        t += -Math.log(1 - random()) / pace.qps;
      }
      break;
    }
    case 'steps': {
      let t = 0;
      for (let s = 0; at.length < count; s = Math.min(s + 1, pace.steps.length - 1)) {
        const step = pace.steps[s]!;
        const n =
          s === pace.steps.length - 1
            ? count - at.length
            : Math.min(count - at.length, Math.round(step.qps * step.seconds));
        for (let i = 0; i < n; i++) at.push(t + i / step.qps);
        t += s === pace.steps.length - 1 ? n / step.qps : step.seconds;
      }
      break;
    }
    case 'burst':
      for (let i = 0; i < count; i++) at.push(Math.floor(i / pace.size) * pace.intervalSeconds);
      break;
  }
  return at;
}

/** The rate the pace asks for (actions per second): its nominal rate, averaged over the steps for a ramp. */
export function targetQps(pace: Pace): number {
  switch (pace.type) {
    case 'qps':
    case 'poisson':
      return pace.qps;
    case 'steps': {
      const total = pace.steps.reduce((a, s) => a + s.seconds, 0);
      return pace.steps.reduce((a, s) => a + s.qps * s.seconds, 0) / total;
    }
    case 'burst':
      return pace.size / pace.intervalSeconds;
  }
}

/** mulberry32: a small seeded generator, so a scenario's seed replays the same arrivals. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
