/**
 * One phase of a variant run: its churns at their paces and its faults at their times, at once, then the hold.
 * The plain run calls it once per phase; a headroom search once per phase of every step.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Phase } from '../scenarios/schema.ts';
import type { LabState } from '../infra/lab/state.ts';
import { sleepUnlessAborted } from '../infra/lab/processes.ts';
import { timedStep, type Log } from './events.ts';
import type { Measurement, PhaseEnd } from './measurements/measurement.ts';
import { runChurn } from './churn/driver.ts';
import type { Background } from './churn/workload.ts';
import type { PhaseResult } from './results/schema.ts';
import { deadComponents, injectFault, type FaultRecord } from './faults.ts';
import { apiOnlyReason } from './cluster/target.ts';

/** What a phase runs against; `faults` collects every fault of the variant (deadComponents reads them all). */
export interface PhaseEnv {
  /** The lab's state; absent in a kubeconfig run, where faults (which kill processes) are skipped. */
  readonly state?: LabState;
  readonly kc: KubeConfig;
  readonly runId: string;
  readonly bg: Background;
  readonly random: () => number;
  readonly log: Log;
  readonly signal: AbortSignal;
  readonly faults: FaultRecord[];
}

/**
 * Runs the phase and marks the measurements at its end: each variant's in turn, the variants' at once (side by
 * side, their snapshots are taken in the same seconds). `dead` names the lab daemons no longer running (killed
 * by a fault or died): the caller records the phase, then fails the variant with them.
 */
export async function runPhase(
  phase: Phase,
  env: PhaseEnv,
  measurements: readonly (readonly Measurement[])[],
  name = phase.name,
  end: PhaseEnd = {},
): Promise<{ result: PhaseResult; dead: string[] }> {
  const { state, kc, log, signal } = env;
  const t0 = performance.now();
  const phaseFaults: FaultRecord[] = [];
  const { value: churn } = await timedStep(log, `phase ${name}`, async () => {
    const injected = phase.faults.map(async (f) => {
      if (!state) {
        const r = { kill: f.kill, target: f.kill, phase: name, at: new Date().toISOString() };
        phaseFaults.push({ ...r, error: apiOnlyReason(`killing ${f.kill}`) });
        log({ kind: 'warn', message: `fault ${f.kill} ${phaseFaults.at(-1)!.error}` });
        return;
      }
      await sleepUnlessAborted(f.afterSeconds * 1000, signal);
      const r = await injectFault(state, kc, f, name);
      phaseFaults.push(r);
      env.faults.push(r);
      log({
        kind: 'warn',
        message: `fault: ${r.error ? `could not kill ${r.target}: ${r.error}` : `killed ${r.target} (pid ${r.pid}) at ${r.at}`}`,
      });
    });
    const [stats] = await Promise.all([
      Promise.all(phase.churn.map((c) => runChurn(kc, env.runId, env.bg, c, env.random, log, signal))),
      Promise.all(injected),
    ]);
    if (phase.holdSeconds > 0) await sleepUnlessAborted(phase.holdSeconds * 1000, signal);
    return stats;
  });
  for (const c of churn)
    if (c.errors)
      log({
        kind: 'warn',
        message: `${name}: ${c.errors} API errors in ${c.kind} churn, e.g. ${c.firstErrors[0]}`,
      });
  const dead = state ? deadComponents(state, env.faults) : [];
  if (!dead.length)
    await Promise.all(
      measurements.map(async (ofVariant) => {
        for (const m of ofVariant) await m.mark?.(name, end);
      }),
    );
  const result: PhaseResult = {
    name,
    churn,
    holdSeconds: phase.holdSeconds,
    seconds: Math.round(performance.now() - t0) / 1000,
    ...(phaseFaults.length ? { faults: phaseFaults } : {}),
  };
  return { result, dead };
}
