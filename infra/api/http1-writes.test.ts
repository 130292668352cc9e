import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, RequestContext, HttpMethod } from '@kubernetes/client-node';
import { reuseConnections } from './http1-writes.ts';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function labLikeKubeconfig(): KubeConfig {
  const dir = mkdtempSync(join(tmpdir(), 'connections-test-'));
  dirs.push(dir);
  for (const f of ['ca.crt', 'admin.crt', 'admin.key']) writeFileSync(join(dir, f), `not really ${f}`);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: 'https://127.0.0.1:6443', caFile: join(dir, 'ca.crt') }],
    users: [{ name: 'admin', certFile: join(dir, 'admin.crt'), keyFile: join(dir, 'admin.key') }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'admin' }],
    currentContext: 'lab',
  });
  return kc;
}

test('every request of a reused KubeConfig gets the same keep-alive agent, with the TLS files', async () => {
  const kc = reuseConnections(labLikeKubeconfig(), 8);
  const agents = [];
  for (let i = 0; i < 3; i++) {
    const ctx = new RequestContext('https://127.0.0.1:6443/api/v1/services', HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    agents.push(ctx.getAgent());
  }
  const agent = agents[0] as Agent;
  assert.ok(agent instanceof Agent);
  assert.ok(agents.every((a) => a === agent));
  assert.equal(agent.options.keepAlive, true);
  assert.equal(agent.maxSockets, 8);
  assert.equal(String(agent.options.cert), 'not really admin.crt');
  assert.equal(String(agent.options.ca), 'not really ca.crt');
});

test('a plain KubeConfig makes a new agent per request (the cost reuseConnections removes)', async () => {
  const kc = labLikeKubeconfig();
  const a = new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
  const b = new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
  await kc.applySecurityAuthentication(a);
  await kc.applySecurityAuthentication(b);
  assert.notEqual(a.getAgent(), b.getAgent());
});

test('the copy keeps the clusters, users and context', () => {
  const kc = reuseConnections(labLikeKubeconfig(), 8);
  assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
  assert.equal(kc.getCurrentUser()?.name, 'admin');
});

test('closing drops the shared agent; the next request gets a fresh one', async () => {
  const kc = reuseConnections(labLikeKubeconfig(), 8);
  const ctx = () => new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
  const a = ctx();
  await kc.applySecurityAuthentication(a);
  kc.close();
  const b = ctx();
  await kc.applySecurityAuthentication(b);
  assert.notEqual(a.getAgent(), b.getAgent());
});
