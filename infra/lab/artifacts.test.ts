// unit: own process (infra/paths.ts reads SCALELAB_STATE when first imported)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// paths.ts reads SCALELAB_STATE when first imported: a state root of our own, then the module.
const root = mkdtempSync(join(tmpdir(), 'scalelab-state-'));
after(() => rmSync(root, { recursive: true, force: true }));
process.env.SCALELAB_STATE = root;
const { keepLabArtifacts, ruleDumps } = await import('./artifacts.ts');

test("a lab's evidence: logs and configs copied and redacted; keys, tokens and volumes left out, and said so", async (t) => {
  const lab = join(root, 'ev9');
  const put = (rel: string, text: string) => {
    mkdirSync(join(lab, rel, '..'), { recursive: true });
    writeFileSync(join(lab, rel), text);
  };
  const spec = { name: 'ev9', iptablesBackend: 'nft' };
  put('state.json', JSON.stringify({ spec, stateDir: lab, processes: [], flags: { etcd: ['etcd'] } }));
  put('logs/kube-apiserver.log', 'E1205 started\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz\n');
  put('pki/sa.key', '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n');
  put('admin.key', 'secret');
  put('nodes/real-node-1/pods/u1/volumes/kube-api-access/token', 'eyJhbGciOi.eyJpc3MiOi.c2lnbmF0dXJl');
  put('nodes/real-node-1/pods/u1/app.log', 'listening on :8080\n');
  put(
    'kube-scheduler.yaml',
    'clientConnection:\n  kubeconfig: /run/scalelab/ev9/kube-scheduler.kubeconfig\n',
  );
  put('big.log', `${'x'.repeat(5 * 2 ** 20)}\nthe end\n`);
  const out = mkdtempSync(join(tmpdir(), 'scalelab-evidence-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const kept = await keepLabArtifacts('ev9', out);
  const read = (rel: string) => readFileSync(join(out, rel), 'utf8');
  assert.equal(read('state/logs/kube-apiserver.log'), 'E1205 started\nAuthorization: Bearer [removed]\n');
  assert.equal(read('state/nodes/real-node-1/pods/u1/app.log'), 'listening on :8080\n');
  assert.match(
    read('state/kube-scheduler.yaml'),
    /kubeconfig: \/run\/scalelab\/ev9\/kube-scheduler\.kubeconfig/,
  );
  assert.match(read('state/big.log'), /^\[first \d+ bytes left out\]\n[\s\S]*the end\n$/);
  for (const gone of ['state/pki', 'state/admin.key', 'state/nodes/real-node-1/pods/u1/volumes'])
    assert.ok(!existsSync(join(out, gone)), gone);
  assert.deepEqual(kept.leftOut.map((l) => l.path).sort(), [
    'admin.key',
    'nodes/real-node-1/pods/u1/volumes',
    'pki',
  ]);
  // The status of a lab with no API: said, not thrown.
  assert.ok(JSON.parse(read('status.json')));
  assert.deepEqual(JSON.parse(read('artifacts.json')).leftOut, kept.leftOut);
});

test('rule dumps: each real node’s iptables and nft rules, addresses and routes; the lab namespace’s routes', () => {
  const state = {
    spec: { name: 'ev9', iptablesBackend: 'legacy' },
    realNodes: [{ index: 1, name: 'real-node-1', netns: 'scalelab_ev9_node-1', ip: '198.18.1.1' }],
  } as unknown as Parameters<typeof ruleDumps>[0];
  const files = ruleDumps(state).map((d) => `${d.netns} ${d.file}`);
  assert.deepEqual(files, [
    'scalelab_ev9 lab/ip-address.txt',
    'scalelab_ev9 lab/ip-route.txt',
    'scalelab_ev9_node-1 real-node-1/iptables-save.txt',
    'scalelab_ev9_node-1 real-node-1/iptables-legacy-save.txt',
    'scalelab_ev9_node-1 real-node-1/nft-list-ruleset.txt',
    'scalelab_ev9_node-1 real-node-1/ip-address.txt',
    'scalelab_ev9_node-1 real-node-1/ip-route.txt',
  ]);
});
