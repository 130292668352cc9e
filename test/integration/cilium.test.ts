import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isBuilt } from '../../infra/build/go-build.ts';
import { ciliumRecipe } from '../../infra/build/recipes.ts';
import { loadKubeconfig } from '../../infra/lab/kubeconfig.ts';
import { execInThrowawayPod } from '../../infra/lab/pod-exec.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { exec, output } from '../../infra/exec.ts';
import { agentState, servicesMapPath } from '../../infra/cilium/agent-api.ts';
import { readHostSysctls } from '../../infra/cilium/host-sysctls.ts';
import { cgroup2Root, ciliumNodePaths, labCgroup, type CiliumNodePaths } from '../../infra/cilium/paths.ts';
import { v1Hierarchies } from '../../infra/cilium/mounts.ts';
import { countServiceMap } from '../../runners/measurements/rule-sync-cilium.ts';
import { frontendBackends } from '../../infra/cilium/service-map.ts';
import { ciliumHostTools } from '../../infra/cilium/datapath-sources.ts';
import { deadComponents, injectFault } from '../../runners/faults.ts';
import { hostNetworkSnapshot, labMounts, scalelab, labUpOrFail } from './helpers.ts';
import { echoService, readyEndpoints, waitUntil } from './echo-service.ts';

const lab = 'ci1';

/** Skipped, saying why, where the on-demand build or its Debian tools are absent: CI does not build cilium cold. */
function skipReason(): string | undefined {
  if (!isBuilt(ciliumRecipe)) return 'cilium-agent is not built (npx scalelab build cilium)';
  for (const tool of ciliumHostTools)
    if (!existsSync(tool)) return `${tool} is missing (npx scalelab build cilium installs it)`;
  return undefined;
}

/**
 * A shell command in a throwaway pod on node N. `lab exec` moves it into the node's cgroup first on a cilium
 * node, as the node agent's pod processes are (they are forked from the agent, which is in it).
 */
async function inPod(state: LabState, node: number, script: string) {
  return execInThrowawayPod(state, node, ['sh', '-c', script]);
}

/** `count` answers of url/hostname, after up to ~20 s for the first one (the agent syncs asynchronously). */
function hostnameLoop(url: string, count: number): string {
  return (
    `for i in $(seq 80); do curl -s --max-time 1 ${url} >/dev/null && break; sleep 0.25; done; ` +
    `for i in $(seq ${count}); do curl -sS --max-time 2 ${url}; echo; done`
  );
}

describe(
  'lab up --proxy-mode cilium: cilium-agent as every real node’s service proxy',
  { skip: skipReason(), timeout: 900_000 },
  () => {
    let state: LabState;
    let kc: KubeConfig;
    let paths: CiliumNodePaths;
    let sysctlsBefore: Record<string, string>;
    let hostBefore = '';

    before(async () => {
      await scalelab(['lab', 'down', '--name', lab]);
      sysctlsBefore = readHostSysctls();
      hostBefore = await hostNetworkSnapshot();
      await labUpOrFail(lab, ['--fake-nodes', '20', '--real-nodes', '2', '--proxy-mode', 'cilium']);
      state = readLabState(lab)!;
      kc = loadKubeconfig(state);
      paths = ciliumNodePaths(lab, 'real-node-1');
    });
    after(async () => {
      await scalelab(['lab', 'down', '--name', lab]);
    });

    test('every real node runs the agent, not kube-proxy: datapath pinned in its own bpffs, no kube-proxy rule', async () => {
      assert.deepEqual(
        state.processes.map((p) => p.name).filter((n) => /^(kube-proxy|cilium-agent)-/.test(n)),
        ['cilium-agent-1', 'cilium-agent-2'],
      );
      assert.match(
        state.variantLabels?.serviceProxy ?? '',
        /^cilium-agent v?1\.20\.2, kube-proxy replacement/,
      );
      for (const n of state.realNodes!)
        assert.equal(await agentState(ciliumNodePaths(lab, n.name).socketPath), 'Ok', n.name);
      assert.equal(await agentState(paths.socketPath), 'Ok');
      const pinned = readdirSync(`${paths.bpfRoot}/tc/globals`);
      assert.ok(existsSync(servicesMapPath(paths.bpfRoot)), `pinned: ${pinned.join(' ')}`);
      assert.ok(pinned.includes('cilium_lb4_backends_v3'), `pinned: ${pinned.join(' ')}`);
      const node1 = state.realNodes!.find((n) => n.index === 1)!;
      const rules = await output(['ip', 'netns', 'exec', node1.netns, 'iptables-save']);
      assert.doesNotMatch(rules, /KUBE-SERVICES/, 'kube-proxy never ran here');
      // The socket-LB programs attach to node 1's cgroup (not the host's root), once the agent gets there.
      await waitUntil('socket LB attached to node 1’s cgroup', async () =>
        /cil_sock4_connect/.test(await output(['bpftool', 'cgroup', 'show', paths.cgroup])),
      );
      assert.doesNotMatch(await output(['bpftool', 'cgroup', 'show', cgroup2Root()]), /cil_sock/);
    });

    test('the VM-wide sysctls the agent writes are unchanged (read-only /proc/sys outside net/)', async () => {
      assert.deepEqual(readHostSysctls(), sysctlsBefore);
      const log = join(state.stateDir, 'logs', 'cilium-agent-1.log');
      assert.match(readFileSync(log, 'utf8'), /timer_migration|unprivileged_bpf_disabled/);
    });

    test('a pod on node 1 reaches a ClusterIP whose endpoints are on node 2, and the reverse', async () => {
      const ip2 = await echoService(kc, 'echo-on-2', 'real-node-2', 2);
      const ip1 = await echoService(kc, 'echo-on-1', 'real-node-1', 1);
      await waitUntil(
        'echo endpoints ready',
        async () =>
          (await readyEndpoints(kc, 'echo-on-2')).length === 2 &&
          (await readyEndpoints(kc, 'echo-on-1')).length === 1,
      );
      const pods2 = new Set(await readyEndpoints(kc, 'echo-on-2'));
      const r = await inPod(state, 1, hostnameLoop(`http://${ip2}/hostname`, 8));
      assert.equal(r.exitCode, 0, r.stderr);
      const got = r.stdout.split('\n').filter(Boolean);
      assert.equal(got.length, 8, r.stdout);
      assert.ok(
        got.every((h) => pods2.has(h)),
        `node 1 → ${ip2} answered ${got}`,
      );
      const pods1 = new Set(await readyEndpoints(kc, 'echo-on-1'));
      const back = await inPod(state, 2, hostnameLoop(`http://${ip1}/hostname`, 4));
      assert.equal(back.exitCode, 0, back.stderr);
      const gotBack = back.stdout.split('\n').filter(Boolean);
      assert.ok(gotBack.length === 4 && gotBack.every((h) => pods1.has(h)), `node 2 → ${ip1}: ${gotBack}`);
    });

    test("the rule-sync measurement's count of node 1's service map: a frontend per Service port, a slot per backend", async () => {
      const dump = await output(['bpftool', '-j', 'map', 'dump', 'pinned', servicesMapPath(paths.bpfRoot)]);
      const counts = countServiceMap(dump);
      const core = kc.makeApiClient(CoreV1Api);
      const frontends = new Set(
        (await core.listServiceForAllNamespaces()).items.flatMap((svc) =>
          svc.spec?.clusterIP && svc.spec.clusterIP !== 'None'
            ? (svc.spec.ports ?? []).map((p) => `${svc.spec!.clusterIP}:${p.port}`)
            : [],
        ),
      );
      // Every ClusterIP and port is a frontend (kubernetes, kube-dns's, the two echo Services); a port served
      // over TCP and UDP may be one or two entries, as the agent tells protocols apart or not: never fewer.
      assert.ok(
        counts.serviceChains >= frontends.size,
        `${counts.serviceChains} frontends for ${frontends.size} ClusterIP ports`,
      );
      assert.ok(
        counts.endpointChains >= 3,
        `${counts.endpointChains} backend slots (echo-on-2 has 2, echo-on-1 1)`,
      );
      assert.equal(counts.rules, counts.serviceChains + counts.endpointChains);
    });

    test('names resolve through kube-dns from node 1: getent hosts kubernetes', async () => {
      const r = await inPod(state, 1, 'getent hosts kubernetes');
      assert.equal(r.exitCode, 0, r.stderr);
      assert.match(r.stdout, /^198\.19\.0\.1\s+kubernetes\.default\.svc\.cluster\.local/m);
    });

    test('a process on node 1 outside its cgroup is not translated (the cgroup is the boundary)', async () => {
      const ip = (
        await kc.makeApiClient(CoreV1Api).readNamespacedService({ name: 'echo-on-2', namespace: 'default' })
      ).spec!.clusterIP!;
      const node1 = state.realNodes!.find((n) => n.index === 1)!;
      // Started by the harness in the node's namespace: in the host's root cgroup, not node 1's.
      const r = await exec(
        ['ip', 'netns', 'exec', node1.netns, 'curl', '-sS', '--max-time', '3', `http://${ip}/hostname`],
        { allowFailure: true },
      );
      assert.notEqual(r.exitCode, 0, `answered outside the cgroup: ${r.stdout}`);
    });

    test("node 1's agent killed by a fault: its Services keep answering, a new Service waits (node 2 has it, node 1 not)", async () => {
      const fault = await injectFault(state, kc, { kill: 'cilium-agent', node: 1, afterSeconds: 0 }, 'test');
      assert.equal(fault.target, 'cilium-agent-1');
      assert.equal(fault.error, undefined);
      await waitUntil('cilium-agent-1 gone', async () => deadComponents(state, [fault]).length === 1);
      assert.match(
        deadComponents(state, [fault])[0]!,
        /^cilium-agent-1 \(pid \d+\) is not running: killed by a fault in phase test/,
      );
      // What the agent programmed stays in the pinned maps and the cgroup's programs: new connections work.
      const core = kc.makeApiClient(CoreV1Api);
      const ip2 = (await core.readNamespacedService({ name: 'echo-on-2', namespace: 'default' })).spec!
        .clusterIP!;
      const pods2 = new Set(await readyEndpoints(kc, 'echo-on-2'));
      const r = await inPod(state, 1, hostnameLoop(`http://${ip2}/hostname`, 4));
      assert.equal(r.exitCode, 0, r.stderr);
      const got = r.stdout.split('\n').filter(Boolean);
      assert.ok(got.length === 4 && got.every((h) => pods2.has(h)), `node 1 → ${ip2} after the kill: ${got}`);
      // A change made now reaches node 2's live agent; node 1's map cannot get it until an agent runs there.
      const labels = { app: 'echo-on-2', 'scalelab.io/run': 'itest' };
      const late = await core.createNamespacedService({
        namespace: 'default',
        body: {
          metadata: { name: 'after-kill' },
          spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
        },
      });
      const vip = late.spec!.clusterIP!;
      const bpfRoot2 = ciliumNodePaths(lab, 'real-node-2').bpfRoot;
      await waitUntil(
        'node 2 programs the new Service',
        async () => (await frontendBackends(bpfRoot2, vip, 80)) > 0,
        120_000,
      );
      assert.equal(await frontendBackends(paths.bpfRoot, vip, 80), 0, "node 1's map has no frontend for it");
    });

    test('down leaves no mount, cgroup, pinned map, process or changed sysctl', async () => {
      const down = await scalelab(['lab', 'down', '--name', lab]);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(labMounts(lab), []);
      assert.equal(existsSync(labCgroup(lab)), false);
      // runc made the pods' containers' cgroups below the node's in the v1 hierarchies too.
      for (const h of v1Hierarchies()) assert.equal(existsSync(join(h, `scalelab_${lab}`)), false, h);
      assert.equal(existsSync(ciliumNodePaths(lab, 'real-node-1').dir), false);
      const { pidsMentioning } = await import('../../infra/lab/processes.ts');
      assert.deepEqual(pidsMentioning(`/run/scalelab/${lab}/`), []);
      assert.deepEqual(readHostSysctls(), sysctlsBefore);
      assert.equal(await hostNetworkSnapshot(), hostBefore);
      // Maps are freed once their last holder (pin, program, cgroup) is gone, which the kernel does lazily.
      await waitUntil(
        'the agent’s service map freed',
        async () => {
          const maps = await exec(['bpftool', '-j', 'map', 'show'], { allowFailure: true });
          const names = (JSON.parse(maps.stdout || '[]') as { name?: string }[]).map((m) => m.name);
          return !names.includes('cilium_lb4_serv');
        },
        120_000,
      );
    });
  },
);
