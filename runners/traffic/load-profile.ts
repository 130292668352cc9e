/**
 * k6-style load profiles: a TypeScript module exporting `options` and a default function run once per iteration
 * by each virtual user. What the agent offers the function in place of k6's `http` module is `vu.get(url)`,
 * which times a GET on a new connection into the k6-named metrics.
 *
 *   export const options: ProfileOptions = { vus: 4, duration: '30s', thresholds: { http_req_failed: ['rate<0.01'] } };
 *   export default async function (vu: VirtualUser) { await vu.get(`http://${vu.env.TARGET}/hostname`); }
 */
import { AgentMetrics, thresholdHolds, trendNames, type TrendName } from './metrics.ts';
import { timedGet, type RequestTimings } from './http-timings.ts';

export interface ProfileOptions {
  /** Constant virtual users (ignored when stages are given). */
  readonly vus?: number;
  /** '30s', '2m', '500ms'. With iterations instead: the total, shared by the VUs. */
  readonly duration?: string;
  readonly iterations?: number;
  /** Ramping VUs: each stage moves to `target` VUs over `duration`. */
  readonly stages?: readonly { duration: string; target: number }[];
  /**
   * k6's constant-arrival-rate: start this many iterations per second whatever the latency (an open model),
   * with at most `vus` running at once; arrivals with no free VU are counted as dropped_iterations.
   */
  readonly rate?: number;
  /** k6 thresholds: metric name → expressions, e.g. { http_req_duration: ['p(99)<200'] }. */
  readonly thresholds?: Readonly<Record<string, readonly string[]>>;
}

export interface VirtualUser {
  readonly id: number;
  readonly iteration: number;
  readonly env: Readonly<Record<string, string>>;
  /**
   * A timed GET on a new connection, recorded in the k6 metrics unless `tracked` is false (a paired profile's
   * reference requests, which must not mix into the figures of the target it is paired with).
   */
  get(url: string, options?: { tracked?: boolean }): Promise<RequestTimings>;
  /**
   * Keeps a raw value (ms) in the report's `samples[name]`, for statistics a histogram cannot give: signed
   * values, the order statistics of a per-pair difference. At most 200,000 a series per worker.
   */
  sample(name: string, value: number): void;
}

export interface ProfileModule {
  readonly options: ProfileOptions;
  readonly default: (vu: VirtualUser) => Promise<void>;
}

export interface ProfileReport {
  readonly summary: ReturnType<AgentMetrics['summary']>;
  readonly thresholds: { metric: string; expression: string; ok: boolean }[];
  readonly seconds: number;
  /** The trends' HDR histograms (compressed base64), so the harness can merge workers' reports. */
  readonly histograms?: Record<TrendName, string>;
  /** What the profile kept with vu.sample(), by name, in the order taken. */
  readonly samples?: Record<string, number[]>;
}

const maxSamples = 200_000;

export function parseDuration(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d.trim());
  if (!m) throw new Error(`duration "${d}": expected e.g. 500ms, 30s, 2m`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Runs a profile to completion and judges its thresholds; iterations that throw count as failed iterations. */
export async function runProfile(
  p: ProfileModule,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<ProfileReport> {
  const metrics = new AgentMetrics();
  const samples: Record<string, number[]> = {};
  const o = p.options;
  const t0 = performance.now();
  const stages = o.stages ?? [{ duration: o.duration ?? '0s', target: o.vus ?? 1 }];
  const total = stages.reduce((a, s) => a + parseDuration(s.duration), 0);
  let remaining = o.iterations;
  const wanted = (elapsed: number) => {
    if (!o.stages) return o.vus ?? 1;
    let from = 0;
    let start = 0;
    for (const s of stages) {
      const d = parseDuration(s.duration);
      if (elapsed < start + d) return Math.round(from + ((s.target - from) * (elapsed - start)) / d);
      from = s.target;
      start += d;
    }
    return from;
  };
  const more = () =>
    !signal?.aborted && (remaining !== undefined ? remaining > 0 : performance.now() - t0 < total);
  const iterate = async (id: number, iteration: number) => {
    if (remaining !== undefined) remaining--;
    await p
      .default({
        id,
        iteration,
        env,
        get: async (url, options) => {
          const t = await timedGet(url);
          if (options?.tracked !== false) metrics.addRequest(t);
          return t;
        },
        sample: (name, value) => {
          const series = (samples[name] ??= []);
          if (series.length < maxSamples) series.push(value);
        },
      })
      .catch(() => {});
    metrics.iterations++;
  };
  const vu = async (id: number) => {
    for (let iteration = 0; more(); iteration++) {
      if (id >= wanted(performance.now() - t0)) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      await iterate(id, iteration);
    }
  };
  // With iterations instead of a duration, arrivals go on until they are used up.
  const arrivalsEndMs = remaining !== undefined ? Infinity : total;
  if (o.rate !== undefined) await arrivals(o.rate, o.vus ?? 1, t0, arrivalsEndMs, more, iterate, metrics);
  else {
    const maxVus = Math.max(o.vus ?? 1, ...stages.map((s) => s.target));
    await Promise.all(Array.from({ length: maxVus }, (_, i) => vu(i)));
  }

  const summary = metrics.summary();
  const thresholds = Object.entries(o.thresholds ?? {}).flatMap(([metric, exprs]) =>
    exprs.map((expression) => {
      const value = (trendNames as readonly string[]).includes(metric)
        ? summary.trends[metric as TrendName]
        : metric === 'http_req_failed'
          ? summary.http_req_failed
          : metric === 'http_reqs'
            ? summary.http_reqs
            : undefined;
      if (value === undefined) throw new Error(`threshold on unknown metric "${metric}"`);
      return { metric, expression, ok: thresholdHolds(expression, value) };
    }),
  );
  return {
    summary,
    thresholds,
    seconds: Math.round(performance.now() - t0) / 1000,
    histograms: metrics.histograms(),
    ...(Object.keys(samples).length ? { samples } : {}),
  };
}

/** The constant-arrival-rate executor: arrival n is due at t0 + n/rate, late or not; a busy pool drops it. */
async function arrivals(
  rate: number,
  maxVus: number,
  t0: number,
  endMs: number,
  more: () => boolean,
  iterate: (id: number, iteration: number) => Promise<void>,
  metrics: AgentMetrics,
): Promise<void> {
  const free = Array.from({ length: maxVus }, (_, i) => i);
  const running = new Set<Promise<void>>();
  for (let n = 0; (n * 1000) / rate < endMs; n++) {
    const wait = t0 + (n * 1000) / rate - performance.now();

    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!more()) break;
    const id = free.pop();
    if (id === undefined) {
      metrics.droppedIterations++;
      continue;
    }
    const run: Promise<void> = iterate(id, n).finally(() => {
      free.push(id);
      running.delete(run);
    });
    running.add(run);
  }
  await Promise.all(running);
}
