import { AgentMetrics, thresholdHolds, trendNames, type TrendName } from '../traffic/metrics.ts';
import type { ProfileReport } from '../traffic/load-profile.ts';

/**
 * One report from several workers' reports: their HDR histograms added (so percentiles are those of every
 * request, not an average of percentiles), counts summed, thresholds judged again on the merged figures.
 * The histograms are left out of the result: the results file keeps the summaries. Raw samples are
 * concatenated.
 */
export function mergeProfileReports(reports: readonly ProfileReport[]): ProfileReport {
  const [first] = reports;
  if (!first) throw new Error('no worker reported');
  const metrics = new AgentMetrics();
  for (const r of reports) {
    if (!r.histograms) throw new Error('a worker report has no histograms (an older agent image?)');
    const s = r.summary;
    metrics.merge({
      histograms: r.histograms,
      requests: s.http_reqs,
      failed: Math.round(s.http_req_failed * s.http_reqs),
      iterations: s.iterations,
      droppedIterations: s.dropped_iterations,
    });
  }
  const summary = metrics.summary();
  const value = (metric: string) =>
    (trendNames as readonly string[]).includes(metric)
      ? summary.trends[metric as TrendName]
      : metric === 'http_req_failed'
        ? summary.http_req_failed
        : summary.http_reqs;
  return {
    summary,
    thresholds: first.thresholds.map((t) => ({ ...t, ok: thresholdHolds(t.expression, value(t.metric)) })),
    seconds: Math.max(...reports.map((r) => r.seconds)),
    ...mergedSamples(reports),
  };
}

/** Every worker's raw samples, series by series (the caller reduces them: they are not for the results file). */
function mergedSamples(reports: readonly ProfileReport[]): Pick<ProfileReport, 'samples'> {
  const out: Record<string, number[]> = {};
  for (const r of reports)
    for (const [name, values] of Object.entries(r.samples ?? {})) {
      const series = (out[name] ??= []);
      for (const v of values) series.push(v);
    }
  return Object.keys(out).length ? { samples: out } : {};
}
