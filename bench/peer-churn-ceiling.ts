/**
 * The apiserver's ceiling for Service creates on this machine: offer a rising rate, step by step, until the
 * apiserver throttles (429s) or falls behind (achieved < 90% of offered) and a higher offer no longer raises
 * what it achieves. The first step whose POST p99 passes 1 s marks the SLO's knee, which can come earlier.
 * The load is open loop: scalelab's pacer starts each create on time however slow the answers (up to 1,000
 * waiting), over the churn driver's client, so it is the one the burst comparison used.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { LabState } from '../infra/lab/state.ts';
import { openApiWrites, paths } from '../infra/api/api-writes.ts';
import { defaultMaxInFlight, runPaced } from '../runners/churn/paced.ts';
import { schedule } from '../runners/churn/pacers.ts';
import { createService } from '../runners/churn/workload.ts';
import { runLabel } from '../runners/run-label.ts';
import type { Log } from '../runners/events.ts';
import { cpuDelta, latencyMs, requestsByCode, scrape, waitNone, waitQuiet } from './peer-churn-apiserver.ts';
import { namespace } from './peer-churn-objects.ts';
import { completionRate, keepRaising, throttleReasons, type StepOutcome } from './peer-churn-rates.ts';

/** Creates allowed to wait for an answer at once: enough that the client never holds the offered rate back. */
export const openLoopInFlight = 1000;

export interface CeilingStep extends StepOutcome {
  readonly requested: number;
  readonly done: number;
  readonly seconds: number;
  readonly clientErrors: number;
  readonly clientErrorsByStatus: Readonly<Record<string, number>>;
  readonly postServicesP50Ms: number | null;
  readonly postServicesP99Ms: number | null;
  readonly postP50Ms: number | null;
  readonly apiserverCodes: Readonly<Record<string, number>>;
  readonly cpuSeconds: Readonly<Record<string, number>>;
  readonly saturated: boolean;
  readonly reasons: readonly string[];
}

export async function measureCeiling(
  state: LabState,
  kc: KubeConfig,
  rates: readonly number[],
  stepSeconds: number,
  log: Log,
  signal: AbortSignal,
  onStep: (steps: readonly CeilingStep[]) => void,
): Promise<CeilingStep[]> {
  const api = await openApiWrites(kc, defaultMaxInFlight);
  const steps: CeilingStep[] = [];
  try {
    for (const offeredQps of rates) {
      const runId = `ceiling-${offeredQps}`;
      const requested = Math.round(offeredQps * stepSeconds);
      const before = await scrape(state);
      const cpu0 = process.cpuUsage();
      const doneAt: number[] = [];
      const r = await runPaced(
        schedule({ type: 'qps', qps: offeredQps }, requested, Math.random),
        (i) =>
          createService(api, runId, { namespaces: [namespace], groups: 1 }, i + 1).then(
            () => void doneAt.push(performance.now()),
          ),
        { maxInFlight: openLoopInFlight, step: `ceiling: ${offeredQps} Service creates/s`, log, signal },
      );
      const cpu = process.cpuUsage(cpu0);
      const after = await scrape(state);
      const isPost = (l: Record<string, string>) => l.verb === 'POST';
      const postServices = (l: Record<string, string>) =>
        isPost(l) && l.resource === 'services' && !l.subresource;
      const post = latencyMs(before.samples, after.samples, isPost);
      const services = latencyMs(before.samples, after.samples, postServices);
      const codes = requestsByCode(before.samples, after.samples, () => true);
      const outcome: StepOutcome = {
        offeredQps,
        achievedQps: completionRate(doneAt),
        postP99Ms: post.p99Ms,
        status429: codes['429'] ?? 0,
      };
      const { saturated, reasons } = throttleReasons(outcome);
      steps.push({
        ...outcome,
        requested,
        done: r.done,
        seconds: Math.round(r.seconds * 1000) / 1000,
        clientErrors: r.errors,
        clientErrorsByStatus: r.errorsByStatus,
        postP50Ms: post.p50Ms,
        postServicesP50Ms: services.p50Ms,
        postServicesP99Ms: services.p99Ms,
        apiserverCodes: requestsByCode(before.samples, after.samples, postServices),
        cpuSeconds: { ...cpuDelta(before, after), harness: (cpu.user + cpu.system) / 1e6 },
        saturated,
        reasons,
      });
      onStep(steps);
      log({
        kind: 'info',
        message: `ceiling step ${offeredQps}/s: achieved ${outcome.achievedQps}/s, POST p99 ${post.p99Ms} ms${reasons.length ? ` — throttled: ${reasons.join('; ')}` : ''}`,
      });
      // Each step starts from the same cluster: this step's Services go (untimed) before the next.
      await runPaced(
        schedule({ type: 'burst', size: requested, intervalSeconds: 1 }, requested, Math.random),
        (i) => api.remove(paths.services(namespace, `svc-${i + 1}`)),
        { step: 'ceiling: delete the step’s Services', log, signal },
      );
      const selector = encodeURIComponent(`${runLabel}=${runId}`);
      await waitNone(state, `/api/v1/namespaces/${namespace}/services?labelSelector=${selector}`, signal);
      await waitQuiet(state, signal);
      if (!keepRaising(steps)) break;
    }
  } finally {
    api.close();
  }
  return steps;
}
