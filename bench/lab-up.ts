/**
 * The first benchmark (issue 2): how fast this machine brings up a real control plane with N kwok nodes, what
 * each component costs, and how the apiserver answers meanwhile. For each size: lab up (time to all Ready),
 * an optional hold (nodes must stay Ready), an optional Deployment of fake pods (time to all Running).
 * Writes one JSON results file, rewritten after every phase so a failure keeps what was gathered.
 *
 *   npm run bench -- [--sizes 1000,5000] [--hold-seconds 300] [--pods 10000] [--out results]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { machineFacts } from '../infra/lab/host-facts.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { labUp } from '../infra/lab/local.ts';
import { loadKubeconfig } from '../infra/lab/kubeconfig.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import { countFakeNodes } from '../infra/lab/fake-nodes.ts';
import { apiserverGet } from '../infra/lab/apiserver-get.ts';
import { processUsage, sleep } from '../infra/lab/processes.ts';
import type { LabState } from '../infra/lab/state.ts';
import {
  histogram,
  histogramDelta,
  histogramQuantile,
  parsePrometheusText,
  type Histogram,
} from '../runners/measurements/prometheus.ts';
import { consoleLog } from '../runners/events.ts';
import { kwokPodSpec } from '../runners/churn/workload.ts';
import { interruptSignal } from '../runners/interrupt.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    'hold-seconds': { type: 'string', default: '300' },
    pods: { type: 'string', default: '10000' },
    out: { type: 'string', default: 'results' },
    name: { type: 'string', default: 'bench' },
  },
});
/** apiserver_request_duration_seconds verbs, grouped as the SIG-scalability API latency SLO groups them. */
const mutating = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const reading = new Set(['GET', 'LIST']);
const sizes = values.sizes.split(',').map(Number);
const holdSeconds = Number(values['hold-seconds']);
const podCount = Number(values.pods);
const log = consoleLog();
const signal = interruptSignal();
const started = new Date();
const outFile = join(values.out, `lab-up-${started.toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(values.out, { recursive: true });

const results = {
  schema: 'scalelab.bench.lab-up/v1',
  command: `npm run bench -- --sizes ${values.sizes} --hold-seconds ${holdSeconds} --pods ${podCount}`,
  startedAt: started.toISOString(),
  machine: machineFacts(),
  runs: [] as Record<string, unknown>[],
  errors: [] as string[],
};
const save = () => writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');

try {
  for (const size of sizes) {
    // Only the largest size carries the hold and the pods (kwok's own benchmark: 5,000 nodes, 10,000 pods).
    const last = size === Math.max(...sizes);
    await benchSize(size, last ? holdSeconds : 0, last ? podCount : 0);
  }
} catch (err) {
  results.errors.push(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
} finally {
  save();
  await labDown(values.name, log);
  log({ kind: 'info', message: `results: ${outFile}` });
}

async function benchSize(fakeNodes: number, hold: number, pods: number) {
  await labDown(values.name, log);
  const run: Record<string, unknown> = { fakeNodes };
  results.runs.push(run);
  const t0 = performance.now();
  const spec = parseLabUpOptions({
    name: values.name,
    fakeNodes: String(fakeNodes),
    nodeLeaseSeconds: '240',
  });
  const state = await labUp(spec, log, signal);
  run.upToAllReadySeconds = round((performance.now() - t0) / 1000);
  run.stepSeconds = state.stepSeconds;
  run.flags = state.flags;
  run.versions = state.versions;
  const phases: Record<string, unknown> = {};
  run.phases = phases;
  phases.up = await phaseSnapshot(state, undefined);
  save();
  const kc = loadKubeconfig(state);
  if (hold > 0) {
    const before = await scrape(state);
    const samples: { t: number; ready: number }[] = [];
    const holdStart = performance.now();
    while (performance.now() - holdStart < hold * 1000) {
      signal.throwIfAborted();
      samples.push({
        t: round((performance.now() - holdStart) / 1000),
        ready: (await countFakeNodes(kc)).ready,
      });
      log({
        kind: 'progress',
        step: `hold ${hold} s`,
        done: Math.round((performance.now() - holdStart) / 1000),
        total: hold,
        detail: `${samples.at(-1)!.ready} Ready`,
      });
      await sleep(Math.min(15_000, Math.max(0, hold * 1000 - (performance.now() - holdStart))));
    }
    phases.hold = {
      seconds: hold,
      minReady: Math.min(...samples.map((s) => s.ready)),
      samples,
      ...(await phaseSnapshot(state, before)),
    };
    save();
  }
  if (pods > 0) {
    const before = await scrape(state);
    const p0 = performance.now();
    const running = await runPods(kc, pods);
    phases.pods = {
      pods,
      runningSeconds: round((performance.now() - p0) / 1000),
      running,
      ...(await phaseSnapshot(state, before)),
    };
    save();
  }
}

/** A Deployment of fake pods (tolerating the kwok taint); returns once all are ready, as the ReplicaSet sees them. */
async function runPods(kc: KubeConfig, replicas: number): Promise<number> {
  const apps = kc.makeApiClient(AppsV1Api);
  const labels = { app: 'bench-pods', 'scalelab.io/run': 'bench' };
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'bench-pods', labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: kwokPodSpec(['pause']),
        },
      },
    },
  });
  for (;;) {
    signal.throwIfAborted();
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'bench-pods' });
    const ready = d.status?.readyReplicas ?? 0;
    log({ kind: 'progress', step: `${replicas} pods Running`, done: ready, total: replicas });
    if (ready >= replicas) return ready;
    await sleep(1000);
  }
}

interface Scrape {
  usage: Record<string, { cpuSeconds: number; peakRssBytes: number } | undefined>;
  harnessCpuSeconds: number;
  api: Histogram[];
  at: number;
}

async function scrape(state: LabState): Promise<Scrape> {
  const usage: Scrape['usage'] = {};
  for (const p of state.processes) usage[p.name] = processUsage(p.pid);
  const samples = parsePrometheusText(await apiserverGet(state, '/metrics', 30_000));
  const name = 'apiserver_request_duration_seconds';
  const cpu = process.cpuUsage();
  return {
    usage,
    harnessCpuSeconds: (cpu.user + cpu.system) / 1e6,
    api: [
      histogram(samples, name, (l) => mutating.has(l.verb ?? '')),
      histogram(samples, name, (l) => reading.has(l.verb ?? '')),
    ],
    at: performance.now(),
  };
}

/** CPU used per component since `before` (or since start), its peak RSS, and apiserver latency in between. */
async function phaseSnapshot(state: LabState, before: Scrape | undefined) {
  const now = await scrape(state);
  const components: Record<string, { cpuSeconds: number; cpuCores: number; peakRssMiB: number }> = {};
  const wall = before ? (now.at - before.at) / 1000 : undefined;
  for (const [name, u] of Object.entries(now.usage)) {
    if (!u) continue;
    const cpu = u.cpuSeconds - (before?.usage[name]?.cpuSeconds ?? 0);
    components[name] = {
      cpuSeconds: round(cpu),
      cpuCores: wall ? round(cpu / wall) : NaN,
      peakRssMiB: Math.round(u.peakRssBytes / 2 ** 20),
    };
  }
  components.harness = {
    cpuSeconds: round(now.harnessCpuSeconds - (before?.harnessCpuSeconds ?? 0)),
    cpuCores: NaN,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const latency = (i: number) => {
    const h = before ? histogramDelta(now.api[i]!, before.api[i]!) : now.api[i]!;
    return {
      requests: h.count,
      p50Ms: ms(histogramQuantile(0.5, h)),
      p90Ms: ms(histogramQuantile(0.9, h)),
      p99Ms: ms(histogramQuantile(0.99, h)),
    };
  };
  return {
    wallSeconds: wall === undefined ? undefined : round(wall),
    components,
    apiserverLatency: { mutating: latency(0), readOnly: latency(1) },
  };
}

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
function ms(seconds: number) {
  return Number.isNaN(seconds) ? null : round(seconds * 1000);
}
