import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { leftOutReason, looksLikeText, redact } from './redact.ts';

describe('what evidence may hold', () => {
  test('the PKI, key and token files and pods’ volumes are left out by name; logs and configs are not', () => {
    assert.match(leftOutReason('pki/ca.crt')!, /PKI/);
    assert.match(leftOutReason('pki/sa.key')!, /PKI/);
    assert.match(leftOutReason('nodes/real-node-1/serving.key')!, /key/);
    assert.match(leftOutReason('nodes/real-node-1/pods/u1/volumes/kube-api-access/token')!, /volumes/);
    assert.match(leftOutReason('gateway.sock')!, /socket/);
    assert.match(leftOutReason('cilium/real-node-1/bpffs')!, /bpf filesystem/);
    assert.match(leftOutReason('cilium/real-node-1/cgroup')!, /cgroup/);
    assert.match(leftOutReason('cilium/real-node-1/lib')!, /datapath sources/);
    assert.equal(leftOutReason('cilium/real-node-1/cilium-agent.log'), undefined);
    for (const ok of ['logs/kube-proxy-1.log', 'state.json', 'kube-scheduler.yaml', 'kube-proxy.kubeconfig'])
      assert.equal(leftOutReason(ok), undefined, ok);
  });
  test('private key blocks, tokens and inline credentials are replaced; paths to key files stay', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB5x\nAoGCCqGSM49\n-----END EC PRIVATE KEY-----';
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXBhcnQ';
    const text = [
      `before\n${key}\nafter`,
      `Authorization: Bearer abcdefghijklmnop`,
      `token: ${'s3cr3t-t0ken-value'}`,
      `    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t`,
      `--token=0123456789abcdef`,
      `the projected token ${jwt} was mounted`,
      `    client-key: /run/scalelab/ev1/pki/admin.key`,
    ].join('\n');
    const out = redact(text);
    for (const secret of ['MHcCAQEEIB5x', 'PRIVATE KEY-----', 'abcdefghijklmnop', 's3cr3t-t0ken-value'])
      assert.ok(!out.includes(secret), `${secret} in:\n${out}`);
    assert.ok(!out.includes('LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t'), out);
    assert.ok(!out.includes('0123456789abcdef'), out);
    assert.ok(!out.includes(jwt), out);
    assert.match(out, /before\n\[private key removed\]\nafter/);
    assert.match(out, /client-key: \/run\/scalelab\/ev1\/pki\/admin\.key/);
  });
  test('ordinary log lines are untouched', () => {
    const line = 'I1205 14:02:11.123 proxier.go:812] "SyncProxyRules complete" elapsed="52ms"';
    assert.equal(redact(line), line);
  });
  test('a NUL in the first bytes marks a binary file', () => {
    assert.ok(looksLikeText(Buffer.from('hello\n')));
    assert.ok(!looksLikeText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00])));
  });
});
