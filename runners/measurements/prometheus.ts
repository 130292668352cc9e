/** One sample of the Prometheus text exposition format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Parses Prometheus text exposition (what /metrics serves); comments and malformed lines are skipped. With
 * `onlyPrefix`, only the lines of metrics whose names start with it: the apiserver serves megabytes, and parsing
 * every line of it twice a phase was a visible part of the harness's own CPU.
 */
export function parsePrometheusText(text: string, onlyPrefix = ''): Sample[] {
  const out: Sample[] = [];
  const line = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    if (!raw || raw.startsWith('#') || !raw.startsWith(onlyPrefix)) continue;
    const m = line.exec(raw);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(label))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** A histogram's cumulative buckets (upper bound → count), summed over the series that match. */
export interface Histogram {
  readonly buckets: readonly { le: number; count: number }[];
  readonly count: number;
  readonly sum: number;
}

export function histogram(
  samples: readonly Sample[],
  name: string,
  match: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): Histogram {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const s of samples) {
    if (!match(s.labels)) continue;
    if (s.name === `${name}_bucket`) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    } else if (s.name === `${name}_count`) count += s.value;
    else if (s.name === `${name}_sum`) sum += s.value;
  }
  const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, c]) => ({ le, count: c }));
  return { buckets, count, sum };
}

/** later − earlier, bucket by bucket: what was observed between two scrapes. */
export function histogramDelta(later: Histogram, earlier: Histogram): Histogram {
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: later.buckets.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) })),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
  };
}

/**
 * The q-quantile by linear interpolation inside the bucket, as PromQL's histogram_quantile does; NaN without
 * observations. A quantile in the +Inf bucket returns the highest finite bound (a lower limit, not a value).
 */
export function histogramQuantile(q: number, h: Histogram): number {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      if (b.count === prevCount) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
