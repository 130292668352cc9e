/** How much of a run is left, from the variants finished so far or the plan: the console log prints it. */
export interface RunProgress {
  readonly variants: number;
  /** Seconds each finished variant took. */
  readonly finished: readonly number[];
  /** Seconds since the current variant started (0 between variants). */
  readonly currentSeconds: number;
  /** plannedPhaseSeconds of the scenario, when the caller knows it. */
  readonly plannedPhaseSeconds?: number;
}

/** "about 12 min left (3 of 6 labs to go at 4.1 min each, measured)", or undefined when nothing is known. */
export function remainingEstimate(p: RunProgress): string | undefined {
  const toGo = p.variants - p.finished.length;
  if (toGo <= 0) return undefined;
  if (p.finished.length > 0) {
    const mean = p.finished.reduce((a, b) => a + b, 0) / p.finished.length;
    const left = Math.max(0, toGo * mean - p.currentSeconds);
    return `about ${minutes(left)} left (${toGo} of ${p.variants} labs to go at ${minutes(mean)} each, the mean of those finished)`;
  }
  if (p.plannedPhaseSeconds === undefined) return undefined;
  // The current variant may already run past the plan (lab up, measurements); the ones after it still take it.
  const left = Math.max(0, p.plannedPhaseSeconds - p.currentSeconds) + (toGo - 1) * p.plannedPhaseSeconds;
  return `at least ${minutes(left)} left (${toGo} of ${p.variants} labs × ${minutes(p.plannedPhaseSeconds)} of phases by the plan; lab up and measurements come on top until a lab has finished)`;
}

/** 42 s, 3.5 min, 2.1 h. */
export function minutes(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
