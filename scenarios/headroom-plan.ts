/**
 * The planner's side of a headroom search: the values the steps take, the phases each step runs, and the rules
 * a headroom section must meet before anything starts. Pure: runners/headroom.ts does the running.
 */
import type { Issue } from './schema-kit.ts';
import type { HeadroomSpec, Phase, Scenario, SloName } from './schema.ts';

/** More steps than this is a search that should start higher or climb faster. */
export const maxHeadroomSteps = 20;

/** start, then ×factor or +step each time, while at most max; Service counts are whole, rates to 0.01/s. */
export function stepValues(h: HeadroomSpec): number[] {
  const round = (x: number) => (h.vary === 'services' ? Math.round(x) : Math.round(x * 100) / 100);
  const out: number[] = [];
  // Rounding can only repeat a value for tiny factors; the guard keeps the list strictly rising.
  for (let x = h.start, k = 0; x <= h.max * (1 + 1e-9) && k <= maxHeadroomSteps; k++) {
    const v = round(x);
    if (out.at(-1) !== v) out.push(v);
    x = h.factor !== undefined ? x * h.factor : x + (h.step ?? 0);
    if (h.factor === undefined && h.step === undefined) break;
  }
  return out;
}

/**
 * The phases one step runs. churnRate: every churn at the step's rate for stepSeconds (count = rate ×
 * stepSeconds, so each step offers load for the same time); services: the phases as written, once the cluster
 * has been grown to the step's Service count.
 */
export function stepPhases(s: Scenario, h: HeadroomSpec, value: number): Phase[] {
  if (h.vary === 'services') return s.phases;
  return s.phases.map((p) => ({
    ...p,
    churn: p.churn.map((c) => ({
      ...c,
      count: Math.max(1, Math.round(value * h.stepSeconds)),
      pace: c.pace.type === 'poisson' ? { type: 'poisson', qps: value } : { type: 'qps', qps: value },
    })),
  }));
}

/** The SLOs judged after each step: those named, or every SLO the scenario sets a threshold for. */
export function watchedSlos(s: Scenario, h: HeadroomSpec): SloName[] {
  return h.slos ?? (Object.keys(s.slos) as SloName[]).filter((k) => s.slos[k] !== undefined);
}

/** Rules that span the headroom section and the rest of the scenario (scenarios/load.ts reports them). */
export function headroomIssues(s: Scenario): Issue[] {
  const h = s.headroom;
  if (!h) return [];
  const issues: Issue[] = [];
  const at = (...path: (string | number)[]) => ['headroom', ...path];
  if ((h.factor === undefined) === (h.step === undefined))
    issues.push({
      path: at(h.factor === undefined ? 'factor' : 'step'),
      message:
        h.factor === undefined
          ? 'give either factor (multiply each step) or step (add each step)'
          : 'give factor or step, not both',
    });
  if (h.max < h.start)
    issues.push({ path: at('max'), message: `must be at least start (${h.start}), got ${h.max}` });
  else if (h.factor !== undefined || h.step !== undefined) {
    const n = Math.floor(
      h.factor !== undefined
        ? Math.log(h.max / h.start) / Math.log(h.factor) + 1e-9
        : (h.max - h.start) / h.step! + 1e-9,
    );
    if (n + 1 > maxHeadroomSteps)
      issues.push({
        path: at('max'),
        message: `the search would take ${n + 1} steps from ${h.start} to ${h.max}; at most ${maxHeadroomSteps}: raise factor or step, or lower max`,
      });
  }
  const slos = watchedSlos(s, h);
  if (slos.length === 0)
    issues.push({
      path: at(),
      message: 'needs an SLO to search against: set a threshold under slos (e.g. slos.apiMutatingP99Ms)',
    });
  (h.slos ?? []).forEach((name, i) => {
    if (s.slos[name] === undefined)
      issues.push({ path: at('slos', i), message: `"${name}" has no threshold: set slos.${name}` });
  });
  if (h.vary === 'churnRate') {
    if (h.max > 1000)
      issues.push({
        path: at('max'),
        message: `a churn rate is at most 1000 changes per second, got ${h.max}`,
      });
    if (!s.phases.some((p) => p.churn.length > 0))
      issues.push({ path: at('vary'), message: 'churnRate needs a phase with churn to raise the rate of' });
    s.phases.forEach((p, i) =>
      p.churn.forEach((c, j) => {
        if (c.pace.type !== 'qps' && c.pace.type !== 'poisson')
          issues.push({
            path: ['phases', i, 'churn', j, 'pace', 'type'],
            message: `headroom.vary churnRate sets every churn's rate: use a qps or poisson pace, got "${c.pace.type}"`,
          });
      }),
    );
  } else {
    if (s.background.services === 0)
      issues.push({
        path: at('vary'),
        message:
          'services grows the cluster with Services backed by the background pods: set background.services above 0',
      });
    else if (h.start < s.background.services)
      issues.push({
        path: at('start'),
        message: `must be at least background.services (${s.background.services}): the cluster starts with those, got ${h.start}`,
      });
  }
  return issues;
}

/** How a step's value reads: "40 changes/s", "2,000 Services". */
export function headroomUnit(vary: HeadroomSpec['vary']): string {
  return vary === 'churnRate' ? 'changes per second' : 'Services';
}
