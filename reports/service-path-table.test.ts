import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticResults } from './testdata/synthetic.ts';
import { groupRuns } from './groups.ts';
import { servicePathTable } from './service-path-table.ts';
import type { ConnectSizePoint } from '../runners/results/details/connection-latency.ts';

test('a row per variant and size with the median of the pairs and its interval; none for unpaired runs', () => {
  const results = syntheticResults();
  assert.equal(servicePathTable(groupRuns([results])[0]!.variants), undefined, 'older runs have no pairs');
  for (const v of results.variants) {
    const m = v.measurements.find((x) => x.name === 'connectionLatency');
    const bySize = (m?.details as { bySize?: ConnectSizePoint[] } | undefined)?.bySize ?? [];
    bySize.forEach((p, k) =>
      Object.assign(p, {
        vipMinusDirect: {
          pairs: 4000 + k,
          medianMs: k === 0 ? null : 0.01 * k,
          lowMs: k === 0 ? null : 0.005 * k,
          highMs: k === 0 ? null : 0.02 * k,
          confidence: k === 0 ? null : 0.95,
          directTarget: '10.244.2.7:8080',
          sameBackendShare: 0.5,
        },
      }),
    );
  }
  const t = servicePathTable(groupRuns([results])[0]!.variants)!;
  assert.match(t.caption, /VIP − direct, median of N pairs, 95% CI/);
  const col = (name: string) => t.head.indexOf(name);
  const first = t.rows.find((r) => r[col('pairs')] === '4,000')!;
  assert.equal(first[col('95% CI')], 'too few pairs');
  const second = t.rows.find((r) => r[col('pairs')] === '4,001')!;
  assert.equal(second[col('VIP − direct')], '0.01 ms');
  assert.equal(second[col('95% CI')], '0.005 ms to 0.02 ms');
  assert.equal(second[col('VIP chose that pod')], '50%');
});
