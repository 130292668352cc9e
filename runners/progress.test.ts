import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consoleLog, type LogEvent } from './events.ts';
import { plannedPhaseSeconds } from './progress.ts';
import { minutes, remainingEstimate } from './remaining.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { loadScenario } from '../scenarios/load.ts';

/** A log with a hand-driven clock: every line and where it went. */
function recorder(opts: Parameters<typeof consoleLog>[0] = {}) {
  let t = Date.parse('2026-12-05T14:00:00Z');
  const lines: [string, string][] = [];
  const log = consoleLog({ ...opts, now: () => t, write: (line, stream) => lines.push([stream, line]) });
  return { log, lines, advance: (s: number) => (t += s * 1000) };
}

test('every line is stamped with the UTC time and the elapsed time; a step gets its own duration', () => {
  const { log, lines, advance } = recorder();
  log({ kind: 'step', step: 'lab up', status: 'start' });
  advance(65);
  log({ kind: 'step', step: 'lab up', status: 'done' });
  assert.deepEqual(lines, [
    ['stderr', '14:00:00 +0:00 … lab up'],
    ['stderr', '14:01:05 +1:05 ✓ lab up done (65.0 s)'],
  ]);
});

test('after each variant and phase, what is left: from the plan first, then from the variants measured', () => {
  const { log, lines, advance } = recorder({ plannedPhaseSeconds: 120 });
  const v = (i: number, status: 'start' | 'done'): LogEvent => ({
    kind: 'step',
    step: `[${i}/3] variant x${i}`,
    status,
  });
  log(v(1, 'start'));
  advance(30);
  log({ kind: 'step', step: 'phase svc', status: 'done', seconds: 30 });
  assert.match(lines.at(-1)![1], /at least 5\.5 min left \(3 of 3 labs × 2\.0 min of phases by the plan; /);
  // Past the plan's 2 min in the first variant: the two after it still take theirs.
  advance(150);
  log({ kind: 'step', step: 'phase two', status: 'done', seconds: 150 });
  assert.match(lines.at(-1)![1], /at least 4\.0 min left \(3 of 3 labs/);
  advance(120);
  log(v(1, 'done'));
  assert.match(lines.at(-2)![1], /✓ \[1\/3\] variant x1 done \(300\.0 s\)/);
  assert.match(
    lines.at(-1)![1],
    /about 10\.0 min left \(2 of 3 labs to go at 5\.0 min each, the mean of those finished\)/,
  );
  log(v(2, 'start'));
  advance(60);
  log({ kind: 'step', step: 'phase svc', status: 'done', seconds: 60 });
  assert.match(lines.at(-1)![1], /about 9\.0 min left/);
});

test('--quiet keeps warnings, failures and the summary; --verbose adds debug lines; the summary goes to stdout', () => {
  const events: LogEvent[] = [
    { kind: 'info', message: 'hello' },
    { kind: 'debug', message: 'details' },
    { kind: 'warn', message: 'careful' },
    { kind: 'step', step: 's', status: 'start' },
    { kind: 'step', step: 's', status: 'fail' },
    { kind: 'summary', message: 'table' },
  ];
  const seen = (verbosity: 'quiet' | 'normal' | 'verbose') => {
    const { log, lines } = recorder({ verbosity });
    events.forEach(log);
    return lines.map(([stream, l]) => `${stream} ${l.replace(/^\d\d:\d\d:\d\d \+\d+:\d\d /, '')}`);
  };
  assert.deepEqual(seen('quiet'), ['stderr ! careful', 'stderr ✗ s fail (0.0 s)', 'stdout   table']);
  assert.equal(seen('normal').length, 5);
  assert.ok(seen('verbose').includes('stderr   debug: details'));
});

test('the plan counts each phase as its churn schedule (or a later fault) plus its hold', () => {
  const { scenario } = loadScenario(
    't.yaml',
    `name: t
cluster: { fakeNodes: 10 }
variants: { proxyMode: [iptables] }
phases:
  - { name: a, churn: [{ kind: services, count: 11, pace: { type: qps, qps: 2 } }], holdSeconds: 10 }
  - { name: b, holdSeconds: 4, faults: [{ kill: kube-proxy, afterSeconds: 7 }] }
measurements: [{ name: controlPlane }]
`,
  );
  assert.equal(plannedPhaseSeconds(scenario as Scenario), 5 + 10 + 7 + 4);
  assert.equal(remainingEstimate({ variants: 2, finished: [1, 2], currentSeconds: 0 }), undefined);
  assert.deepEqual([minutes(42), minutes(210), minutes(7200)], ['42 s', '3.5 min', '2.0 h']);
});
