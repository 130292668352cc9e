/** The arithmetic of the peer comparison and the ceiling: rates, ratios, and when a step counts as throttled. */

/** Objects per second, to 0.1. */
export function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0;
}

/** a ÷ b to 0.001 (null when b is 0): e.g. scalelab's rate over kube-burner's. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 1000) / 1000 : null;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What a tool did in one phase, and what the apiserver served for it. */
export interface PhaseRate {
  readonly count: number;
  readonly seconds: number;
}

/** Several phases taken as one (pods and Services): all objects over all the phases' seconds. */
export function combined(phases: readonly PhaseRate[]): {
  objects: number;
  seconds: number;
  perSecond: number;
} {
  const objects = phases.reduce((n, p) => n + p.count, 0);
  const seconds = phases.reduce((n, p) => n + p.seconds, 0);
  return { objects, seconds: Math.round(seconds * 1000) / 1000, perSecond: perSecond(objects, seconds) };
}

/**
 * Completions per second from the first completion to the last: a server that keeps up completes at the offered
 * rate whatever its latency (a step's seconds, start to last answer, would count the last answer's latency as
 * lost time); one that falls behind spreads its completions out.
 */
export function completionRate(doneAtMs: readonly number[]): number {
  if (doneAtMs.length < 2) return 0;
  const first = Math.min(...doneAtMs);
  const last = Math.max(...doneAtMs);
  return perSecond(doneAtMs.length - 1, (last - first) / 1000);
}

/** SIG-scalability's mutating-call SLO (p99 ≤ 1 s), and how far below the offered rate counts as falling behind. */
export const throttleLimits = { p99Ms: 1000, achievedFraction: 0.9 };

export interface StepOutcome {
  readonly offeredQps: number;
  readonly achievedQps: number;
  /** p99 of the apiserver's POSTs during the step (every client's), from its own histogram. */
  readonly postP99Ms: number | null;
  /** Requests the apiserver answered 429 Too Many Requests during the step. */
  readonly status429: number;
}

/**
 * Why a ceiling step counts as throttled; empty when the apiserver kept up within the SLO. `saturated`: it
 * answered 429s or fell behind, so the offered rate was past what it can take (see keepRaising).
 */
export function throttleReasons(
  step: StepOutcome,
  limits = throttleLimits,
): { saturated: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (step.status429 > 0) reasons.push(`${step.status429} requests answered 429`);
  const behind = step.achievedQps < step.offeredQps * limits.achievedFraction;
  if (behind) reasons.push(`achieved ${step.achievedQps}/s of ${step.offeredQps}/s offered`);
  if (step.postP99Ms !== null && step.postP99Ms > limits.p99Ms)
    reasons.push(`POST p99 ${step.postP99Ms} ms > ${limits.p99Ms} ms`);
  return { saturated: step.status429 > 0 || behind, reasons };
}

/**
 * Whether to offer the next, higher rate: yes until a step saturates without raising the best achieved rate by
 * 10%. One noisy step (a machine shared with other labs) that the next step recovers from is not the ceiling.
 */
export function keepRaising(steps: readonly { achievedQps: number; saturated: boolean }[]): boolean {
  const last = steps.at(-1);
  if (!last?.saturated) return true;
  const bestBefore = Math.max(0, ...steps.slice(0, -1).map((s) => s.achievedQps));
  return last.achievedQps > bestBefore * 1.1;
}

export interface Ceiling {
  /** The most the apiserver achieved in any step: its throughput ceiling for Service creates here. */
  readonly maxAchievedQps: number;
  /** The most it achieved in a step that was not throttled (kept up, p99 within the SLO); null if none. */
  readonly withinSloQps: number | null;
  /** The first offered rate that throttled for any reason; null when none did. */
  readonly kneeOfferedQps: number | null;
  /** Whether a step saturated; if not, maxAchievedQps is only a lower bound (offer more). */
  readonly saturated: boolean;
}

export function ceiling(
  steps: readonly (StepOutcome & { readonly saturated: boolean; readonly reasons: readonly string[] })[],
): Ceiling {
  const ok = steps.filter((s) => s.reasons.length === 0);
  return {
    maxAchievedQps: Math.max(0, ...steps.map((s) => s.achievedQps)),
    withinSloQps: ok.length ? Math.max(...ok.map((s) => s.achievedQps)) : null,
    kneeOfferedQps: steps.find((s) => s.reasons.length > 0)?.offeredQps ?? null,
    saturated: steps.some((s) => s.saturated),
  };
}
