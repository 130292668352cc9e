/**
 * The top of the page: the seed's questions answered in a sentence each, from the figures, with the honest
 * caveat when the runs are too few to tell a difference from run-to-run noise. Comparisons pool the
 * repetitions of every variant with that value on the axis (e.g. all nftables variants, whatever their pod
 * network) and use the same test as the baseline comparison.
 */
import { firstLines } from './fold.ts';
import { parse } from 'yaml';
import type { Variant } from '../scenarios/plan.ts';
import { compareSamples } from './baseline.ts';
import { measurementOf, servicesAfterPhases, summaryValue } from './figures.ts';
import { countedReps, groupState, median, proxyLabel, type ScenarioGroup } from './groups.ts';
import { formatByKey, formatCount, formatMs, formatNumber, formatRate, plural } from './format.ts';
import { harnessBudgetCores } from '../runners/harness-budget.ts';
import { upgradeAnswer } from './upgrade-answer.ts';
import type { Answer } from './section-types.ts';
import { pairedComparisons, roundFigures, type RoundFigure } from './paired.ts';
import { pairedAnswer } from './paired-answer.ts';
import { starvedRoundsNote } from './starved-rounds.ts';
import { withoutVersion } from './versions.ts';
import type { MeasurementName } from '../scenarios/schema.ts';

interface AxisFigure {
  readonly label: string;
  readonly measurement: MeasurementName;
  readonly key: string;
}

export function answers(s: ScenarioGroup): Answer[] {
  const upgrade = upgradeAnswer(s);
  return [
    ...(upgrade ? [upgrade] : []),
    {
      question: 'Which proxy mode?',
      ...(pairedOn(s, 'mode', proxyLabel, [
        roundFigures.ruleSyncP50,
        roundFigures.connectP50,
        roundFigures.connectP99,
      ]) ??
        compareAxis(s, 'mode', proxyLabel, [
          { label: 'rule sync p50', measurement: 'ruleSync', key: 'syncP50Ms' },
          {
            label: 'network programming p99 (kube-proxy metric)',
            measurement: 'networkProgrammingLatency',
            key: 'kubeProxyP99Ms',
          },
          {
            label: 'programming seen by the probe, p50',
            measurement: 'networkProgrammingLatency',
            key: 'probeAddP50Ms',
          },
          { label: 'new-connection p50', measurement: 'connectionLatency', key: 'connectP50Ms' },
        ])),
    },
    {
      question: 'Which pod network?',
      ...compareAxis(s, 'pod network', (v) => v.podNetwork, [
        { label: 'new-connection p50', measurement: 'connectionLatency', key: 'connectP50Ms' },
        { label: 'new-connection p99', measurement: 'connectionLatency', key: 'connectP99Ms' },
        { label: 'first byte p50', measurement: 'connectionLatency', key: 'firstByteP50Ms' },
      ]),
    },
    { question: 'Does the node-local DNS cache pay off?', ...nodelocalAnswer(s) },
    { question: 'At this scale?', ...scaleAnswer(s) },
  ];
}

/**
 * The answer from variants that ran side by side and differ on this axis alone, when the run has them:
 * paired by round (reports/paired.ts), never pooled with variants of other labs.
 */
function pairedOn(
  s: ScenarioGroup,
  axis: string,
  valueOf: (v: Variant) => string,
  figures: RoundFigure[],
): Omit<Answer, 'question'> | undefined {
  const rest = (v: Variant) => {
    const others = { ...v, proxyMode: '', iptablesBackend: '', dns: '' };
    return JSON.stringify(
      axis === 'mode' ? { ...others, dns: v.dns } : { ...others, proxyMode: proxyLabel(v) },
    );
  };
  const found = pairedComparisons(s.runs, valueOf, (a, b) => rest(a) === rest(b), figures);
  if (!found.length) return undefined;
  const answer = pairedAnswer(axis, found);
  const starved = starvedRoundsNote(s.runs);
  return starved ? { ...answer, detail: `${answer.detail} ${starved}` } : answer;
}

function compareAxis(
  s: ScenarioGroup,
  axis: string,
  valueOf: (v: Variant) => string,
  figures: AxisFigure[],
): Omit<Answer, 'question'> {
  const values = [...new Set(s.variants.map((g) => valueOf(g.variant)))];
  const skipped = s.skipped.filter((k) => !values.includes(skippedValue(k.id, axis)));
  const skippedNote = skipped.length
    ? ` ${[...new Set(skipped.map((k) => skippedValue(k.id, axis)))].join(', ')} was skipped (see the verdicts).`
    : '';
  if (values.length < 2)
    return { lead: 'Nothing to compare.', detail: `Only ${values[0] ?? 'no variant'} ran.${skippedNote}` };
  // Values of one figure per axis value: the judgeable repetitions of every variant with that value.
  const samples = (f: AxisFigure, value: string) =>
    s.variants
      .filter((g) => valueOf(g.variant) === value && countedReps(g).judged)
      .flatMap((g) => countedReps(g).reps)
      .map((r) => summaryValue(r.result, f.measurement, f.key))
      .filter((x): x is number => x !== null);
  const clauses: string[] = [];
  const winners = new Set<string>();
  const beyond: string[] = [];
  let tooFew = 0;
  const runsPer = new Set<number>();
  for (const f of figures) {
    const ranked = values
      .map((value) => ({ value, xs: samples(f, value) }))
      .filter((r) => r.xs.length > 0)
      .map((r) => ({ ...r, median: median(r.xs) }))
      .sort((a, b) => a.median - b.median);
    if (ranked.length < 2) continue;
    const [best, next] = [ranked[0]!, ranked[1]!];
    ranked.forEach((r) => runsPer.add(r.xs.length));
    clauses.push(`${f.label}: ${ranked.map((r) => `${r.value} ${formatByKey(f.key, r.median)}`).join(', ')}`);
    winners.add(best.value);
    const cmp = compareSamples(next.xs, best.xs);
    if (cmp.verdict === 'improvement') beyond.push(`${f.label} (p = ${cmp.p!.toPrecision(2)})`);
    else if (cmp.verdict !== 'no change') tooFew++;
  }
  if (clauses.length === 0)
    return {
      lead: 'Not measured.',
      detail: `None of ${figures.map((f) => f.label).join(', ')} is in these results.${skippedNote}`,
    };
  const winner = winners.size === 1 ? [...winners][0]! : undefined;
  const runs = [...runsPer].sort((a, b) => a - b);
  // Some figures miss a run (a scrape that failed): the range of runs per value, fewest to most.
  const runsText = `${runs.length === 1 ? plural(runs[0]!, 'run') : `${runs[0]}–${runs.at(-1)} runs`} per ${axis}`;
  const lead =
    beyond.length > 0 && winner
      ? `${winner}: lower on every figure, beyond run-to-run noise on ${beyond.length} of ${clauses.length}.`
      : beyond.length > 0
        ? `Mixed: some differences are beyond run-to-run noise, but no ${axis} is lower on every figure.`
        : tooFew === clauses.length
          ? `Too close to call with ${runsText}${winner ? `; ${winner} is lower on every figure so far` : ''}.`
          : `No difference beyond run-to-run noise${winner ? `; ${winner} is lower on every figure` : ''}.`;
  const noise = [
    beyond.length ? `Beyond noise (Mann–Whitney, p < 0.05): ${beyond.join(', ')}.` : '',
    tooFew
      ? `${runsText} (pooled over the other axes) cannot show a difference: the test needs at least 4 against 4.`
      : '',
  ].filter(Boolean);
  return { lead, detail: `${clauses.join('; ')}. ${noise.join(' ')}${skippedNote}`.trim() };
}

/** The value a skipped variant id has on an axis: ids are [version/]podNetwork.proxy.dns. */
function skippedValue(id: string, axis: string): string {
  const [podNetwork, proxy, dns] = withoutVersion(id.replace(/#\d+$/, '')).split('.');
  return (axis === 'mode' ? proxy : axis === 'pod network' ? podNetwork : dns) ?? id;
}

function uniqueReasons(skipped: readonly { reason: string }[]): string {
  return [...new Set(skipped.map((k) => k.reason))].join('; ');
}

function nodelocalAnswer(s: ScenarioGroup): Omit<Answer, 'question'> {
  const modes = new Set(s.variants.map((g) => g.variant.dns));
  if (!modes.has('nodelocal')) {
    const skipped = s.skipped.filter((k) => skippedValue(k.id, 'dns') === 'nodelocal');
    return skipped.length
      ? {
          lead: 'Not answered here.',
          detail: `The NodeLocal DNSCache variants were skipped: ${uniqueReasons(skipped)}.`,
        }
      : {
          lead: 'Not answered here.',
          detail: 'This scenario ran CoreDNS only (its variants list no nodelocal DNS).',
        };
  }
  if (!s.variants.some((g) => g.reps.some((r) => measurementOf(r.result, 'dns'))))
    return {
      lead: 'Not measured.',
      detail: 'NodeLocal DNSCache ran, but the scenario has no dns measurement.',
    };
  const dns = (label: string, key: string): AxisFigure => ({ label, measurement: 'dns', key });
  const paired = pairedOn(s, 'DNS mode', (v) => v.dns, [
    roundFigures.dnsP50,
    roundFigures.dnsP99,
    roundFigures.dnsFailureRate,
  ]);
  const answer =
    paired ??
    compareAxis(s, 'DNS mode', (v) => v.dns, [
      dns('DNS failure rate', 'failureRate'),
      dns('lookup p99', 'p99Ms'),
      dns('lookup p50', 'p50Ms'),
      dns('failure rate in steady state', 'steadyFailureRate'),
      dns('failure rate, CoreDNS rollout', 'rolloutFailureRate'),
      dns('failure rate, a CoreDNS killed', 'killedFailureRate'),
      dns('failure rate, every CoreDNS down', 'downFailureRate'),
      dns('CoreDNS requests/s', 'corednsRequestsPerSecond'),
      dns('conntrack UDP/53 entries (max)', 'conntrackDnsEntriesMax'),
    ]);
  // The cache's own figures have nothing to compare with in coredns mode: stated, not ranked.
  const own = (key: string) =>
    median(
      s.variants
        .filter((g) => g.variant.dns === 'nodelocal' && countedReps(g).judged)
        .flatMap((g) => countedReps(g).reps)
        .map((r) => summaryValue(r.result, 'dns', key))
        .filter((x): x is number => x !== null),
    );
  const cache = [
    ['hit ratio', 'cacheHitRatio'],
    ['failure rate when the cache on the client’s node was killed', 'nodelocalKilledFailureRate'],
    ['TCP connections to kube-dns-upstream (max)', 'upstreamTcpConnectionsMax'],
  ]
    .map(([label, key]) => [label!, key!, own(key!)] as const)
    .filter(([, , x]) => Number.isFinite(x))
    .map(([label, key, x]) => `${label} ${key === 'cacheHitRatio' ? formatRate(x) : formatByKey(key, x)}`);
  return cache.length
    ? { ...answer, detail: `${answer.detail} The node-local cache itself: ${cache.join(', ')}.` }
    : answer;
}

function scaleAnswer(s: ScenarioGroup): Omit<Answer, 'question'> {
  const cluster = clusterOf(s);
  const reps = s.variants.flatMap((g) => g.reps);
  const services = Math.max(0, ...reps.flatMap((r) => [...servicesAfterPhases(r.result).values()]));
  const endpoints = reps.find((r) => r.result.background)?.result.background?.endpointsPerService;
  const rules = Math.max(0, ...reps.map((r) => summaryValue(r.result, 'ruleSync', 'rules') ?? 0));
  const elements = Math.max(0, ...reps.map((r) => summaryValue(r.result, 'ruleSync', 'elements') ?? 0));
  const size = [
    cluster ? `${plural(cluster.fakeNodes, 'fake node')} and ${realNodesText(cluster)}` : '',
    services
      ? `${formatCount(services)} Services${endpoints ? ` × ${endpoints} endpoints` : ''} at most`
      : '',
    rules
      ? `up to ${formatCount(rules)} rules${elements ? ` and ${formatCount(elements)} nftables set elements` : ''} per node`
      : '',
  ].filter(Boolean);
  const { lead, details } = verdicts(s);
  return {
    lead,
    detail: [size.length ? `${size.join(', ')}.` : '', ...details.map((d) => `${d}.`)].join(' ').trim(),
  };
}

/** The SLO outcome in a headline, and a sentence per variant that did not simply pass. */
function verdicts(s: ScenarioGroup): { lead: string; details: string[] } {
  const states = s.variants.map((g) => ({ g, state: groupState(g) }));
  const count = (st: string) => states.filter((x) => x.state === st);
  const slos = [
    ...new Map(
      s.variants.flatMap((g) => g.reps.flatMap((r) => r.result.slos)).map((x) => [x.name, x]),
    ).values(),
  ];
  const passed = count('passed').length;
  const judged = passed + count('slo-failed').length;
  const notJudged = s.variants.length - judged;
  const lead = [
    slos.length === 0
      ? `No SLOs set; ${plural(judged, 'variant')} finished valid`
      : passed === judged
        ? `${judged === s.variants.length ? 'All ' : ''}${plural(judged, 'valid variant')} met ${slos.length === 1 ? 'the SLO' : `all ${slos.length} SLOs`}`
        : `${count('slo-failed').length} of ${plural(judged, 'valid variant')} failed an SLO`,
    notJudged ? `${notJudged} not judged (invalid or failed)` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const details: string[] = [];
  if (slos.length)
    details.push(`SLOs: ${slos.map((x) => `${x.name} ≤ ${formatMs(x.thresholdMs)}`).join(', ')}`);
  for (const { g } of count('slo-failed')) {
    const breaches = g.reps.flatMap((r) => r.result.slos.filter((x) => x.passed === false));
    details.push(
      `${g.id} failed ${breaches.map((b) => `${b.name} (${formatMs(b.valueMs)} > ${formatMs(b.thresholdMs)})`).join(', ')}`,
    );
  }
  for (const { g } of count('invalid')) {
    const reasons = firstLines([...new Set(g.reps.flatMap((r) => r.result.validity?.reasons ?? []))]);
    details.push(`${g.id} is invalid and not judged (self-audit: ${reasons || 'no reason recorded'})`);
  }
  for (const { g } of [...count('failed'), ...count('running')]) {
    // The first line of each: a 60-line panic belongs folded in the verdicts table, not in an answer.
    const errors = firstLines([...new Set(g.reps.flatMap((r) => r.result.errors))]);
    details.push(
      `${g.id} ${groupState(g) === 'running' ? 'did not finish' : 'failed'}${errors ? ` (${errors})` : ''}`,
    );
  }
  if (s.skipped.length)
    details.push(`${plural(s.skipped.length, 'variant')} skipped: ${uniqueReasons(s.skipped)}`);
  details.push(...harnessNotes(s));
  return { lead: `${lead}.`, details };
}

/**
 * How much of the machine the harness took, where it took more than the design allows (0.05 of a core): the
 * figures stay valid, but a reader must know what they shared the machine with.
 */
function harnessNotes(s: ScenarioGroup): string[] {
  const over = s.variants.flatMap((g) =>
    g.reps
      .map((r) => r.result.validity?.harnessCores)
      .filter((c): c is number => c !== undefined && c > harnessBudgetCores)
      .map((c) => `${g.id} ${formatNumber(c)}`),
  );
  return over.length
    ? [
        `The harness used more than the ${harnessBudgetCores} of a core the design allows (${over.join(', ')} cores): it shared the machine with what it measured`,
      ]
    : [];
}

/** Fake and real nodes from the scenario text; sideBySideNodes: each variant's where variants share a lab. */
interface ClusterSize {
  readonly fakeNodes: number;
  readonly realNodes: number;
  readonly sideBySideNodes?: number;
}

/** "2 real nodes", or "1 real node per variant side by side (2 in a lab of its own)". */
function realNodesText(c: ClusterSize): string {
  if (c.sideBySideNodes === undefined || c.sideBySideNodes === c.realNodes)
    return plural(c.realNodes, 'real node');
  return `${plural(c.sideBySideNodes, 'real node')} per variant side by side (${c.realNodes} in a lab of its own)`;
}

/** Fake and real nodes from the scenario text the manifest carries, when it parses. */
/** Parsed once per scenario text: a site of a hundred nightly runs of one scenario has one text. */
const clusters = new Map<string, ClusterSize | undefined>();

function clusterOf(s: ScenarioGroup): ClusterSize | undefined {
  const text = s.runs[0]!.manifest.scenario.text;
  if (!clusters.has(text)) {
    if (clusters.size > 100) clusters.clear();
    clusters.set(text, parseCluster(text));
  }
  return clusters.get(text);
}

function parseCluster(text: string): ClusterSize | undefined {
  try {
    const doc = parse(text) as {
      cluster?: { fakeNodes?: unknown; realNodes?: unknown };
      variants?: { sideBySide?: unknown; sideBySideNodes?: unknown };
    };
    const { fakeNodes, realNodes } = doc.cluster ?? {};
    const shared = doc.variants?.sideBySide === true ? doc.variants.sideBySideNodes : undefined;
    if (typeof fakeNodes === 'number' && typeof realNodes === 'number')
      return { fakeNodes, realNodes, ...(typeof shared === 'number' ? { sideBySideNodes: shared } : {}) };
  } catch {
    // An unparsable scenario text only costs the sentence its node counts.
  }
  return undefined;
}
