import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perfDataFiles } from './perfdata.ts';
import { exampleResults, hostileId, syntheticResults } from './testdata/synthetic.ts';

test('PerfData in the shape perf-dash reads, one file per metric', () => {
  const files = perfDataFiles(exampleResults());
  assert.deepEqual(files.map((f) => f.name).sort(), [
    'APIResponsiveness_quick_2026-11-25T14-35-39.915Z.json',
    'ConnectionLatency_quick_2026-11-25T14-35-39.915Z.json',
    'NetworkProgrammingLatency_quick_2026-11-25T14-35-39.915Z.json',
    'PodStartupLatency_quick_2026-11-25T14-35-39.915Z.json',
    'RuleSync_quick_2026-11-25T14-35-39.915Z.json',
  ]);
  for (const { name, data } of files) {
    assert.equal(data.version, 'v1');
    assert.ok(data.dataItems.length > 0);
    for (const item of data.dataItems) {
      assert.equal(item.unit, 'ms');
      assert.equal(item.labels.Metric, name.split('_')[0]);
      assert.equal(typeof item.data.Perc50, 'number');
      assert.ok(Object.keys(item.data).every((k) => /^(Perc50|Perc90|Perc99|Max)$/.test(k)));
    }
  }
  const npl = files.find((f) => f.name.startsWith('NetworkProgrammingLatency'))!.data.dataItems[0]!;
  assert.deepEqual(npl.data, { Perc50: 1163, Perc90: 2016, Perc99: 2902 });
  assert.equal(npl.labels.Variant, 'direct.iptables-nft.coredns');
});

test('invalid and failed variants are not exported; a hostile scenario name makes a safe file name', () => {
  const files = perfDataFiles(syntheticResults());
  const variants = new Set(files.flatMap((f) => f.data.dataItems.map((i) => i.labels.Variant)));
  assert.ok(!variants.has('vxlan.nftables.coredns'));
  assert.ok(!variants.has('bgp.iptables-nft.coredns'));
  assert.ok(variants.has('direct.nftables.coredns'), 'an SLO failure is still a valid figure');
  assert.ok(variants.has(hostileId), 'labels keep the id; JSON escapes it');
  assert.ok(files.some((f) => f.name.startsWith('DnsLatency_')));
  for (const f of files) assert.match(f.name, /^[A-Za-z]+_script-alert-1-script_[A-Za-z0-9.-]+\.json$/);
});
