import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig } from '@kubernetes/client-node';
import { output } from '../../infra/exec.ts';
import { belongsToLab, listNetns } from '../../infra/lab/netns.ts';
import { pidsMentioning, sleep } from '../../infra/lab/processes.ts';
import { etcNetnsEntries, hostNetworkSnapshot, kubectlPath, labMounts, scalelab } from './helpers.ts';

const lab = 'itest';
const second = 'itest-b';

/** True when ip is inside cidr (IPv4). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (n(ip) & mask) === (n(base!) & mask);
}

describe('lab up with 100 fake nodes', { timeout: 900_000 }, () => {
  let hostBefore = '';
  let kc: KubeConfig;

  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    await scalelab(['lab', 'down', '--name', second]);
    hostBefore = await hostNetworkSnapshot();
    const up = await scalelab(['lab', 'up', '--fake-nodes', '100', '--name', lab]);
    assert.equal(up.code, 0, `lab up failed:\n${up.stderr}`);
    assert.match(up.stderr, /100 fake nodes Ready done \(\d+\.\d s\)/, 'up prints how long each step took');
    kc = new KubeConfig();
    kc.loadFromFile((await scalelab(['lab', 'kubeconfig', '--name', lab])).stdout.trim());
  });

  after(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    await scalelab(['lab', 'down', '--name', second]);
  });

  test("the host's own kubectl sees 100 Ready nodes through the loopback forwarder", async () => {
    const kubeconfig = (await scalelab(['lab', 'kubeconfig', '--name', lab])).stdout.trim();
    assert.match(kubeconfig, /kubeconfig$/);
    const json = await output([
      await kubectlPath(),
      '--kubeconfig',
      kubeconfig,
      'get',
      'nodes',
      '-o',
      'json',
    ]);
    const nodes = JSON.parse(json).items as { status: { conditions: { type: string; status: string }[] } }[];
    const ready = nodes.filter((n) =>
      n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    assert.equal(nodes.length, 100);
    assert.equal(ready.length, 100);
  });

  test('a Deployment of 500 pods runs, every pod IP inside its node podCIDR, and a Service lists all 500', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const labels = { app: 'web', 'scalelab.io/run': 'itest' };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web', labels },
        spec: {
          replicas: 500,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              nodeSelector: { type: 'kwok' },
              tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
              containers: [
                {
                  name: 'web',
                  image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
                  args: ['netexec', '--http-port=8080'],
                },
              ],
            },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'web', labels },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    let running: Awaited<ReturnType<typeof core.listNamespacedPod>>['items'] = [];
    for (let i = 0; i < 120 && running.length < 500; i++) {
      await sleep(1000);
      const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
      running = pods.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP);
    }
    assert.equal(running.length, 500, 'all 500 pods Running with an IP');
    const cidrOf = new Map((await core.listNode()).items.map((n) => [n.metadata!.name!, n.spec!.podCIDR!]));
    for (const p of running) {
      const cidr = cidrOf.get(p.spec!.nodeName!);
      assert.ok(
        cidr && inCidr(p.status!.podIP!, cidr),
        `${p.metadata!.name} IP ${p.status!.podIP} not in ${cidr}`,
      );
    }
    assert.equal(new Set(running.map((p) => p.status!.podIP)).size, 500, 'pod IPs are unique');
    let endpoints = 0;
    for (let i = 0; i < 60 && endpoints < 500; i++) {
      const slices = await discovery.listNamespacedEndpointSlice({
        namespace: 'default',
        labelSelector: 'kubernetes.io/service-name=web',
      });
      endpoints = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
      if (endpoints < 500) await sleep(1000);
    }
    assert.equal(endpoints, 500, 'EndpointSlices list all 500 ready endpoints');
  });

  test('a second lab with another name runs at the same time', async () => {
    const up = await scalelab(['lab', 'up', '--fake-nodes', '10', '--name', second]);
    assert.equal(up.code, 0, up.stderr);
    const status = await scalelab(['lab', 'status', '--json']);
    const labs = JSON.parse(status.stdout) as {
      name: string;
      healthy: boolean;
      fakeNodes: { ready: number };
    }[];
    assert.deepEqual(
      labs
        .filter((l) => l.name === lab || l.name === second)
        .map((l) => [l.name, l.healthy, l.fakeNodes.ready])
        .sort(),
      [
        [lab, true, 100],
        [second, true, 10],
      ].sort(),
    );
  });

  test('down leaves no namespace, process, mount or /etc/netns entry, and the host network byte-identical', async () => {
    for (const name of [lab, second]) {
      const down = await scalelab(['lab', 'down', '--name', name]);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(
        (await listNetns()).filter((ns) => belongsToLab(ns, name)),
        [],
      );
      assert.deepEqual(pidsMentioning(`/run/scalelab/${name}/`), []);
      assert.deepEqual(pidsMentioning(`/dev/shm/scalelab/${name}/`), []);
      assert.deepEqual(labMounts(name), []);
      assert.equal(etcNetnsEntries(name), false);
    }
    assert.equal(await hostNetworkSnapshot(), hostBefore);
    const again = await scalelab(['lab', 'down', '--name', lab]);
    assert.equal(again.code, 0, 'down is idempotent');
  });
});

describe('lab up with bad arguments', () => {
  test('fails before starting anything, saying what to fix', async () => {
    const r = await scalelab(['lab', 'up', '--fake-nodes', '-5', '--name', 'Bad_Name']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--fake-nodes: expected a whole number from 0 to 16000; got "-5"/);
    assert.match(r.stderr, /--name: expected 1–20 lowercase letters/);
    assert.deepEqual(
      (await listNetns()).filter((ns) => ns.toLowerCase().includes('bad')),
      [],
    );
  });
});
