/**
 * JUnit XML for CI: one testsuite per run, one testcase per SLO per variant. A breach is a <failure>; a variant
 * the self-audit marked invalid, a failed or unfinished one, and an SLO with no value to judge are <error>s
 * (never passes); a variant this host could not run is <skipped> with the reason. A variant with no SLOs gets
 * one testcase, "run", so an invalid run is never silent.
 */
import type { RunResults, VariantResult } from '../runners/results/schema.ts';
import { formatMs } from './format.ts';
import { escapeXml } from './xml.ts';

interface Case {
  readonly classname: string;
  readonly name: string;
  /** The child element, already XML, or '' for a pass. */
  readonly outcome: string;
}

export function junitXml(runs: readonly RunResults[]): string {
  const suites = runs.map(suite);
  const total = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="scalelab" tests="${total('tests')}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(run: RunResults) {
  const scenario = run.manifest.scenario.name;
  const sloNames = [...new Set(run.variants.flatMap((v) => v.slos.map((s) => s.name)))];
  const cases: Case[] = [
    ...run.variants.flatMap((v) => variantCases(scenario, v)),
    ...run.skipped.flatMap((k) =>
      (sloNames.length ? sloNames : ['run']).map((name) => ({
        classname: `${scenario}.${k.id}`,
        name,
        outcome: `<skipped message="${escapeXml(k.reason)}"/>`,
      })),
    ),
  ];
  const count = (tag: string) => cases.filter((c) => c.outcome.startsWith(`<${tag}`)).length;
  const seconds = secondsBetween(run.manifest.startedAt, run.manifest.finishedAt);
  const attrs = [
    `name="${escapeXml(`${scenario} ${run.manifest.startedAt}`)}"`,
    `tests="${cases.length}"`,
    `failures="${count('failure')}"`,
    `errors="${count('error')}"`,
    `skipped="${count('skipped')}"`,
    `timestamp="${escapeXml(run.manifest.startedAt)}"`,
    seconds === null ? '' : `time="${seconds}"`,
  ].filter(Boolean);
  const xml = [
    `  <testsuite ${attrs.join(' ')}>`,
    ...cases.map((c) => {
      const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"`;
      return c.outcome ? `${open}>\n      ${c.outcome}\n    </testcase>` : `${open}/>`;
    }),
    '  </testsuite>',
  ].join('\n');
  return {
    xml,
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
  };
}

function variantCases(scenario: string, v: VariantResult): Case[] {
  const classname = `${scenario}.${v.id}`;
  const notJudged = notJudgedError(v);
  if (v.slos.length === 0) return [{ classname, name: 'run', outcome: notJudged }];
  return v.slos.map((s) => {
    if (notJudged) return { classname, name: s.name, outcome: notJudged };
    const figures = `${formatMs(s.valueMs)} against a threshold of ${formatMs(s.thresholdMs)}`;
    if (s.passed === null)
      return {
        classname,
        name: s.name,
        outcome: element('error', 'no-value', `no value to judge (${figures})`),
      };
    if (!s.passed)
      return { classname, name: s.name, outcome: element('failure', 'slo', `${s.name}: ${figures}`) };
    return { classname, name: s.name, outcome: '' };
  });
}

/** The <error> for a variant whose figures cannot be judged, or '' when they can. */
function notJudgedError(v: VariantResult): string {
  switch (v.status) {
    case 'passed':
    case 'slo-failed':
      return '';
    case 'invalid':
      return element(
        'error',
        'invalid',
        `not judged: the self-audit marked this run invalid (${(v.validity?.reasons ?? []).join('; ') || 'no reason recorded'})`,
      );
    case 'failed':
      return element('error', 'failed', `the variant failed: ${v.errors.join('; ') || 'no error recorded'}`);
    case 'running':
      return element('error', 'unfinished', 'the run stopped before this variant finished');
  }
}

function element(tag: 'failure' | 'error', type: string, message: string): string {
  return `<${tag} type="${type}" message="${escapeXml(message)}">${escapeXml(message)}</${tag}>`;
}

function secondsBetween(from: string, to: string | undefined): number | null {
  const ms = to ? Date.parse(to) - Date.parse(from) : NaN;
  return Number.isFinite(ms) ? Math.round(ms) / 1000 : null;
}
