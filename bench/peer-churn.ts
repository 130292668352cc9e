/**
 * Issue 7, items 1 and 2. (1) The same churn, against the same lab apiserver in one run, by kube-burner and by
 * scalelab's churn driver: create N kwok pods, then M Services, at unlimited QPS, then delete the pods, then
 * the Services; objects/s of each tool per phase and the ratio. (2) The apiserver's own ceiling for Service
 * creates (peer-churn-ceiling.ts), and scalelab's Service-create rate as a fraction of it.
 *
 * Each phase starts on a quiet cluster: after creating pods, we wait for kwok to run them all; after deletes,
 * for the objects to be gone; then for the cluster's writes to calm down. The results JSON is rewritten after
 * every phase, so a failure keeps what was measured.
 *
 *   npm run bench:peer -- --pods 2000 --services 2000 [--fake-nodes 100] [--rounds 2] [--out results]
 *     [--ceiling-rates 50,100,200,400,800 (empty: no ceiling)] [--step-seconds 10] [--name peer]
 *     [--max-in-flight all|64|…] [--http1]   (all: every change sent at once, as kube-burner; 64: the churn
 *     driver's default cap; --http1: the driver before HTTP/2)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { machineFacts } from '../infra/lab/host-facts.ts';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { labUp } from '../infra/lab/local.ts';
import { loadKubeconfig } from '../infra/lab/kubeconfig.ts';
import { labDown } from '../infra/lab/down.ts';
import { parseLabUpOptions } from '../infra/lab/spec.ts';
import type { LabState } from '../infra/lab/state.ts';
import { pin } from '../infra/versions.ts';
import { defaultMaxInFlight } from '../runners/churn/paced.ts';
import { runLabel } from '../runners/run-label.ts';
import { consoleLog } from '../runners/events.ts';
import { interruptSignal } from '../runners/interrupt.ts';
import {
  countListed,
  cpuDelta,
  latencyMs,
  non2xx,
  requestsByCode,
  scrape,
  waitNone,
  waitQuiet,
  type Labels,
} from './peer-churn-apiserver.ts';
import { measureCeiling, openLoopInFlight, type CeilingStep } from './peer-churn-ceiling.ts';
import { jobName, kubeBurnerFiles, unlimitedQps, type PeerPhase } from './peer-churn-kube-burner-config.ts';
import { runKubeBurner } from './peer-churn-kube-burner-run.ts';
import { namespace } from './peer-churn-objects.ts';
import { ceiling, combined, median, perSecond, ratio } from './peer-churn-rates.ts';
import { runScalelabPhase } from './peer-churn-scalelab.ts';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '2000' },
    services: { type: 'string', default: '2000' },
    'fake-nodes': { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    'ceiling-rates': { type: 'string', default: '50,100,200,400,800' },
    'step-seconds': { type: 'string', default: '10' },
    // No cap by default, as kube-burner; 64 (the churn driver's default) shows what the cap costs.
    'max-in-flight': { type: 'string', default: 'all' },
    // The driver as it was before HTTP/2: HTTP/1.1 over up to max-in-flight kept-alive connections.
    http1: { type: 'boolean', default: false },
    out: { type: 'string', default: 'results' },
    name: { type: 'string', default: 'peer' },
  },
});
const pods = Number(values.pods);
const services = Number(values.services);
const rounds = Number(values.rounds);
const rates = values['ceiling-rates'].split(',').filter(Boolean).map(Number);
const stepSeconds = Number(values['step-seconds']);
// `all`: no cap, as kube-burner runs (a churn's maxInFlight: count); a number: the cap a scenario can set.
const maxInFlight = values['max-in-flight'] === 'all' ? 0 : Number(values['max-in-flight']);
const client = { maxInFlight, http2: !values.http1 };
for (const [flag, n, min] of [
  ['pods', pods, 0],
  ['services', services, 0],
  ['rounds', rounds, 1],
  ['step-seconds', stepSeconds, 1],
  ['max-in-flight', maxInFlight, 0],
] as const)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag}: expected a whole number ≥ ${min}`);
if (!rates.every((q) => q > 0)) throw new Error('--ceiling-rates: expected rates > 0, e.g. 50,100,200');

type Tool = 'kube-burner' | 'scalelab';
const log = consoleLog();
const signal = interruptSignal();
const started = new Date();
const outFile = join(values.out, `peer-churn-${started.toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(values.out, { recursive: true });
const workDir = mkdtempSync(join(tmpdir(), 'scalelab-peer-'));

const results = {
  schema: 'scalelab.bench.peer-churn/v1',
  command: `node --import tsx bench/peer-churn.ts ${process.argv.slice(2).join(' ')}`.trim(),
  startedAt: started.toISOString(),
  machine: {
    ...machineFacts(),
    // Other labs may share the machine: the load average says how busy it was around the run.
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    loadAverageAtEnd: [] as number[],
  },
  params: {
    pods,
    services,
    fakeNodes: Number(values['fake-nodes']),
    rounds,
    namespace,
    kubeBurner: { version: pin('kube-burner').version, qps: unlimitedQps, burst: unlimitedQps },
    scalelab: {
      pace: 'burst of the whole count (no pacing)',
      maxInFlight: maxInFlight || 'all (the phase’s count)',
      connections: client.http2
        ? 'HTTP/2, a new connection when the open ones are at the apiserver’s stream limit'
        : 'HTTP/1.1, kept alive',
    },
    ceiling: {
      offeredQps: rates,
      stepSeconds,
      maxWaiting: openLoopInFlight,
      maxConnections: defaultMaxInFlight,
    },
  },
  versions: {} as Record<string, string>,
  rounds: [] as { order: Tool[]; tools: Partial<Record<Tool, ToolRun>> }[],
  summary: null as unknown,
  ceiling: { steps: [] as CeilingStep[], result: null as unknown },
  errors: [] as string[],
};
const save = () => writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');

interface PhaseRecord {
  readonly phase: string;
  /** Objects the tool created or deleted (listed before and after the phase), and the phase's seconds. */
  readonly count: number;
  readonly seconds: number;
  readonly objectsPerSecond: number;
  readonly requested: number;
  readonly clientErrors: number;
  readonly clientDetail: Record<string, unknown>;
  readonly apiserver: {
    codes: Record<string, number>;
    non2xx: number;
    p50Ms: number | null;
    p99Ms: number | null;
  };
  readonly cpuSeconds: Record<string, number>;
  /** Untimed: until pods run or objects are gone, then until the cluster is quiet. */
  readonly settleSeconds: number;
}
interface ToolRun {
  readonly runId: string;
  readonly phases: PhaseRecord[];
  create?: ReturnType<typeof combined>;
  delete?: ReturnType<typeof combined>;
}

try {
  await labDown(values.name, log);
  const state = await labUp(
    parseLabUpOptions({ name: values.name, fakeNodes: values['fake-nodes'], nodeLeaseSeconds: '240' }),
    log,
    signal,
  );
  results.versions = { ...state.versions, 'kube-burner': pin('kube-burner').version };
  const kc = loadKubeconfig(state);
  await waitQuiet(state, signal);
  for (let r = 0; r < rounds; r++) {
    // Alternate who goes first, so a drift in the machine's load does not favour one tool.
    const order: Tool[] = r % 2 === 0 ? ['kube-burner', 'scalelab'] : ['scalelab', 'kube-burner'];
    const round: (typeof results.rounds)[number] = { order, tools: {} };
    results.rounds.push(round);
    for (const tool of order) round.tools[tool] = await runTool(state, kc, tool, r);
  }
  results.summary = summarize();
  save();
  if (rates.length) await ceilingOf(state, kc);
} catch (err) {
  results.errors.push(err instanceof Error ? err.message : String(err));
  process.exitCode = process.exitCode || 1;
} finally {
  results.machine.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  save();
  await labDown(values.name, log);
  rmSync(workDir, { recursive: true, force: true });
  log({ kind: 'info', message: `results: ${outFile}` });
}

async function runTool(state: LabState, kc: KubeConfig, tool: Tool, round: number): Promise<ToolRun> {
  const runId = `${tool === 'kube-burner' ? 'kb' : 'sl'}-r${round}`;
  const run: ToolRun = { runId, phases: [] };
  const phases: PeerPhase[] = [
    { kind: 'pods', action: 'create', count: pods, runId },
    { kind: 'services', action: 'create', count: services, runId },
    { kind: 'pods', action: 'delete', count: pods, runId },
    { kind: 'services', action: 'delete', count: services, runId },
  ];
  for (const phase of phases.filter((p) => p.count > 0)) {
    log({ kind: 'step', step: `${tool}: ${phase.action} ${phase.count} ${phase.kind}`, status: 'start' });
    run.phases.push(await runPhase(state, kc, tool, phase));
    const last = run.phases.at(-1)!;
    log({
      kind: 'step',
      step: `${tool}: ${phase.action} ${phase.count} ${phase.kind}`,
      status: 'done',
      seconds: last.seconds,
      detail: `${last.objectsPerSecond} objects/s, ${last.apiserver.non2xx} non-2xx`,
    });
    const of = (action: string) => run.phases.filter((p) => p.phase.startsWith(action));
    run.create = combined(of('create'));
    run.delete = combined(of('delete'));
    save();
  }
  return run;
}

async function runPhase(state: LabState, kc: KubeConfig, tool: Tool, phase: PeerPhase): Promise<PhaseRecord> {
  const selector = `labelSelector=${encodeURIComponent(`${runLabel}=${phase.runId}`)}`;
  const listPath = `/api/v1/namespaces/${namespace}/${phase.kind}?${selector}`;
  const existedBefore = await countListed(state, listPath);
  const before = await scrape(state);
  const cpu0 = process.cpuUsage();
  let seconds: number;
  let clientErrors: number;
  let clientDetail: Record<string, unknown>;
  if (tool === 'kube-burner') {
    const dir = join(workDir, jobName(phase) + '-' + phase.runId);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(kubeBurnerFiles(phase, dir)))
      writeFileSync(join(dir, file), text);
    const kb = await runKubeBurner(join(dir, 'config.yaml'), state.kubeconfig!, jobName(phase), dir, signal);
    seconds = kb.jobSeconds;
    clientErrors = kb.errorLines;
    clientDetail = {
      processSeconds: round(kb.processSeconds),
      kubeBurnerCpuSeconds: round(kb.cpuSeconds),
      exitCode: kb.exitCode,
      firstErrors: kb.firstErrors,
    };
  } else {
    const r = await runScalelabPhase(kc, phase, client, log, signal);
    const cpu = process.cpuUsage(cpu0);
    seconds = r.seconds;
    clientErrors = r.errors;
    clientDetail = {
      done: r.done,
      transport: r.transport,
      errorsByStatus: r.errorsByStatus,
      firstErrors: r.firstErrors,
      harnessCpuSeconds: round((cpu.user + cpu.system) / 1e6),
    };
  }
  const after = await scrape(state);
  // The phase's requests: its verb on its resource, not a subresource (the scheduler's bindings, kwok's status
  // updates). Only the tools create pods and Services here; kwok's redundant pod DELETEs are counted too.
  const verb = phase.action === 'create' ? 'POST' : 'DELETE';
  const match = (l: Labels) => l.verb === verb && l.resource === phase.kind && !l.subresource;
  const codes = requestsByCode(before.samples, after.samples, match);
  const existedAfter = await countListed(state, listPath);
  const count = phase.action === 'create' ? existedAfter - existedBefore : existedBefore - existedAfter;
  const settleStart = performance.now();
  const notRunning = `fieldSelector=${encodeURIComponent('status.phase!=Running')}`;
  if (phase.action === 'create' && phase.kind === 'pods')
    await waitNone(state, `/api/v1/namespaces/${namespace}/pods?${selector}&${notRunning}`, signal);
  if (phase.action === 'delete') await waitNone(state, listPath, signal);
  await waitQuiet(state, signal);
  return {
    phase: `${phase.action} ${phase.kind}`,
    count,
    seconds: round(seconds),
    objectsPerSecond: perSecond(count, seconds),
    requested: phase.count,
    clientErrors,
    clientDetail,
    apiserver: { codes, non2xx: non2xx(codes), ...pick(latencyMs(before.samples, after.samples, match)) },
    cpuSeconds: cpuDelta(before, after),
    settleSeconds: round((performance.now() - settleStart) / 1000),
  };
}

/** Item 2: the apiserver's ceiling for Service creates, and scalelab's rate from item 1 as a fraction of it. */
async function ceilingOf(state: LabState, kc: KubeConfig) {
  const steps = await measureCeiling(state, kc, rates, stepSeconds, log, signal, (s) => {
    results.ceiling.steps = [...s];
    save();
  });
  const c = ceiling(steps);
  const scalelab = summarize().phases['create services']?.scalelab;
  results.ceiling.result = {
    ...c,
    scalelabServiceCreatesPerSecond: scalelab ?? null,
    scalelabFractionOfCeiling: scalelab === undefined ? null : ratio(scalelab, c.maxAchievedQps),
  };
}

/** Median over rounds of each tool's rate per phase and per action (pods and Services together), and ratios. */
function summarize() {
  const rateOf = (tool: Tool, pick: (t: ToolRun) => number | undefined) =>
    median(
      results.rounds.map((r) => r.tools[tool]).flatMap((t) => (t && pick(t) !== undefined ? [pick(t)!] : [])),
    );
  const row = (pick: (t: ToolRun) => number | undefined) => {
    const kubeBurner = rateOf('kube-burner', pick);
    const scalelab = rateOf('scalelab', pick);
    return { kubeBurner, scalelab, scalelabOverKubeBurner: ratio(scalelab, kubeBurner) };
  };
  const phases: Record<string, ReturnType<typeof row>> = {};
  for (const name of ['create pods', 'create services', 'delete pods', 'delete services'])
    phases[name] = row((t) => t.phases.find((p) => p.phase === name)?.objectsPerSecond);
  return {
    objectsPerSecond: 'median over rounds',
    create: row((t) => t.create?.perSecond),
    delete: row((t) => t.delete?.perSecond),
    phases,
  };
}

function pick(l: { p50Ms: number | null; p99Ms: number | null }) {
  return { p50Ms: l.p50Ms, p99Ms: l.p99Ms };
}
function round(x: number) {
  return Math.round(x * 1000) / 1000;
}
