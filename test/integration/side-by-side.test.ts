import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults } from '../../reports/read-results.ts';
import { measurementOf } from '../../reports/figures.ts';
import { renderComparison } from '../../reports/render.ts';
import { scalelab } from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/side-by-side.yaml', import.meta.url));
const lab = 'itsbs';

// Issue 18: iptables and nftables on one lab, each on its own two real nodes, a phase repeated in rounds.
describe('variants side by side on one lab', { timeout: 900_000 }, () => {
  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test('plan says which variants share the lab and on which nodes', async () => {
    const r = await scalelab(['plan', fixture]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lab 1: side by side: they differ only in proxyMode and dns/);
    assert.match(r.stdout, /run {3}direct\.iptables-nft\.coredns \(real nodes 1–2\)/);
    assert.match(r.stdout, /run {3}direct\.nftables\.coredns \(real nodes 3–4\)/);
    assert.match(r.stdout, /phases: churn ×5/);
  });

  test('one lab, per-round figures of each variant on its own nodes, and a page that answers from them', async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'scalelab-sbs-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const r = await scalelab(['run', fixture, '--out', out, '--lab', lab]);
    // 5: a loaded machine can make the self-audit find a variant invalid; its figures are still written.
    assert.ok([0, 5].includes(r.code), `exit ${r.code}\n${r.stderr.slice(-3000)}`);
    const [file] = readdirSync(out).filter((f) => f.endsWith('.json'));
    const results = readResults(join(out, file!));
    const [ipt, nft] = results.variants;
    assert.deepEqual([ipt!.id, nft!.id], ['direct.iptables-nft.coredns', 'direct.nftables.coredns']);
    assert.deepEqual(ipt!.sideBySide, { lab: 1, with: [nft!.id], nodes: ['real-node-1', 'real-node-2'] });
    assert.deepEqual(nft!.sideBySide, { lab: 1, with: [ipt!.id], nodes: ['real-node-3', 'real-node-4'] });
    const rounds = ['churn-r1', 'churn-r2', 'churn-r3', 'churn-r4', 'churn-r5'];
    // The background as bare pods: all 30 groups' pods were counted ready, and each round's churn deleted and
    // recreated them without an error.
    assert.equal(ipt!.background!.bind, 'pods');
    assert.equal(ipt!.background!.groups, 30);
    for (const p of ipt!.phases)
      assert.deepEqual([p.churn[0]!.done, p.churn[0]!.errors, p.churn[0]!.firstErrors], [10, 0, []], p.name);
    for (const v of [ipt!, nft!]) {
      assert.deepEqual(
        v.phases.map((p) => [p.name, p.round?.of, p.round?.round]),
        rounds.map((name, i) => [name, 'churn', i + 1]),
      );
      // Per round, on the variant's own client node: its proxy's syncs and connections through the VIP.
      const sync = measurementOf(v, 'ruleSync')!.details!;
      assert.deepEqual(
        sync.phases.map((p) => p.phase),
        rounds,
      );
      assert.deepEqual(
        sync.nodes.map((n) => n.node),
        v.sideBySide!.nodes,
      );
      const bySize = measurementOf(v, 'connectionLatency')!.details!.bySize;
      assert.deepEqual(
        bySize.map((p) => p.phase),
        rounds,
      );
      assert.ok(bySize.every((p) => p.requests > 0));
    }
    // Each node ran its own proxy: iptables rules on node 1, nftables elements on node 3.
    assert.equal(measurementOf(ipt!, 'ruleSync')!.details!.phases[0]!.elements, null);
    assert.ok((measurementOf(nft!, 'ruleSync')!.details!.phases[0]!.elements ?? 0) > 0);
    // Whichever way the rounds fall, the answer is paired and cites them (never "too close to call").
    const page = (await renderComparison([results]))
      .replace(/<[^>]+>/g, '')
      .replace(/&#x3D;/g, '=')
      .replace(/&#x27;/g, "'");
    const answer = /Which proxy mode\?[\s\S]*?Which pod network\?/.exec(page)?.[0] ?? '';
    assert.match(answer, /5 rounds side by side/);
    assert.match(answer, /rule sync p50: nftables − iptables-nft = [+−]?[\d.]+ m?s \(\d+% interval/);
    assert.doesNotMatch(answer, /too close to call/i);
  });
});
