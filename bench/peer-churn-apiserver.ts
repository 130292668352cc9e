/**
 * The apiserver's side of a phase, the same for both tools: requests by status code and latency from its
 * /metrics, CPU per lab process; and the waits that keep one phase's aftermath (scheduling, kwok, the
 * EndpointSlice controller) out of the next phase's window.
 */
import { apiserverGet } from '../infra/lab/apiserver-get.ts';
import { processUsage, sleep } from '../infra/lab/processes.ts';
import type { LabState } from '../infra/lab/state.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Sample,
} from '../runners/measurements/prometheus.ts';

export interface Scrape {
  readonly samples: readonly Sample[];
  /** CPU seconds so far of each lab process (apiserver, etcd, kcm, scheduler, kwok, forwarder, gateway). */
  readonly cpu: Readonly<Record<string, number>>;
  readonly at: number;
}

export async function scrape(state: LabState): Promise<Scrape> {
  const samples = parsePrometheusText(await apiserverGet(state, '/metrics', 60_000));
  const cpu: Record<string, number> = {};
  for (const p of state.processes) {
    const u = processUsage(p.pid);
    if (u) cpu[p.name] = u.cpuSeconds;
  }
  return { samples, cpu, at: performance.now() };
}

export type Labels = Readonly<Record<string, string>>;

/** Requests the apiserver served between two scrapes, by status code, for the requests `match` selects. */
export function requestsByCode(
  before: readonly Sample[],
  after: readonly Sample[],
  match: (l: Labels) => boolean,
): Record<string, number> {
  const sum = (samples: readonly Sample[]) => {
    const byCode: Record<string, number> = {};
    for (const s of samples) {
      if (s.name !== 'apiserver_request_total' || !match(s.labels)) continue;
      const code = s.labels.code ?? '?';
      byCode[code] = (byCode[code] ?? 0) + s.value;
    }
    return byCode;
  };
  const a = sum(before);
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(sum(after))) {
    const d = n - (a[code] ?? 0);
    if (d > 0) out[code] = d;
  }
  return out;
}

/** Requests answered with anything but 2xx. */
export function non2xx(byCode: Readonly<Record<string, number>>): number {
  return Object.entries(byCode).reduce((n, [code, c]) => (code.startsWith('2') ? n : n + c), 0);
}

/** Quantiles of apiserver_request_duration_seconds between two scrapes, in ms (null without requests). */
export function latencyMs(
  before: readonly Sample[],
  after: readonly Sample[],
  match: (l: Labels) => boolean,
): { requests: number; p50Ms: number | null; p99Ms: number | null } {
  const name = 'apiserver_request_duration_seconds';
  const h = histogramDelta(histogram(after, name, match), histogram(before, name, match));
  const ms = (q: number) => {
    const s = histogramQuantile(q, h);
    return Number.isNaN(s) ? null : Math.round(s * 1000);
  };
  return { requests: h.count, p50Ms: ms(0.5), p99Ms: ms(0.99) };
}

/** CPU seconds each lab process used between two scrapes. */
export function cpuDelta(before: Scrape, after: Scrape): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, s] of Object.entries(after.cpu)) out[name] = round(s - (before.cpu[name] ?? 0));
  return out;
}

/** Create and delete requests of every client, as the SLO groups mutating calls. */
const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function mutatingCount(samples: readonly Sample[]): number {
  let n = 0;
  for (const s of samples)
    if (s.name === 'apiserver_request_total' && mutating.has(s.labels.verb ?? '')) n += s.value;
  return n;
}

/**
 * Waits until the whole cluster writes less than `quietPerSecond` times a second (kwok's leases and status
 * updates, the scheduler's bindings, kcm's EndpointSlices, the garbage collector), at most `maxSeconds`.
 */
export async function waitQuiet(
  state: LabState,
  signal: AbortSignal,
  quietPerSecond = 50,
  maxSeconds = 180,
): Promise<number> {
  const t0 = performance.now();
  let last = mutatingCount((await scrape(state)).samples);
  let lastAt = performance.now();
  while ((performance.now() - t0) / 1000 < maxSeconds) {
    signal.throwIfAborted();
    await sleep(2000);
    const now = mutatingCount((await scrape(state)).samples);
    const rate = (now - last) / ((performance.now() - lastAt) / 1000);
    if (rate < quietPerSecond) break;
    last = now;
    lastAt = performance.now();
  }
  return round((performance.now() - t0) / 1000);
}

/**
 * How many objects a list returns. Counting what exists before and after a phase tells what a tool created or
 * deleted whatever its client reports, and leaves out other clients' requests (kwok also DELETEs the pods it
 * sees terminating; those answers are mostly 404s).
 */
export async function countListed(state: LabState, path: string): Promise<number> {
  const list = JSON.parse(await apiserverGet(state, path, 60_000)) as { items?: unknown[] };
  return list.items?.length ?? 0;
}

/**
 * Waits until a list finds nothing (a small page, so polling stays cheap); e.g. pods of a run not yet Running
 * (fieldSelector status.phase!=Running), or objects of a run not yet gone.
 */
export async function waitNone(
  state: LabState,
  path: string,
  signal: AbortSignal,
  maxSeconds = 600,
): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    signal.throwIfAborted();
    const sep = path.includes('?') ? '&' : '?';
    const list = JSON.parse(await apiserverGet(state, `${path}${sep}limit=1`, 30_000)) as {
      items?: unknown[];
    };
    if (!list.items?.length) return round((performance.now() - t0) / 1000);
    if ((performance.now() - t0) / 1000 > maxSeconds)
      throw new Error(`still listed after ${maxSeconds} s: ${path}`);
    await sleep(1000);
  }
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
